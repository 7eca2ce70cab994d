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
        button.textContent = button.getAttribute("data-copied") || "✓";
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
      // The words come from the page (data-countdown-in / data-countdown-now): it is translated.
      var clock = minutes + ":" + String(seconds).padStart(2, "0");
      el.textContent = left > 0
        ? (el.getAttribute("data-countdown-in") || "%s").replace("%s", clock)
        : (el.getAttribute("data-countdown-now") || "0:00");
    });
  }
  update();
  setInterval(update, 1000);
})();

// The navigation menu on narrow screens, and toasts that fade away (a dismiss button closes
// one at once).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (!toggle) return;
    var bar = toggle.closest(".topbar");
    var open = bar.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  function fadeLater(toast) {
    setTimeout(function () {
      toast.classList.add("fading");
      setTimeout(function () { toast.remove(); }, 700);
    }, 8000);
  }
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("#toasts .toast:not([data-fading])").forEach(function (toast) {
      toast.setAttribute("data-fading", "");
      fadeLater(toast);
    });
  });
})();

// The orders filters: while a new result is on its way the old one is marked stale and the
// previous field messages go; a refused filter puts its message next to its field.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!event.detail.elt.closest || !event.detail.elt.closest("#order-filters, .orders-pager")) return;
    document.querySelectorAll("#order-filters .field-error").forEach(function (el) { el.textContent = ""; });
    var results = document.getElementById("orders-results");
    if (results) results.classList.add("stale");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "orders-results") {
      event.detail.target.classList.remove("stale");
    }
  });
})();
