/* Store incidents: quick client-side checks before upload (the server checks again, by content),
   suggestions applied as editable defaults, and the override form showing only what it needs. */
(function () {
  "use strict";
  // The words come from the portal's script catalog (base.html); English when it could not load.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  };
  var ACCEPTED = ["image/jpeg", "image/png", "image/webp"];

  function checkPhotos(input) {
    var form = input.form;
    var errors = form.querySelector("#photo-errors");
    var list = form.querySelector("#photo-list");
    var max = parseInt(input.dataset.maxPhotos || "5", 10);
    var maxBytes = parseInt(input.dataset.maxBytes || "8388608", 10);
    var problems = [];
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length > max) problems.push(interpolate(ngettext("Add at most %(max)s photo.", "Add at most %(max)s photos.", max), { max: max }, true));
    files.forEach(function (file) {
      if (ACCEPTED.indexOf(file.type) === -1) problems.push(interpolate(gettext("%(name)s is not a JPEG, PNG or WebP photo."), { name: file.name }, true));
      if (file.size > maxBytes) problems.push(interpolate(gettext("%(name)s is too large: photos may be at most %(size)s MB."), { name: file.name, size: Math.round(maxBytes / 1048576) }, true));
    });
    if (list) {
      list.textContent = "";
      files.forEach(function (file) {
        var item = document.createElement("li");
        item.textContent = interpolate(gettext("%(name)s (%(size)s KB)"), { name: file.name, size: Math.max(1, Math.round(file.size / 1024)) }, true);
        list.appendChild(item);
      });
    }
    if (errors) errors.textContent = problems.join(" ");
    input.setCustomValidity(problems.join(" "));
    return problems.length === 0;
  }

  function applySuggestion(box, force) {
    var form = box.closest("form");
    if (!form) return;
    var hidden = form.querySelector("[name=suggestion_id]");
    if (hidden && box.dataset.suggestionId) hidden.value = box.dataset.suggestionId;
    [["category", box.dataset.category], ["urgency", box.dataset.urgency]].forEach(function (pair) {
      var select = form.querySelector("[name=" + pair[0] + "]");
      if (!select || !pair[1]) return;
      if (force || !select.dataset.touched) {
        select.value = pair[1];
        select.dataset.suggested = "1";
      }
    });
  }

  function setupForm(form) {
    form.querySelectorAll("select[name=category], select[name=urgency]").forEach(function (select) {
      select.addEventListener("change", function () { select.dataset.touched = "1"; select.dataset.suggested = ""; });
    });
    // The store app's form (store-app.js) takes photos itself: downscaled on the phone, then queued.
    var queued = form.hasAttribute("data-queue-form");
    var photos = queued ? null : form.querySelector("input[type=file]");
    if (photos) photos.addEventListener("change", function () { checkPhotos(photos); });
    form.addEventListener("submit", function (event) {
      var title = form.querySelector("[name=title]");
      if (title && title.value.trim().length < 4) {
        event.preventDefault();
        title.setAttribute("aria-invalid", "true");
        title.focus();
        var box = form.querySelector("#photo-errors");
        if (box) box.textContent = gettext("Say in a few words what is wrong.");
        return;
      }
      if (photos && !checkPhotos(photos)) { event.preventDefault(); return; }
      if (queued) return;
      var button = form.querySelector("[data-submit]");
      if (button) { button.disabled = true; button.textContent = gettext("Sending…"); }
    });
  }

  function setupOverride(form) {
    var kind = form.querySelector("[name=kind]");
    if (!kind) return;
    var needs = { reprioritise: "urgency", reassign_team: "team", extend_deadline: "deadline", close_duplicate: "duplicate_of" };
    function show() {
      form.querySelectorAll(".override-field").forEach(function (field) { field.classList.remove("shown"); });
      var wanted = form.querySelector(".field-" + needs[kind.value]);
      if (wanted) wanted.classList.add("shown");
    }
    form.classList.add("js");
    kind.addEventListener("change", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-incident-form]").forEach(setupForm);
    document.querySelectorAll(".override-form").forEach(setupOverride);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.elt && event.detail.elt.id === "triage-suggestion" ? event.detail.elt : document.getElementById("triage-suggestion");
    if (box && box.dataset.category) applySuggestion(box, false);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-apply-suggestion]");
    if (!button) return;
    var box = button.closest("#triage-suggestion");
    if (box) applySuggestion(box, true);
  });
})();
