/* Draws the world map from its json_script data once the page has painted: Chart.js, chartjs-chart-geo and
   the countries' shapes (world-atlas, as scripts/build_atlas.js joins its 110m and 50m atlases) load only
   then, so they never hold up the page. The table below holds the same
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

  function shapes(atlas) {
    return atlas.features.filter(function (f) { return f.properties.name !== "Antarctica"; });
  }

  // The frame the projection is fitted to: the widest points of the inhabited world (equal-earth is widest at
  // the equator). Fitting to these few points instead of every shape saves a pass over all of them.
  var FRAME = { type: "MultiPoint", coordinates: [[-180, 0], [180, 0], [0, 84], [0, -58]] };

  function draw(countries) {
    // chartjs-chart-geo (4.3.6, pinned) paints each shape into an offscreen canvas of its own to speed up
    // redraws; for some 240 shapes creating those canvases cost more than the drawing itself, so shapes are
    // drawn straight onto the map (a hover then redraws them, in about 10 ms).
    window.ChartGeo.GeoFeature.prototype._drawInCache = function () {};
    var byId = {};
    data.places.forEach(function (place) { byId[place.id] = place; });
    var empty = colour("none");
    var chart = new window.Chart(canvas, {
      type: "choropleth",
      data: {
        labels: countries.map(function (f) { var p = byId[f.id]; return p ? p.label : f.properties.name + ": nothing on record"; }),
        datasets: [{
          label: data.title,
          outline: FRAME,
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
        // No animation: every frame would project and paint some 240 shapes again, for nothing a reader needs.
        animation: false,
        maintainAspectRatio: false,
        devicePixelRatio: Math.min(window.devicePixelRatio || 1, 2),
        showOutline: false,
        showGraticule: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { return item.chart.data.labels[item.dataIndex]; } } }
        },
        scales: {
          // No adaptive resampling: at this scale it adds points no one can see, and time on a phone.
          projection: { axis: "x", projection: window.ChartGeo.geoEqualEarth().precision(0) },
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
    ]).then(function (loaded) {
      // Shapes first, the drawing in a later task: two shorter tasks keep the page answering input.
      var countries = shapes(loaded[0]);
      return new Promise(function (resolve) { setTimeout(function () { draw(countries); resolve(); }, 0); });
    }).catch(function () {
      var loading = canvas.parentNode.querySelector(".map-loading");
      if (loading) { loading.textContent = "The map could not be drawn; the table below holds the same data."; }
      canvas.dataset.drawn = "failed";
    });
  }

  // After the first paint: once the page has loaded, when the browser is idle.
  function later() { (window.requestIdleCallback || function (f) { return setTimeout(f, 1); })(start); }
  if (document.readyState === "complete") { later(); } else { window.addEventListener("load", later); }
})();
