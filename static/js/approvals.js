/* Approvals inbox keyboard: j/k move, x select, a approve, r reject, Enter open, / filters.
   - `a` on a request at or above the confirmation amount (data-confirm) asks once: a second `a`
     approves, moving away or Escape cancels.
   - After a decision the cursor moves to the next open request ("decide and next").
   Refusals are shown next to the control by feedback.js; confirmations are toasts. */
(function () {
  "use strict";
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.request-row")); }
  function current() { return document.querySelector("tr.request-row.focused"); }
  function disarm() {
    document.querySelectorAll("tr.request-row[data-armed]").forEach(function (r) {
      delete r.dataset.armed;
      var prompt = r.querySelector(".confirm-prompt");
      if (prompt) prompt.remove();
    });
  }
  function focusRow(row) {
    disarm();
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
  function approve(row) {
    if (row.dataset.confirm && !row.dataset.armed) {
      row.dataset.armed = "1";
      var cell = row.querySelector(".decide-cell");
      var prompt = document.createElement("p");
      prompt.className = "confirm-prompt";
      prompt.setAttribute("role", "alert");
      var t = window.ctText || function (key, english, values) { return english.replace("%(amount)s", values.amount); };
      prompt.textContent = t("confirm_approve", "Approve %(amount)s? Press a again to approve, Esc to cancel.",
                             { amount: row.dataset.confirm });
      if (cell) cell.appendChild(prompt);
      return;
    }
    disarm();
    press(row, "approve");
  }

  // Decide and next: remember which row decided, then move the cursor past it once it is swapped.
  var decidedId = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("tr.request-row form.decide");
    decidedId = form ? form.closest("tr.request-row").id : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!decidedId || event.detail.xhr.status >= 400) return;
    var decided = document.getElementById(decidedId);
    decidedId = null;
    if (!decided || decided.hasAttribute("data-open")) return;
    var all = rows();
    var index = all.indexOf(decided);
    var next = all.slice(index + 1).concat(all.slice(0, index)).filter(function (r) {
      return r.hasAttribute("data-open") && r.querySelector("form.decide");
    })[0];
    focusRow(next || decided);
  });

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) {
      if (event.key === "Escape" && event.target.blur) event.target.blur();
      return;
    }
    var row = current();
    if (event.key === "Escape") { disarm(); }
    else if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "x" && row) {
      var box = row.querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
      event.preventDefault();
    } else if (event.key === "a" && row) { approve(row); event.preventDefault(); }
    else if (event.key === "r" && row) {
      var comment = row.querySelector(".reject-form input[name=comment]");
      if (comment && !comment.value.trim()) { comment.focus(); } else { press(row, "reject"); }
      event.preventDefault();
    } else if (event.key === "Enter" && row) { window.location.href = row.dataset.detailUrl; }
    else if (event.key === "/") {
      var first = document.querySelector(".filters input[type=search]") || document.querySelector(".filters select");
      if (first) { first.focus(); event.preventDefault(); }
    }
  });
})();
