/* Draws every stacked stance chart on the page from its json_script data, when it comes near the screen.
   The same numbers are in a table beside each chart; this only enhances.

   Chart.js (its URL in this script's data-chartjs) is fetched only when a chart is about to be seen, and
   each chart is drawn then: a chart far down a page costs its first screen nothing (on a phone the
   participant page's chart is three screens down). A chart in view at load is drawn at once. */
(function () {
  "use strict";
  var canvases = Array.prototype.slice.call(document.querySelectorAll("canvas[data-chart]"));
  var library = document.currentScript && document.currentScript.dataset.chartjs;
  if (!canvases.length || !library) { return; }
  var css = null;  // read when the first chart is drawn: reading styles at load would force a layout then
  function colour(key) {
    css = css || getComputedStyle(document.documentElement);
    return css.getPropertyValue("--" + key).trim() || "#6b6b6b";
  }
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // On a phone (the stylesheet's 40rem breakpoint) the bars lie sideways: one row per label, which stays
  // readable where tilted labels under upright bars would leave no room for the bars.
  var sideways = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;

  // Chart.js, loaded once: `then` runs when it is there (at once if it already is). If it cannot be
  // fetched (offline, say), the charts waiting stay as their tables, and the next chart to come into
  // view tries again.
  var waiting = null;
  function withChartJs(then) {
    if (window.Chart) { then(); return; }
    if (waiting) { waiting.push(then); return; }
    waiting = [then];
    var script = document.createElement("script");
    script.src = library;
    script.onload = function () { var run = waiting; waiting = null; run.forEach(function (f) { f(); }); };
    script.onerror = function () { waiting = null; script.remove(); };
    document.head.appendChild(script);
  }

  function draw(canvas) {
    if (canvas.dataset.drawn || !window.Chart) { return; }
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var labelAxis = { stacked: true, ticks: sideways ? { autoSkip: false } : { autoSkip: true, maxRotation: 60 } };
    var countAxis = {
      stacked: true, beginAtZero: true, title: { display: true, text: data.unit || "positions" },
      // Whole counts, written plainly: Chart.js's default formatter builds an Intl.NumberFormat, whose first
      // use loads locale data and was the largest single cost of drawing a chart.
      ticks: { precision: 0, callback: function (value) { return String(value); } }
    };
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set) {
          // A thin line of the page's colour between stacked segments, so neighbours never merge.
          return {
            label: set.label, data: set.data, backgroundColor: colour(set.key),
            borderColor: colour("paper"), borderWidth: 1, borderSkipped: false,
            maxBarThickness: sideways ? 32 : 72
          };
        })
      },
      options: {
        indexAxis: sideways ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        // No growing bars for readers who asked for less motion, nor on phones, where the frames cost
        // more main-thread time than anything else on the page (Lighthouse: about 0.5 s of blocking).
        animation: reduceMotion || sideways ? false : { duration: 400 },
        // A phone's canvas at its full pixel ratio (often 3) is slow to paint and no sharper to the eye than 2.
        devicePixelRatio: Math.min(window.devicePixelRatio || 1, 2),
        plugins: { legend: { position: "bottom" }, title: { display: false } },
        scales: sideways ? { x: countAxis, y: labelAxis } : { x: labelAxis, y: countAxis }
      }
    });
    canvas.dataset.drawn = "true";
    canvas.kptrackerChart = chart;
  }

  function drawSoon(canvas) { withChartJs(function () { draw(canvas); }); }
  if (!("IntersectionObserver" in window)) { canvases.forEach(drawSoon); return; }
  // A quarter of a screen ahead, so a reader scrolling down meets the chart drawn.
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); drawSoon(entry.target); }
    });
  }, { rootMargin: "0px 0px 25% 0px" });
  canvases.forEach(function (canvas) { observer.observe(canvas); });
})();
