/* Exception pages. A refused action (400 bad input, 409 wrong state) answers with the card and its
   message: show it instead of dropping it. (A live refresh waiting while someone types is live.js's.) */
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
})();
