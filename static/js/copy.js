// Copy buttons: <button type="button" data-copy="ID">…</button> copies the text (or value) of
// the element with that id and says so in the button's live region. No globals.
(function () {
  "use strict";
  function copied(button) {
    var label = button.getAttribute("data-copied") || "Kopiert";
    var status = button.querySelector("[data-copy-status]");
    if (!status) {
      status = document.createElement("span");
      status.setAttribute("data-copy-status", "");
      status.setAttribute("role", "status");
      status.className = "copy-status";
      button.after(status);
    }
    status.textContent = label;
    setTimeout(function () { status.textContent = ""; }, 2500);
  }
  function select(source) {
    if (source.select) { source.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
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
