// The two-click video player (templates/video.html): a click on the link of a story's
// video replaces it by the player's frame; nothing is loaded from the video's host before.
// Works on pages, in widget frames and in widgets that the loader put in a Shadow DOM.
(function () {
  "use strict";
  var marker = "data-aw-video-player";
  var root = document.documentElement;
  if (root.hasAttribute(marker)) { return; }
  root.setAttribute(marker, "");
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    var path = event.composedPath ? event.composedPath() : [event.target];
    var link = null;
    for (var i = 0; i < path.length; i++) {
      if (path[i].nodeType === 1 && path[i].hasAttribute("data-aw-video")) { link = path[i]; break; }
    }
    if (!link) { return; }
    var address = link.getAttribute("data-aw-video");
    if (!/^https?:\/\//.test(address)) { return; }
    event.preventDefault();
    var box = document.createElement("div");
    box.className = "aw-video-frame";
    var frame = document.createElement("iframe");
    frame.src = address;
    frame.title = link.getAttribute("data-aw-video-title") || "Video";
    frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin";  // the site, never the page
    box.appendChild(frame);
    link.parentNode.replaceChild(box, link);
    frame.focus();
  });
})();
