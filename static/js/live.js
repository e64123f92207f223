/* Live updates. The server sends "what changed" over the websocket (htmx ws extension); each panel
   that cares re-fetches itself over HTTP with the user's own permissions. Bursts are coalesced, and
   after every reconnect all panels refresh, because a channel layer delivers at most once.
   A panel with data-live-throttle="ms" (costly network-wide figures) refreshes at most once per that
   interval: a change inside the interval is picked up by one trailing refresh, never dropped. */
(function () {
  "use strict";
  var pending = new Set();
  var timer = null;
  var opened = false;
  var COALESCE_MS = 250;

  function setStatus(state, key, text) {
    var dot = document.getElementById("live-status");
    if (!dot) return;
    dot.dataset.state = state;
    var words = window.ctText ? window.ctText(key, "Live updates: " + text) : "Live updates: " + text;
    dot.title = words;
    dot.setAttribute("aria-label", words);
  }

  function panels() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-live-topics]"));
  }

  // Throttling is kept per panel id: a refreshed panel is a new element with the same id.
  var lastRefresh = new Map();
  var trailing = new Map();

  function refresh(panel) {
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
    setStatus("live", "live_connected", "connected");
    if (opened) schedule(["*"]);  // resynchronise: events sent while we were away are lost
    opened = true;
  });
  document.addEventListener("htmx:wsClose", function () { setStatus("reconnecting", "live_reconnecting", "reconnecting"); });
  document.addEventListener("htmx:wsError", function () { setStatus("reconnecting", "live_reconnecting", "reconnecting"); });
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    event.preventDefault();  // messages are notices, never HTML to swap in
    var data;
    try { data = JSON.parse(event.detail.message); } catch (e) { return; }
    if (data && Array.isArray(data.topics)) schedule(data.topics);
  });
  window.ControlTowerLive = { refreshAll: function () { schedule(["*"]); } };
})();
