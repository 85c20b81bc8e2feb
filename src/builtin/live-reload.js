// briefing serve: reloads the page after each good rebuild, swaps stylesheets after a CSS-only
// edit, and shows the build error overlay while the site does not build. Never part of `build`.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script.src.replace(/__briefing\/live-reload\.js.*$/, "");
  var shown = Number(script.getAttribute("data-generation")) || 0;
  var source = new EventSource(base + "__briefing/events");
  function overlay() { return document.getElementById("briefing-error-overlay"); }
  source.addEventListener("hello", function (e) {
    // A build finished while this page was loading or while the stream was down.
    if (Number(e.data) > shown) { location.reload(); }
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function (e) {
    var changed = JSON.parse(e.data);
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    var swapped = 0;
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      var path;
      try { path = decodeURIComponent(url.pathname); } catch (err) { path = url.pathname; }
      if (changed.indexOf(path) !== -1) {
        url.searchParams.set("briefing-reload", Date.now());
        links[i].href = url.toString();
        swapped += 1;
      }
    }
    // A stylesheet this page does not link itself (one it imports, say): only a reload shows it.
    if (swapped < changed.length) { location.reload(); return; }
    shown = Number(e.lastEventId) || shown;
  });
  source.addEventListener("build-error", function (e) {
    var old = overlay();
    if (old) { old.remove(); }
    var holder = document.createElement("div");
    holder.innerHTML = e.data;
    document.body.appendChild(holder.firstElementChild);
    var button = overlay().querySelector("[data-briefing-dismiss]");
    if (button) { button.focus(); }
    shown = Number(e.lastEventId) || shown;
  });
  // The overlay may be in the page as served or arrive later: one listener each on the
  // document dismisses either (until the next build brings it back).
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-briefing-dismiss]")) {
      var shownOverlay = overlay();
      if (shownOverlay) { shownOverlay.remove(); }
    }
  });
  document.addEventListener("keydown", function (e) {
    var shownOverlay = overlay();
    if (e.key === "Escape" && shownOverlay) { shownOverlay.remove(); }
  });
})();
