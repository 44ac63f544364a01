/* Folds the filter form just before this script away on a phone (the stylesheet's 40rem breakpoint),
   unless it shows an error, so the list it filters is on the first screen. Loaded without defer right
   after the form, so it runs before anything below is laid out: folding later (in a deferred script)
   moved the whole page up, a layout shift Lighthouse scored 0.17 to 0.29. Without it the form stays open. */
(function () {
  "use strict";
  var panel = document.currentScript && document.currentScript.previousElementSibling;
  if (!panel || !panel.matches("details.filter-panel[open]")) { return; }
  if (window.matchMedia && window.matchMedia("(max-width: 40rem)").matches &&
      !panel.querySelector(".has-error, .form-errors")) {
    panel.open = false;
  }
})();
