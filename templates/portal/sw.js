{% load static %}/* Control Tower store app: service worker (hand-written; no library, no CDN).
   Keeps the shell (styles, scripts, icons) and the store pages for a visit without signal, and sends
   the reports waiting on the phone when Background Sync says the signal is back. */
"use strict";
importScripts("{% static 'js/report-queue.js' %}");

var VERSION = "{{ version }}";
var SHELL = "ct-shell-" + VERSION;
var PAGES = "ct-pages";
var STATIC_PREFIX = "{% static '' %}";
var SHELL_FILES = [{% for name in shell_static %}"{% static name %}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var SHELL_PAGES = [{% for path in shell_pages %}"{{ path }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
// The scripts' words (JavaScript catalogs), one per language: kept with the shell so that the store
// pages speak the person's language without signal too.
var CATALOGS = [{% for path in catalogs %}"{{ path }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var NETWORK_WAIT_MS = 4000;

function keepPage(path) {
  return fetch(path, { credentials: "same-origin" }).then(function (response) {
    if (!response.ok || response.redirected) return;  // signed out: never keep the login page as the store page
    return caches.open(PAGES).then(function (cache) { return cache.put(path, response); });
  }).catch(function () {});
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_FILES.concat(CATALOGS)); })
    .then(function () { return Promise.all(SHELL_PAGES.map(keepPage)); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("ct-shell-") === 0 && name !== SHELL; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* A store page: the network first (fresh data, kept for later), the kept copy when there is no
   signal or it is too slow to wait for. */
function page(request, path) {
  var network = fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(path, copy); });
    }
    return response;
  });
  var kept = new Promise(function (resolve) {
    setTimeout(function () {
      caches.match(path).then(function (hit) { if (hit) resolve(hit); });
    }, NETWORK_WAIT_MS);
  });
  return Promise.race([network, kept]).catch(function () {
    return caches.match(path).then(function (hit) { return hit || caches.match(SHELL_PAGES[0]); })
      .then(function (hit) { return hit || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout/") {
    event.waitUntil(caches.delete(PAGES));  // the next person on this phone never sees these pages
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    if (SHELL_PAGES.indexOf(url.pathname) !== -1 || url.pathname === "/") {
      event.respondWith(page(request, url.pathname === "/" ? SHELL_PAGES[0] : url.pathname));
    }
    return;
  }
  if (CATALOGS.indexOf(url.pathname) !== -1) {  // the kept copy at once (no wait without signal), refreshed behind
    var fresh = fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(SHELL).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    });
    event.waitUntil(fresh.catch(function () {}));
    event.respondWith(caches.match(url.pathname, { ignoreVary: true }).then(function (hit) { return hit || fresh; })
      .catch(function () { return Response.error(); }));
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});

function tellPages() {
  return self.clients.matchAll({ type: "window" }).then(function (pages) {
    pages.forEach(function (client) { client.postMessage({ type: "reports-changed" }); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === self.ReportQueue.SYNC_TAG) {
    event.waitUntil(self.ReportQueue.flush(null).then(tellPages));
  }
});
