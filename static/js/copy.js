// Copy buttons: <button type="button" data-copy="ID" data-copied="Kopiert">…</button> copies the
// text (or value) of the element with that id. The button shows its data-copied word in the
// same place (its width fits both words, so nothing moves) and one live region says it to
// screen readers. No globals.
(function () {
  "use strict";
  var announcer = null;
  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("span");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    // a fresh text node in a live region that exists already is what screen readers announce
    setTimeout(function () { announcer.textContent = text; }, 50);
  }
  function copied(button) {
    var label = button.getAttribute("data-copied") || "Kopiert";
    button.classList.add("is-copied");
    announce(label);
    setTimeout(function () { button.classList.remove("is-copied"); }, 2500);
  }
  function select(source) {
    if (source.select) { source.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  // the visible word gets a box of its own, so the copied word can take the same place
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var word = button.firstChild;
    if (!word || word.nodeType !== 3 || !word.textContent.trim()) { return; }
    var label = document.createElement("span");
    label.className = "copy-label";
    button.insertBefore(label, word);
    label.appendChild(word);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = "value" in source ? source.value : source.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); }, function () {
        select(source);
      });
    } else {
      select(source);
      try { if (document.execCommand("copy")) { copied(button); } } catch (ignored) { /* selected */ }
    }
  });
})();
