// The widget builder: shows the options of the chosen widget and refreshes the preview and
// snippets after every change, by asking the server for the same page. No globals.
(function () {
  "use strict";
  var form = document.getElementById("builder-form");
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var timer = null;
  var latest = 0;

  function toggle() {
    var chosen = form.elements.widget.value;
    Array.prototype.forEach.call(form.querySelectorAll("[data-widgets]"), function (field) {
      var on = field.getAttribute("data-widgets").split(" ").indexOf(chosen) >= 0;
      field.hidden = !on;
      Array.prototype.forEach.call(field.querySelectorAll("input, select"), function (control) {
        control.disabled = !on;
      });
    });
  }

  function address() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") { params.append(name, value); }
    });
    return form.action + "?" + params.toString();
  }

  function refresh() {
    toggle();
    var url = address();
    var request = ++latest;
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      if (request !== latest) { return; } // a newer change is on its way
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("builder-result");
      var result = document.getElementById("builder-result");
      if (fresh && result) {
        result.replaceWith(document.importNode(fresh, true));
        history.replaceState(null, "", url);
      }
    }).catch(function () { /* the submit button still works */ });
  }

  function later(delay) {
    clearTimeout(timer);
    timer = setTimeout(refresh, delay);
  }

  form.addEventListener("change", function () { later(50); });
  form.addEventListener("input", function (event) {
    if (event.target.type === "text" || event.target.type === "number") { later(500); }
  });
  toggle();
})();
