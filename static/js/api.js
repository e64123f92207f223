// API & webhooks pages: a secret is rendered once in the answer to the form that created it.
// Point the address bar at the page itself, so that reloading shows the page (a GET) instead of
// sending the form again (which would create a second token or subscription).
(function () {
  "use strict";
  // Forms that destroy something ask first (data-confirm holds the question).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  var secret = document.querySelector("[data-token-secret], [data-webhook-secret]");
  if (!secret) { return; }
  var page = secret.getAttribute("data-page-url");
  if (page && window.history && window.history.replaceState) { window.history.replaceState(null, "", page); }
  secret.addEventListener("focus", function () { secret.select(); });
})();
