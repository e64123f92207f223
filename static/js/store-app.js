/* The store app in the browser: installs the service worker, keeps the report form's draft on the
   phone, takes photos downscaled on the device, and puts every report in the send queue
   (report-queue.js) before sending it, so no report is lost when the signal drops. */
(function () {
  "use strict";
  var Q = window.ReportQueue;
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

  /* The page's words in the reader's language (static/js/texts.js), else the English given here. */
  function t(key, english, values) {
    if (window.ctText) return window.ctText(key, english, values);
    Object.keys(values || {}).forEach(function (name) { english = english.split("%(" + name + ")s").join(values[name]); });
    return english;
  }

  /* "2 reports waiting to send", with each one listed (refused ones say why). */
  function showQueue() {
    var boxes = document.querySelectorAll("[data-queue]");
    if (!boxes.length || !Q) return Promise.resolve();
    return Q.all().then(function (reports) {
      var mine = reports.filter(function (r) { return r.user === currentUser(); });
      var waiting = mine.filter(function (r) { return r.state !== "refused"; }).length;
      boxes.forEach(function (box) {
        box.hidden = mine.length === 0;
        text(box.querySelector("[data-queue-count]"), waiting === 1 ? t("queue_one", "1 report waiting to send") :
          t("queue_many", "%(count)s reports waiting to send", { count: waiting }));
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
          state.textContent = report.state === "refused" ? t("not_sent", "Not sent: %(error)s", { error: report.error })
            : t("waiting", "Waiting to send");
          var when = document.createElement("span");
          when.className = "muted small";
          when.textContent = new Date(report.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
            (report.photos.length ? " · " + (report.photos.length === 1 ? t("photo_one", "1 photo")
              : t("photo_many", "%(count)s photos", { count: report.photos.length })) : "");
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
        img.alt = t("photo_number", "Photo %(number)s", { number: index + 1 });
        img.src = URL.createObjectURL(photo.blob);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        var name = document.createElement("span");
        name.className = "small";
        name.textContent = (photo.shown || photo.name) + " (" + Math.max(1, Math.round(photo.blob.size / 1024)) + " KB)";
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "link";
        drop.textContent = t("remove", "Remove");
        drop.setAttribute("aria-label", t("remove_photo", "Remove photo %(number)s", { number: index + 1 }));
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
        text(errors, files.length > room ? t("photos_at_most", "Add at most %(count)s photos.", { count: max }) : "");
        Promise.all(files.slice(0, Math.max(0, room)).map(downscale)).then(function (made) {
          made.forEach(function (photo, i) {
            if (photo && photo.blob) photos.push(photo);
            else text(errors, t("not_a_photo", "%(name)s is not a photo this phone can read.", { name: files[i].name }));
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
        text(status, t("saved_waiting", "Saved on this phone — waiting to send."));
        return showQueue();
      }).then(flush).then(function (results) {
        var result = results && results[report.key];
        if (result && result.state === "sent") {
          text(status, t("sent", "Sent."));
          window.location.assign(result.url);
          return null;
        }
        if (button) button.disabled = false;
        if (result && result.state === "refused") { text(status, t("not_sent_below", "Not sent: see below.")); return null; }
        return Q.all().then(function (left) {
          if (!left.some(function (r) { return r.key === report.key; })) {  // another tab or the worker sent it
            window.location.assign("/store/");
            return null;
          }
          text(status, t("saved_signal", "Saved on this phone — waiting to send. It goes by itself when there is signal."));
          return askBackgroundSync();  // only now: a sync asked for while online would race this send
        });
      }).catch(function () {
        text(status, t("not_kept", "This phone could not keep the report: please try again."));
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
