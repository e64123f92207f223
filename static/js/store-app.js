/* The store app in the browser: installs the service worker, keeps the report form's draft on the
   phone, takes photos downscaled on the device, and puts every report in the send queue
   (report-queue.js) before sending it, so no report is lost when the signal drops. */
(function () {
  "use strict";
  var Q = window.ReportQueue;
  // The words come from the portal's script catalog (base.html; kept offline by the service worker).
  var gettext = window.gettext || function (words) { return words; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  };
  var MAX_SIDE = 2048, QUALITY = 0.85;
  var DRAFT_FIELDS = ["title", "description", "category", "urgency", "equipment_ref"];

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "reports-changed") showQueue();
    });
  }

  function askBackgroundSync() {
    if (!("serviceWorker" in navigator)) return Promise.resolve(false);
    // getRegistration, not ready: `ready` never settles where no worker could be installed.
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg && reg.active && reg.sync ? reg.sync.register(Q.SYNC_TAG).then(function () { return true; }) : false;
    }).catch(function () { return false; });
  }

  function currentUser() {
    var meta = document.querySelector("meta[name=ct-user]");
    return meta && meta.content ? meta.content : null;
  }

  function text(node, value) { if (node) node.textContent = value; }

  /* "2 reports waiting to send", with each one listed (refused ones say why). */
  function showQueue() {
    var boxes = document.querySelectorAll("[data-queue]");
    if (!boxes.length || !Q) return Promise.resolve();
    return Q.all().then(function (reports) {
      var mine = reports.filter(function (r) { return r.user === currentUser(); });
      var waiting = mine.filter(function (r) { return r.state !== "refused"; }).length;
      boxes.forEach(function (box) {
        box.hidden = mine.length === 0;
        text(box.querySelector("[data-queue-count]"), interpolate(ngettext("%(count)s report waiting to send",
          "%(count)s reports waiting to send", waiting), { count: waiting }, true));
        var list = box.querySelector("[data-queue-list]");
        if (!list) return;
        list.textContent = "";
        mine.forEach(function (report) {
          var item = document.createElement("li");
          item.className = "queue-row";
          var title = document.createElement("strong");
          title.textContent = report.fields.title;
          var state = document.createElement("span");
          state.className = report.state === "refused" ? "status-bad small" : "status-warn small";
          state.textContent = report.state === "refused"
            ? interpolate(gettext("Not sent: %(error)s"), { error: report.error }, true) : gettext("Waiting to send");
          var when = document.createElement("span");
          when.className = "muted small";
          when.textContent = new Date(report.createdAt).toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" }) +
            (report.photos.length ? " · " + interpolate(ngettext("%(count)s photo", "%(count)s photos", report.photos.length),
              { count: report.photos.length }, true) : "");
          item.append(title, " ", state, " ", when);
          list.appendChild(item);
        });
      });
    });
  }

  function flush() {
    if (!Q || !navigator.onLine) return Promise.resolve({});
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    var auth = token && currentUser() ? { token: token.value, user: currentUser() } : null;
    return Q.flush(auth).then(function (results) { showQueue(); return results; }, function () { return {}; });
  }

  /* -- photos: downscaled on the phone (longest side 2048 px, JPEG) before they are kept or sent -- */
  function downscale(file) {
    if (!window.createImageBitmap) return Promise.resolve({ name: file.name, blob: file });
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); }).then(function (blob) {
        return { name: file.name.replace(/\.[^.]*$/, "") + ".jpg", shown: file.name, blob: blob,
                 width: canvas.width, height: canvas.height };
      });
    }, function () { return null; });
  }

  function setupForm(form) {
    var input = form.querySelector("input[type=file][name=photos]");
    var list = form.querySelector("#photo-list");
    var errors = form.querySelector("#photo-errors");
    var status = document.querySelector("[data-send-status]");
    var max = input ? parseInt(input.dataset.maxPhotos || "5", 10) : 0;
    var photos = [];

    function saveDraft() {
      var draft = { fields: {}, photos: photos };
      DRAFT_FIELDS.forEach(function (name) {
        var field = form.elements[name];
        if (field) draft.fields[name] = field.value;
      });
      return Q.draftPut(draft).catch(function () {});
    }

    function renderPhotos() {
      if (!list) return;
      list.textContent = "";
      photos.forEach(function (photo, index) {
        var item = document.createElement("li");
        item.className = "photo-preview";
        var img = document.createElement("img");
        img.alt = interpolate(gettext("Photo %(number)s"), { number: index + 1 }, true);
        img.src = URL.createObjectURL(photo.blob);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        var name = document.createElement("span");
        name.className = "small";
        name.textContent = interpolate(gettext("%(name)s (%(size)s KB)"),
          { name: photo.shown || photo.name, size: Math.max(1, Math.round(photo.blob.size / 1024)) }, true);
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "link";
        drop.textContent = gettext("Remove");
        drop.setAttribute("aria-label", interpolate(gettext("Remove photo %(number)s"), { number: index + 1 }, true));
        drop.addEventListener("click", function () { photos.splice(index, 1); renderPhotos(); saveDraft(); });
        item.append(img, name, drop);
        list.appendChild(item);
      });
    }

    if (input) {
      input.addEventListener("change", function () {
        var files = Array.prototype.slice.call(input.files || []);
        input.value = "";
        var room = max - photos.length;
        text(errors, files.length > room
          ? interpolate(ngettext("Add at most %(max)s photo.", "Add at most %(max)s photos.", max), { max: max }, true) : "");
        Promise.all(files.slice(0, Math.max(0, room)).map(downscale)).then(function (made) {
          made.forEach(function (photo, i) {
            if (photo && photo.blob) photos.push(photo);
            else text(errors, interpolate(gettext("%(name)s is not a photo this phone can read."), { name: files[i].name }, true));
          });
          renderPhotos();
          saveDraft();
        });
      });
    }

    // A draft survives closing the browser: restored when the form opens empty.
    if (!form.querySelector(".error, [aria-invalid]")) {
      Q.draftGet().then(function (draft) {
        if (!draft) return;
        DRAFT_FIELDS.forEach(function (name) {
          var field = form.elements[name];
          if (field && draft.fields && draft.fields[name] && !field.value) field.value = draft.fields[name];
        });
        photos = (draft.photos || []).slice(0, max);
        renderPhotos();
      }).catch(function () {});
    }
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;  // incidents.js found the text too short
      event.preventDefault();
      var fields = {};
      ["store", "suggestion_id"].concat(DRAFT_FIELDS).forEach(function (name) {
        var field = form.elements[name];
        if (field) fields[name] = field.value;
      });
      var report = { key: Q.newKey(), user: currentUser(), createdAt: Date.now(), state: "waiting",
                     fields: fields, photos: photos.map(function (p) { return { name: p.name, blob: p.blob }; }) };
      var button = form.querySelector("[data-submit]");
      if (button) button.disabled = true;
      Q.add(report).then(function () {
        photos = [];
        renderPhotos();
        form.reset();
        return Q.draftClear();
      }).then(function () {
        text(status, gettext("Saved on this phone — waiting to send."));
        return showQueue();
      }).then(flush).then(function (results) {
        var result = results && results[report.key];
        if (result && result.state === "sent") {
          text(status, gettext("Sent."));
          window.location.assign(result.url);
          return null;
        }
        if (button) button.disabled = false;
        if (result && result.state === "refused") { text(status, gettext("Not sent: see below.")); return null; }
        return Q.all().then(function (left) {
          if (!left.some(function (r) { return r.key === report.key; })) {  // another tab or the worker sent it
            window.location.assign("/store/");
            return null;
          }
          text(status, gettext("Saved on this phone — waiting to send. It goes by itself when there is signal."));
          return askBackgroundSync();  // only now: a sync asked for while online would race this send
        });
      }).catch(function () {
        text(status, gettext("This phone could not keep the report: please try again."));
        if (button) button.disabled = false;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    registerWorker();
    document.querySelectorAll("[data-queue-form]").forEach(setupForm);
    showQueue().then(flush);  // the next visit sends what is waiting
  });
  window.addEventListener("online", function () { flush(); });
})();
