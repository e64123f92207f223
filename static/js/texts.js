/* The scripts' words in the reader's language: the page carries them as JSON (#ct-texts, written by
   the server in the person's language); ctText(key, english, values) fills "%(name)s" placeholders
   and falls back to the English it is given. */
(function () {
  "use strict";
  var texts = null;
  window.ctText = function (key, english, values) {
    if (texts === null) {
      var block = document.getElementById("ct-texts");
      try { texts = block ? JSON.parse(block.textContent) : {}; } catch (e) { texts = {}; }
    }
    var text = texts[key] || english;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(values[name]));
    });
    return text;
  };
}());
