// Swagger UI for this API's own OpenAPI document, wherever the API is mounted. A file of
// its own: the page's Content-Security-Policy runs no inline script.
window.ui = SwaggerUIBundle({
  url: "../openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
});
