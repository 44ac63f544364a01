// Builds the world map's shapes (issue 15, drawn without JavaScript since issue 17) from the world-atlas npm
// package: every country of the 110m atlas, and from the 50m atlas the ones the 110m atlas leaves out
// (Singapore, Mauritius, Malta and some sixty other small states and islands), Antarctica left out.
//
// d3-geo projects them here, once (Equal Earth, fitted to the inhabited world's widest points), into
//   static/vendor/world-atlas/countries.svg   one <path id="c{ISO 3166 numeric code}"> per country, no fill of
//                                              its own: a page draws each with <use href="…#c250" class="cat-…">
//                                              and colours it from the stylesheet; shapes with no code (Kosovo,
//                                              Northern Cyprus, Somaliland) are <g id="uncoded">
//   static/vendor/world-atlas/countries.json  the SVG's viewBox and each code's name (read by pages/maps.py)
// Projecting on the phone with Chart.js and chartjs-chart-geo kept its main thread busy for half a second.
// Run by `make vendor`; the output is committed. Coordinates are whole units of a 1920-wide frame (under half
// a pixel on a laptop); the paths use relative moves, which are short: 54 kB, 17 kB compressed.
"use strict";
const fs = require("fs");
const path = require("path");
const topojson = require("topojson-client");

const WIDTH = 1920;
const OUT = path.join(__dirname, "..", "static", "vendor", "world-atlas");
// The frame the projection is fitted to: the widest points of the inhabited world.
const FRAME = { type: "MultiPoint", coordinates: [[-180, 0], [180, 0], [0, 84], [0, -58]] };

const atlas = (name) => require(path.join("..", "node_modules", "world-atlas", `countries-${name}.json`));
const features = (topology) => topojson.feature(topology, topology.objects.countries).features;

// d3-geo's path ("M1,2L3,4…Z") rewritten with relative line commands between whole numbers.
function relative(d) {
  let out = "";
  let x = 0;
  let y = 0;
  for (const [, command, args] of d.matchAll(/([MLZ])([^MLZ]*)/g)) {
    if (command === "Z") {
      out += "z";
      continue;
    }
    const [px, py] = args.split(",").map(Number);
    if (command === "M") {
      out += `M${px},${py}`;
    } else if (px !== x || py !== y) {
      const dx = px - x;
      const dy = py - y;
      out += `l${dx}${dy < 0 ? "" : ","}${dy}`;
    }
    [x, y] = [px, py];
  }
  return out.replace(/lz/g, "z");
}

// d3-geo is an ES module: imported, not required.
import("d3-geo").then((d3) => {
  const coarse = features(atlas("110m"));
  const have = new Set(coarse.map((f) => f.id));
  const added = features(atlas("50m")).filter((f) => f.id && !have.has(f.id));
  const all = coarse.concat(added).filter((f) => f.properties.name !== "Antarctica");
  const projection = d3.geoEqualEarth().precision(0.2).fitWidth(WIDTH, FRAME);
  const draw = d3.geoPath(projection).digits(0);
  const height = Math.ceil(draw.bounds(FRAME)[1][1]);

  const coded = [];
  const uncoded = [];
  const names = {};
  for (const feature of all) {
    const d = draw(feature);
    if (!d) continue;
    if (feature.id) {
      coded.push(`<path id="c${feature.id}" d="${relative(d)}"/>`);
      names[feature.id] = feature.properties.name;
    } else {
      uncoded.push(`<path d="${relative(d)}"/>`);
    }
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}">` +
    `<title>The countries of world-atlas (Natural Earth), in the Equal Earth projection</title>\n` +
    coded.join("\n") +
    `\n<g id="uncoded">${uncoded.join("")}</g>\n</svg>\n`;
  fs.writeFileSync(path.join(OUT, "countries.svg"), svg);
  fs.writeFileSync(
    path.join(OUT, "countries.json"),
    JSON.stringify({ viewBox: `0 0 ${WIDTH} ${height}`, countries: names }, null, 0) + "\n",
  );
  console.log(`${OUT}: ${coarse.length} countries at 110m, ${added.length} added from 50m; ${svg.length} bytes of SVG`);
});
