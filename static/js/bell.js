/* The notification bell's dropdown (a disclosure): the bell link still leads to the centre without
   JavaScript; with it, a click, Enter or Space opens the newest notifications (an htmx fragment) under
   the bell and moves focus into them; Escape closes and gives focus back to the bell, as does a click
   or focus outside. Closed, the dropdown is emptied, so only an open one refreshes live. */
(function () {
  "use strict";

  function init() {
    var menu = document.querySelector("[data-bell-menu]");
    if (!menu || !window.htmx) return;
    var bell = menu.querySelector("#notification-bell");
    var dropdown = menu.querySelector("#bell-dropdown");
    bell.setAttribute("role", "button");

    function isOpen() { return bell.getAttribute("aria-expanded") === "true"; }

    function focusPanel() {
      var panel = dropdown.querySelector("#bell-panel");
      if (panel) panel.focus();
    }

    function open() {
      bell.setAttribute("aria-expanded", "true");
      dropdown.hidden = false;
      htmx.ajax("GET", bell.dataset.dropdownUrl, { target: dropdown, swap: "innerHTML" }).then(function () {
        if (isOpen()) focusPanel();
      });
    }

    function close(returnFocus) {
      if (!isOpen()) return;
      bell.setAttribute("aria-expanded", "false");
      dropdown.hidden = true;
      dropdown.innerHTML = "";
      if (returnFocus) bell.focus();
    }

    bell.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;  // new tab: the centre
      event.preventDefault();
      if (isOpen()) close(true); else open();
    });
    bell.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); bell.click(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) { event.preventDefault(); close(true); }
    });
    document.addEventListener("click", function (event) {
      if (isOpen() && !menu.contains(event.target)) close(false);
    });
    menu.addEventListener("focusout", function (event) {
      if (isOpen() && event.relatedTarget && !menu.contains(event.relatedTarget)) close(false);
    });
    // Mark read swaps the panel: the button that had focus is gone, so focus stays in the panel.
    dropdown.addEventListener("htmx:afterSwap", function () {
      if (isOpen() && (!document.activeElement || document.activeElement === document.body)) focusPanel();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
