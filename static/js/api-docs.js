/* The API's docs page (/api/v1/docs): Swagger UI draws parameter inputs with no label and example
   blocks that scroll with no keyboard access. As it draws (and redraws) them, each parameter's control is
   named after its parameter and each scrolling example can take focus, so a keyboard or screen-reader
   user can reach and read them (axe-core: select-name, scrollable-region-focusable). */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || !window.MutationObserver) { return; }
  function mend() {
    root.querySelectorAll("tr[data-param-name] select, tr[data-param-name] input, tr[data-param-name] textarea")
      .forEach(function (control) {
        if (control.hasAttribute("aria-label")) { return; }
        var row = control.closest("tr[data-param-name]");
        control.setAttribute("aria-label", row.getAttribute("data-param-name") + " (" + (row.getAttribute("data-param-in") || "query") + ")");
      });
    root.querySelectorAll(".highlight-code > pre, .highlight-code > .microlight").forEach(function (block) {
      if (block.hasAttribute("tabindex")) { return; }
      block.setAttribute("tabindex", "0");
      block.setAttribute("role", "region");
      // A region's name must be its own: the endpoint, the answer's status and a number when needed.
      var operation = block.closest(".opblock");
      var path = operation && operation.querySelector(".opblock-summary-path");
      var response = block.closest("tr.response");
      var label = "Example" + (path ? " for " + path.textContent.trim() : "") +
        (response ? ", answer " + response.getAttribute("data-code") : "");
      var taken = root.querySelectorAll('[role="region"][aria-label^="' + label.replace(/"/g, "") + '"]').length;
      block.setAttribute("aria-label", taken ? label + " (" + (taken + 1) + ")" : label);
    });
  }
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
})();
