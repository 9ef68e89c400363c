// The widget loader: renders every <div data-widget="…" data-…> in a Shadow DOM from
// /fragment/<widget>, frames the widgets whose schema says so, and sizes every iframe of
// this service on the page. No globals, no document.write; a second copy does nothing twice.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var base = new URL(".", script.src);
  var origin = base.origin;
  // widgets mounted as iframes, with their titles: filled in by the service from the schemas
  var FRAMED = /*FRAMED*/{};
  var NAME = /^[a-z][a-z0-9-]{0,39}$/;
  var ATTRIBUTE = /^data-([a-z][a-z0-9-]{0,39})$/;
  var MESSAGE = "alliance-widget:resize";
  var STATE = "data-widget-state";
  var sheets = "adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype;

  function query(element) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(element.attributes, function (attribute) {
      var match = ATTRIBUTE.exec(attribute.name);
      if (match && match[1] !== "widget" && match[1] !== "widget-state") {
        params.set(match[1], attribute.value);
      }
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function shadow(element) {
    try {
      return element.shadowRoot || element.attachShadow({ mode: "open" });
    } catch (error) {
      return null; // not an element that can host a Shadow DOM
    }
  }

  function fill(root, html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var content = template.content;
    if (sheets) {
      // constructed style sheets: the host page's style-src does not apply to them
      var adopted = [];
      Array.prototype.forEach.call(content.querySelectorAll("style"), function (style) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(style.textContent);
        adopted.push(sheet);
        style.remove();
      });
      root.adoptedStyleSheets = adopted;
    }
    root.replaceChildren(content);
  }

  function frame(element, name, search) {
    var root = shadow(element);
    if (!root) { return; }
    var lang = element.getAttribute("data-lang") === "en" ? "en" : "de";
    var iframe = document.createElement("iframe");
    iframe.src = new URL("embed/" + name + search, base).href;
    iframe.title = element.getAttribute("data-title") || FRAMED[name][lang];
    iframe.loading = "lazy";
    iframe.referrerPolicy = "no-referrer";
    iframe.style.cssText = "display:block;width:100%;height:400px;border:0";
    root.replaceChildren(iframe);
    element.setAttribute(STATE, "ready");
  }

  function mount(element) {
    if (element.hasAttribute(STATE)) { return; }
    var name = element.getAttribute("data-widget");
    if (!NAME.test(name)) { return; }
    element.setAttribute(STATE, "loading");
    var search = query(element);
    if (Object.prototype.hasOwnProperty.call(FRAMED, name)) {
      frame(element, name, search);
      return;
    }
    fetch(new URL("fragment/" + name + search, base).href, {
      credentials: "omit", mode: "cors", referrerPolicy: "no-referrer"
    }).then(function (response) {
      // a 400 or 404 still carries a short message in the widget's language
      if (response.status >= 500) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var root = shadow(element);
      if (!root) { throw new Error("no shadow root"); }
      fill(root, html);
      element.setAttribute(STATE, "ready");
    }).catch(function () {
      element.setAttribute(STATE, "failed"); // what the element held stays visible
    });
  }

  function scan() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-widget]"), mount);
  }

  function frames() {
    var found = Array.prototype.slice.call(document.querySelectorAll("iframe"));
    Array.prototype.forEach.call(document.querySelectorAll("[data-widget]"), function (element) {
      if (element.shadowRoot) {
        found = found.concat(Array.prototype.slice.call(element.shadowRoot.querySelectorAll("iframe")));
      }
    });
    return found;
  }

  function fromService(iframe) {
    try {
      return new URL(iframe.src, document.baseURI).origin === origin;
    } catch (error) {
      return false;
    }
  }

  function resize(event) {
    if (event.origin !== origin || !event.source) { return; }
    var data = event.data;
    if (!data || typeof data !== "object" || Object.getPrototypeOf(data) !== Object.prototype) { return; }
    var keys = Object.keys(data).sort();
    if (keys.length !== 2 || keys[0] !== "height" || keys[1] !== "type" || data.type !== MESSAGE) { return; }
    var height = data.height;
    if (typeof height !== "number" || !isFinite(height) || height < 1 || height > 20000) { return; }
    frames().forEach(function (iframe) {
      if (iframe.contentWindow === event.source && fromService(iframe)) {
        iframe.style.border = "0";
        iframe.style.width = "100%";
        iframe.style.height = Math.ceil(height) + "px";
      }
    });
  }

  // one listener per service origin, however often the loader is included
  var marker = "data-alliance-widgets";
  var listening = (document.documentElement.getAttribute(marker) || "").split(" ");
  if (listening.indexOf(origin) < 0) {
    listening.push(origin);
    document.documentElement.setAttribute(marker, listening.join(" ").trim());
    window.addEventListener("message", resize);
  }
  scan();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  }
})();
