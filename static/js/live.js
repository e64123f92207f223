/* Live updates. The server sends "what changed" over the websocket (htmx ws extension); each panel
   that cares re-fetches itself over HTTP with the user's own permissions. Bursts are coalesced, and
   after every reconnect all panels refresh, because a channel layer delivers at most once.
   A panel with data-live-throttle="ms" (costly network-wide figures) refreshes at most once per that
   interval: a change inside the interval is picked up by one trailing refresh, never dropped.
   A panel holding a form someone is filling in (focus in a field, a chosen file) is not replaced under
   their hands: its refresh waits and is tried again a second later. */
(function () {
  "use strict";
  var pending = new Set();
  var timer = null;
  var opened = false;
  var COALESCE_MS = 250;
  var BUSY_RETRY_MS = 1000;

  function setStatus(state, text) {
    var dot = document.getElementById("live-status");
    if (!dot) return;
    dot.dataset.state = state;
    dot.title = "Live updates: " + text;
    dot.setAttribute("aria-label", "Live updates: " + text);
  }

  function panels() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-live-topics]"));
  }

  // Throttling is kept per panel id: a refreshed panel is a new element with the same id.
  var lastRefresh = new Map();
  var trailing = new Map();

  function busy(panel) {
    var active = document.activeElement;
    if (active && panel.contains(active) && active.matches("input, textarea, select")) return true;
    return Array.prototype.some.call(panel.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  var waiting = new Map();

  function later(panel) {
    var key = panel.id || panel;
    if (waiting.has(key)) return;
    waiting.set(key, setTimeout(function () {
      waiting.delete(key);
      var current = panel.id ? document.getElementById(panel.id) : (panel.isConnected ? panel : null);
      if (current) refresh(current);
    }, BUSY_RETRY_MS));
  }

  function refresh(panel) {
    if (busy(panel)) { later(panel); return; }
    var every = parseInt(panel.dataset.liveThrottle || "0", 10);
    var id = panel.id;
    if (every > 0 && id) {
      var since = Date.now() - (lastRefresh.get(id) || 0);
      if (since < every) {
        if (!trailing.has(id)) {
          trailing.set(id, setTimeout(function () {
            trailing.delete(id);
            var current = document.getElementById(id);
            if (current) refresh(current);
          }, every - since));
        }
        return;
      }
      lastRefresh.set(id, Date.now());
    }
    htmx.trigger(panel, "live-refresh");
  }

  function flush() {
    timer = null;
    var topics = pending;
    pending = new Set();
    panels().forEach(function (panel) {
      var wanted = panel.dataset.liveTopics.split(/\s+/);
      if (topics.has("*") || wanted.some(function (t) { return topics.has(t); })) refresh(panel);
    });
  }

  function schedule(topics) {
    topics.forEach(function (t) { pending.add(t); });
    if (timer === null) timer = setTimeout(flush, COALESCE_MS);
  }

  document.addEventListener("htmx:wsOpen", function () {
    setStatus("live", "connected");
    if (opened) schedule(["*"]);  // resynchronise: events sent while we were away are lost
    opened = true;
  });
  document.addEventListener("htmx:wsClose", function () { setStatus("reconnecting", "reconnecting"); });
  document.addEventListener("htmx:wsError", function () { setStatus("reconnecting", "reconnecting"); });
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    event.preventDefault();  // messages are notices, never HTML to swap in
    var data;
    try { data = JSON.parse(event.detail.message); } catch (e) { return; }
    if (data && Array.isArray(data.topics)) schedule(data.topics);
  });
  function fromLiveRefresh(detail) {
    var trigger = detail.triggeringEvent || (detail.requestConfig && detail.requestConfig.triggeringEvent);
    return trigger && trigger.type === "live-refresh";
  }
  // The form may have been started while the refresh was on its way: keep what the person typed.
  document.addEventListener("htmx:confirm", function (event) {
    if (fromLiveRefresh(event.detail) && busy(event.detail.elt)) { event.preventDefault(); later(event.detail.elt); }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (elt && fromLiveRefresh(event.detail) && busy(elt)) { event.detail.shouldSwap = false; later(elt); }
  });
  window.ControlTowerLive = { refreshAll: function () { schedule(["*"]); } };
})();
