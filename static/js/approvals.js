/* Approvals inbox keyboard: j/k move, x select, a approve, r reject, Enter open, / filters.
   Errors from the server (4xx with a message) are swapped into the message area. */
(function () {
  "use strict";
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "[4]..", swap: true, error: false },
      { code: "...", swap: false, error: true }
    ];
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.request-row")); }
  function current() { return document.querySelector("tr.request-row.focused"); }
  function focusRow(row) {
    rows().forEach(function (r) { r.classList.remove("focused"); });
    if (!row) return;
    row.classList.add("focused");
    row.focus({ preventScroll: false });
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(current());
    focusRow(all[Math.max(0, Math.min(all.length - 1, index + step))] || all[0]);
  }
  function press(row, outcome) {
    var button = row && row.querySelector("button[value='" + outcome + "']");
    if (button) button.click();
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) {
      if (event.key === "Escape" && event.target.blur) event.target.blur();
      return;
    }
    var row = current();
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "x" && row) {
      var box = row.querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
      event.preventDefault();
    } else if (event.key === "a" && row) { press(row, "approve"); event.preventDefault(); }
    else if (event.key === "r" && row) {
      var comment = row.querySelector("input[name=comment]");
      if (comment && !comment.value.trim()) { comment.focus(); } else { press(row, "reject"); }
      event.preventDefault();
    } else if (event.key === "Enter" && row) { window.location.href = row.dataset.detailUrl; }
    else if (event.key === "/") {
      var first = document.querySelector(".filters select, .filters input");
      if (first) { first.focus(); event.preventDefault(); }
    }
  });
})();
