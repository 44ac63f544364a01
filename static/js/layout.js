/* Layout for wide tables; every page works without it (a filter form folds on a phone by fold-filters.js).
   - A table that scrolls sideways says so: its hint (named by the region's aria-describedby) shows
     whenever the table is wider than its box, and a shadow marks the right edge while there is more. */
(function () {
  "use strict";
  function update(region) {
    var overflow = region.scrollWidth - region.clientWidth;
    var scrolls = overflow > 1;
    var hint = document.getElementById(region.getAttribute("aria-describedby"));
    if (hint) { hint.dataset.shown = String(scrolls); }
    var frame = region.parentElement;
    if (frame && frame.classList.contains("scroll-frame")) {
      frame.dataset.moreRight = String(scrolls && region.scrollLeft < overflow - 1);
    }
  }
  var regions = document.querySelectorAll(".table-scroll[aria-describedby]");
  regions.forEach(function (region) {
    update(region);
    region.addEventListener("scroll", function () { update(region); }, { passive: true });
  });
  // A control reached by Tab inside a table wider than its box is brought wholly into view: the browser
  // leaves one that is only partly clipped where it is, half under the edge.
  document.querySelectorAll(".table-scroll").forEach(function (region) {
    region.addEventListener("focusin", function (event) {
      var box = region.getBoundingClientRect();
      var target = event.target.getBoundingClientRect();
      if (event.target !== region && (target.left < box.left || target.right > box.right)) {
        event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
      }
    });
  });
  // A window turned sideways, or a table in a <details> that opens (it has no width while closed).
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { update(entry.target); });
    });
    regions.forEach(function (region) { observer.observe(region); });
  }
})();
/* A link to a place inside a closed <details> (a folded decade of the timeline, #year-2009) opens it,
   then scrolls to the place, on arrival and on every later jump within the page. */
(function () {
  "use strict";
  function reveal() {
    var id = window.location.hash.slice(1);
    var target = id && document.getElementById(decodeURIComponent(id));
    var opened = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; opened = true; }
    }
    if (opened) { target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
/* The skip link moves focus to <main> itself, so it still works on a page whose own scripts take over
   every in-page link (Swagger UI on the API's docs page cancels their navigation). */
(function () {
  "use strict";
  var skip = document.querySelector(".skip-link");
  if (!skip) { return; }
  skip.addEventListener("click", function () {
    var target = document.getElementById(skip.hash.slice(1));
    if (target) { target.focus(); }
  });
})();
