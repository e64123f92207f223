/* The phone's send queue for incident reports, shared by the page and the service worker.
   A report is saved in IndexedDB before the first try to send it (text, category, urgency, photos
   as JPEG blobs) under a key made here; the server treats a report sent again with the same key as
   the same incident, so a resend after a dropped answer never makes a second one. Only the person
   who wrote a report sends it (a shared phone signed in as someone else leaves it waiting). */
(function (root) {
  "use strict";
  var DB = "ct-store", VERSION = 1, REPORTS = "reports", DRAFTS = "drafts";
  var FORM_URL = "/incidents/new/";
  var LOCK = "ct-send-reports";

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function open() {
    var req = root.indexedDB.open(DB, VERSION);
    req.onupgradeneeded = function () {
      var db = req.result;
      if (!db.objectStoreNames.contains(REPORTS)) db.createObjectStore(REPORTS, { keyPath: "key" });
      if (!db.objectStoreNames.contains(DRAFTS)) db.createObjectStore(DRAFTS, { keyPath: "id" });
    };
    return request(req);
  }

  function withStore(name, mode, work) {
    return open().then(function (db) {
      var tx = db.transaction(name, mode);
      var result = work(tx.objectStore(name));
      return new Promise(function (resolve, reject) {
        tx.oncomplete = function () { db.close(); Promise.resolve(result).then(resolve); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function newKey() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    root.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function all() {
    return withStore(REPORTS, "readonly", function (store) { return request(store.getAll()); })
      .then(function (rows) { return rows.sort(function (a, b) { return a.createdAt - b.createdAt; }); });
  }

  function put(report) {
    return withStore(REPORTS, "readwrite", function (store) { return request(store.put(report)); });
  }

  function remove(key) {
    return withStore(REPORTS, "readwrite", function (store) { return request(store.delete(key)); });
  }

  /* The form page names its person and carries a fresh CSRF token: asked for when the page that
     queued the report is gone (the service worker) or its token was refused. */
  function session() {
    return root.fetch(FORM_URL, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok || response.redirected) return null;  // signed out: the login page
      return response.text().then(function (html) {
        var token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
        var user = /<meta name="ct-user" content="(\d+)">/.exec(html);
        return token && user ? { token: token[1], user: user[1] } : null;
      });
    }).catch(function () { return null; });  // no signal
  }

  function body(report) {
    var data = new FormData();
    Object.keys(report.fields).forEach(function (name) { data.append(name, report.fields[name] || ""); });
    data.append("client_key", report.key);
    (report.photos || []).forEach(function (photo) { data.append("photos", photo.blob, photo.name); });
    return data;
  }

  /* One try. Outcomes: "sent" (removed from the queue), "refused" (the server said what is wrong:
     kept, shown, not retried), "waiting" (no signal, or signed out: retried later). */
  function sendOne(report, auth) {
    return root.fetch(FORM_URL, {
      method: "POST", body: body(report), credentials: "same-origin",
      headers: { "X-CSRFToken": auth.token, "Accept": "application/json" },
    }).then(function (response) {
      if (response.status === 201) {
        return response.json().then(function (answer) {
          return remove(report.key).then(function () { return { state: "sent", url: answer.url }; });
        });
      }
      if (response.status === 400) {
        return response.json().then(function (answer) {
          var messages = [];
          Object.keys(answer.errors || {}).forEach(function (k) { messages = messages.concat(answer.errors[k]); });
          report.state = "refused";
          report.error = messages.join(" ") || (self.ctText ? self.ctText("report_refused", "The portal refused this report.")
            : "The portal refused this report.");
          return put(report).then(function () { return { state: "refused" }; });
        });
      }
      return { state: "waiting", status: response.status };
    }, function () { return { state: "waiting" }; });
  }

  function flushNow(auth) {
    return all().then(function (reports) {
      var results = {};
      var chain = Promise.resolve();
      reports.filter(function (r) { return r.state !== "refused" && r.user === auth.user; }).forEach(function (report) {
        chain = chain.then(function () {
          return sendOne(report, auth).then(function (result) {
            if (result.state === "waiting" && result.status === 403) {  // a stale token: ask once for a fresh one
              return session().then(function (fresh) {
                if (!fresh || fresh.user !== auth.user) return result;
                auth = fresh;
                return sendOne(report, auth);
              });
            }
            return result;
          }).then(function (result) { results[report.key] = result; });
        });
      });
      return chain.then(function () { return results; });
    });
  }

  /* Send every waiting report of the signed-in person, one sender at a time across the page and the
     service worker (Web Locks; where missing, the server's key still makes a double send harmless). */
  function flush(auth) {
    var run = function () {
      return (auth ? Promise.resolve(auth) : session()).then(function (found) {
        return found ? flushNow(found) : {};
      });
    };
    if (root.navigator && root.navigator.locks) return root.navigator.locks.request(LOCK, run);
    return run();
  }

  function draftGet() {
    return withStore(DRAFTS, "readonly", function (store) { return request(store.get("report")); });
  }

  function draftPut(draft) {
    draft.id = "report";
    return withStore(DRAFTS, "readwrite", function (store) { return request(store.put(draft)); });
  }

  function draftClear() {
    return withStore(DRAFTS, "readwrite", function (store) { return request(store.delete("report")); });
  }

  root.ReportQueue = {
    newKey: newKey, all: all, add: put, remove: remove, flush: flush, session: session,
    draftGet: draftGet, draftPut: draftPut, draftClear: draftClear, SYNC_TAG: LOCK,
  };
})(self);
