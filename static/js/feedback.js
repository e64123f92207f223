/* Feedback for every page.
   1. Refusals in place: an htmx request answered 4xx is never swapped over its target; its message
      (the server's error fragment, [data-error-message]) is shown next to the control that sent it,
      inside the form when there is one, and replaced by the next answer. 5xx and network failures
      get a generic line in the same place.
   2. Toasts: confirmations appended to #toasts (aria-live) stay until dismissed; an Undo form in a
      toast counts down and disappears when its window ends (data-undo-until, epoch seconds). */
(function () {
  "use strict";
  if (!window.htmx) return;
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "...", swap: false, error: true }
  ];

  function anchorFor(elt) {
    if (!elt || !elt.closest) return null;
    return elt.closest("form") || elt;
  }

  function clearError(anchor) {
    var old = anchor && anchor.querySelector && anchor.querySelector(":scope > .inline-error[data-placed]");
    if (!anchor || !anchor.parentNode) return;
    if (!old && anchor && anchor.nextElementSibling && anchor.nextElementSibling.matches(".inline-error[data-placed]")) {
      old = anchor.nextElementSibling;
    }
    if (old) old.remove();
  }

  function messageOf(xhr) {
    var text = "";
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/plain") === 0) text = (xhr.responseText || "").trim().slice(0, 300);
    else if (type.indexOf("json") !== -1) {
      try { text = String(JSON.parse(xhr.responseText).detail || ""); } catch (e) { text = ""; }
    }
    if (text) return text;
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var node = doc.querySelector("[data-error-message]") || doc.querySelector(".reason");
      text = node ? node.textContent.trim() : "";
    } catch (e) { text = ""; }
    if (text) return text;
    var t = window.ctText || function (key, english) { return english; };
    var values = { status: xhr.status };
    if (xhr.status === 403) return t("refused_403", "You cannot do this (403).");
    if (xhr.status === 404) return t("refused_404", "Not found in your scope (404).");
    if (xhr.status >= 500) return t("server_failed", "The server failed (%(status)s); nothing was changed. Try again.", values);
    return t("refused", "Refused (%(status)s).", values);
  }

  function place(elt, text) {
    var anchor = anchorFor(elt);
    if (!anchor) return;
    clearError(anchor);
    var p = document.createElement("p");
    p.className = "inline-error";
    p.setAttribute("role", "alert");
    p.dataset.placed = "1";
    p.textContent = text;
    if (anchor.tagName === "FORM" && !anchor.closest("[data-toast]")) anchor.appendChild(p);
    else anchor.insertAdjacentElement("afterend", p);
  }

  document.addEventListener("htmx:beforeRequest", function (event) { clearError(anchorFor(event.detail.elt)); });
  document.addEventListener("htmx:responseError", function (event) {
    place(event.detail.elt, messageOf(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", function (event) {
    var t = window.ctText || function (key, english) { return english; };
    place(event.detail.elt, t("unreachable", "The portal could not be reached; nothing was changed. Try again."));
  });

  function tick() {
    var now = Date.now() / 1000;
    document.querySelectorAll("#toasts [data-undo-until]").forEach(function (form) {
      var left = Math.ceil(Number(form.dataset.undoUntil) - now);
      var counter = form.querySelector("[data-countdown]");
      if (left <= 0) { form.remove(); return; }
      if (counter) counter.textContent = left + " s";
    });
  }
  setInterval(tick, 500);
  document.addEventListener("htmx:afterSettle", tick);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-dismiss]");
    if (button) {
      var toast = button.closest("[data-toast]");
      if (toast) toast.remove();
    }
  });
})();
