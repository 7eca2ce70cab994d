// The API docs page (/api/docs): Swagger UI over the API's OpenAPI document. Kept in a file
// (not inline) so the page's Content-Security-Policy stays script-src 'self'.
(function () {
  "use strict";
  var mount = document.getElementById("swagger-ui");
  if (!mount || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: mount.getAttribute("data-spec-url"),
    domNode: mount,
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
    defaultModelsExpandDepth: 0,
    // No calls to swagger.io's validator: the page talks to this server only.
    validatorUrl: null,
  });
})();
