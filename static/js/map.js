/* Draws the world map from its json_script data once the page has painted: Chart.js, chartjs-chart-geo and
   the world-atlas shapes load only then, so they never hold up the page. The table below holds the same
   data; this only enhances. */
(function () {
  "use strict";
  var canvas = document.getElementById("world-map");
  if (!canvas) { return; }
  var data = JSON.parse(document.getElementById(canvas.dataset.map).textContent);
  var css = getComputedStyle(document.documentElement);
  function colour(key) { return css.getPropertyValue("--cat-" + key).trim() || css.getPropertyValue("--" + key).trim() || "#6b6b6b"; }

  function script(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src; tag.onload = resolve; tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function draw(atlas) {
    var ChartGeo = window.ChartGeo;
    var countries = ChartGeo.topojson.feature(atlas, atlas.objects.countries).features
      .filter(function (f) { return f.properties.name !== "Antarctica"; });
    var byId = {};
    data.places.forEach(function (place) { byId[place.id] = place; });
    var empty = colour("none");
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var chart = new window.Chart(canvas, {
      type: "choropleth",
      data: {
        labels: countries.map(function (f) { var p = byId[f.id]; return p ? p.label : f.properties.name + ": nothing on record"; }),
        datasets: [{
          label: data.title,
          outline: countries,
          data: countries.map(function (f) { return { feature: f, value: byId[f.id] ? 1 : 0 }; }),
          backgroundColor: function (ctx) {
            if (ctx.dataIndex == null) { return empty; }
            var place = byId[countries[ctx.dataIndex].id];
            return place ? colour(place.category) : empty;
          },
          borderColor: colour("paper") || "#fff",
          borderWidth: 0.5
        }]
      },
      options: {
        animation: reduceMotion ? false : { duration: 300 },
        maintainAspectRatio: false,
        devicePixelRatio: Math.min(window.devicePixelRatio || 1, 2),
        showOutline: false,
        showGraticule: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { return item.chart.data.labels[item.dataIndex]; } } }
        },
        scales: {
          projection: { axis: "x", projection: "equalEarth" },
          color: { axis: "x", display: false }
        }
      }
    });
    canvas.dataset.drawn = "true";
    canvas.dataset.places = String(data.places.length);
    canvas.kptrackerChart = chart;
    var loading = canvas.parentNode.querySelector(".map-loading");
    if (loading) { loading.hidden = true; }
  }

  function start() {
    Promise.all([
      fetch(data.atlas).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); }),
      script(canvas.dataset.chartJs).then(function () { return script(canvas.dataset.geoJs); })
    ]).then(function (loaded) { draw(loaded[0]); }).catch(function () {
      var loading = canvas.parentNode.querySelector(".map-loading");
      if (loading) { loading.textContent = "The map could not be drawn; the table below holds the same data."; }
      canvas.dataset.drawn = "failed";
    });
  }

  // After the first paint: once the page has loaded, when the browser is idle.
  function later() { (window.requestIdleCallback || function (f) { return setTimeout(f, 1); })(start); }
  if (document.readyState === "complete") { later(); } else { window.addEventListener("load", later); }
})();
