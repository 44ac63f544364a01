// Builds static/vendor/world-atlas/countries.geo.json for the map (issue 15), from the world-atlas npm package:
// every country of the 110m atlas, and from the 50m atlas the ones the 110m atlas leaves out (Singapore,
// Mauritius, Malta and some sixty other small states and islands). The 50m atlas alone has ten times the
// points, and projecting them kept the page's main thread busy for most of a second on a phone.
// Run by `make vendor`; the output is committed. Coordinates are rounded to 0.001° (about 100 m).
"use strict";
const fs = require("fs");
const path = require("path");
const topojson = require("topojson-client");

const atlas = (name) => require(path.join("..", "node_modules", "world-atlas", `countries-${name}.json`));
const features = (topology) => topojson.feature(topology, topology.objects.countries).features;
const round = (value) => (Array.isArray(value) ? value.map(round) : Math.round(value * 1000) / 1000);

const coarse = features(atlas("110m"));
const have = new Set(coarse.map((f) => f.id));
const added = features(atlas("50m")).filter((f) => f.id && !have.has(f.id));
const all = coarse.concat(added).map((f) => ({
  type: "Feature",
  id: f.id,
  properties: { name: f.properties.name },
  geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
}));
const out = path.join(__dirname, "..", "static", "vendor", "world-atlas", "countries.geo.json");
fs.writeFileSync(out, JSON.stringify({ type: "FeatureCollection", features: all }));
console.log(`${out}: ${coarse.length} countries at 110m, ${added.length} added from 50m`);
