// allegro-backup: the few lines of JavaScript the pages need. Everything works without it
// except htmx's partial updates.
(function () {
  "use strict";

  // Send the session's CSRF token with every htmx request.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      event.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });

  // Dismiss buttons on flash messages and toasts.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss]");
    if (button) {
      var box = button.closest(".flash, .toast");
      if (box) box.remove();
    }
  });

  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Copy-to-clipboard buttons.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (source) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = "Copied";
      });
    }
  });
})();

// Countdowns: <span data-countdown="UNIX_SECONDS"> shows the time left, refreshed each second.
(function () {
  "use strict";
  function update() {
    var now = Date.now() / 1000;
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.max(0, Math.round(Number(el.getAttribute("data-countdown")) - now));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      el.textContent = left > 0 ? "in " + minutes + ":" + String(seconds).padStart(2, "0") : "now";
    });
  }
  update();
  setInterval(update, 1000);
})();
