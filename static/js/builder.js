// The widget builder: shows the options of the chosen widget and refreshes the preview and
// snippets after every change, by asking the server for the same page. The server's answer
// also brings the lists that follow the chosen alliance and the messages beside the fields;
// a bad value keeps the last preview. The accent colour has a colour picker beside its text
// field, kept in step. One live region says what changed. No globals.
(function () {
  "use strict";
  var form = document.getElementById("builder-form");
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var status = document.getElementById("builder-status");
  var timer = null;
  var latest = 0;
  var HEX = /^#[0-9a-fA-F]{6}$/;

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

  function announce(text) {
    if (!status || !text) { return; }
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  }

  function copyAttribute(from, to, name) {
    if (from.hasAttribute(name)) { to.setAttribute(name, from.getAttribute(name)); }
    else { to.removeAttribute(name); }
  }

  // the server's form: the options that follow the alliance, the messages beside the fields
  function sync(fresh) {
    Array.prototype.forEach.call(fresh.querySelectorAll(".field[id]"), function (field) {
      var mine = document.getElementById(field.id);
      if (!mine) { return; }
      Array.prototype.forEach.call(field.querySelectorAll("select[id]"), function (select) {
        var own = document.getElementById(select.id);
        if (own && own.innerHTML !== select.innerHTML) { own.innerHTML = select.innerHTML; }
      });
      Array.prototype.forEach.call(field.querySelectorAll("input[id], select[id]"), function (control) {
        var own = document.getElementById(control.id);
        if (!own) { return; }
        copyAttribute(control, own, "aria-invalid");
        copyAttribute(control, own, "aria-describedby");
      });
      var error = field.querySelector(".field-error");
      var ownError = error && document.getElementById(error.id);
      if (ownError) {
        ownError.textContent = error.textContent;
        ownError.hidden = error.hidden;
      }
    });
  }

  function firstError(fresh) {
    var shown = Array.prototype.filter.call(fresh.querySelectorAll(".field-error"), function (item) {
      return !item.hidden && item.textContent.trim();
    });
    return shown.length ? shown[0].textContent.trim() : "";
  }

  function refresh() {
    toggle();
    var url = address();
    var request = ++latest;
    var ok = false;
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      ok = response.ok;
      return response.text();
    }).then(function (html) {
      if (request !== latest) { return; } // a newer change is on its way
      var page = new DOMParser().parseFromString(html, "text/html");
      var freshForm = page.getElementById("builder-form");
      if (freshForm) { sync(freshForm); }
      toggle();
      if (!ok) {
        // a bad value: the last preview and snippets stay, the message is beside the field
        announce(freshForm ? firstError(freshForm) : "");
        return;
      }
      var fresh = page.getElementById("builder-result");
      var result = document.getElementById("builder-result");
      if (fresh && result) {
        result.replaceWith(document.importNode(fresh, true));
        history.replaceState(null, "", url);
        var preview = document.querySelector("#builder-result iframe.preview");
        announce(preview ? preview.getAttribute("data-announce") : "");
      }
    }).catch(function () { /* the submit button still works */ });
  }

  function later(delay) {
    clearTimeout(timer);
    timer = setTimeout(refresh, delay);
  }

  // the colour pickers: each beside its text field, both showing the same colour
  Array.prototype.forEach.call(form.querySelectorAll("input[data-color-for]"), function (picker) {
    var text = document.getElementById(picker.getAttribute("data-color-for"));
    if (!text) { return; }
    picker.hidden = false;
    picker.addEventListener("input", function (event) {
      event.stopPropagation();
      text.value = picker.value;
      later(300);
    });
    picker.addEventListener("change", function (event) { event.stopPropagation(); });
    text.addEventListener("input", function () {
      var value = text.value.trim();
      if (HEX.test(value)) { picker.value = value.toLowerCase(); }
    });
  });

  form.addEventListener("change", function () { later(50); });
  form.addEventListener("input", function (event) {
    if (event.target.type === "text" || event.target.type === "number") { later(500); }
  });
  toggle();
})();
