/* Exception pages. A refused action (400 bad input, 409 wrong state) answers with the card and its
   message: show it instead of dropping it. A live refresh waits while someone is typing in a form. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 409) && target && target.classList.contains("ops-swap-errors")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:confirm", function (event) {
    var trigger = event.detail.triggeringEvent;
    var active = document.activeElement;
    if (trigger && trigger.type === "live-refresh" && active && event.detail.elt.contains(active) &&
        active.matches("input, textarea, select")) {
      event.preventDefault();
    }
  });
})();
