// The countries of Europe as SVG paths, from Natural Earth's 1:50m countries: the TopoJSON of
// the npm package world-atlas 2.0.2, vendored unchanged as data/countries-50m.json (docs/ui.md
// says where it comes from and under which terms). Drawn in a Lambert azimuthal equal-area
// projection centred on 10°E 52°N, the projection of Eurostat's maps (EPSG:3035), so that
// areas compare truly; the frame runs from Portugal and Iceland to Cyprus and the North Cape.
// The file is fetched from this server once, when a map is first drawn.
import { features } from "./topojson.js";

const SOURCE = new URL("../data/countries-50m.json", import.meta.url);
const EARTH_KM = 6371;
const CENTRE = { lon: 10, lat: 52 };
/** The frame in projected km (x east, y north of the centre) and SVG units per km. */
const FRAME = { west: -1850, east: 2450, south: -1900, north: 2300, scale: 0.2 };
/** A country whose drawing is narrower than this (SVG units; 90 km) also gets a dot. */
const SMALL = 18;

/** ISO 3166 numeric (world-atlas ids) to alpha-2, for the countries in the frame; Åland
 * (248) is drawn as part of Finland, as NUTS counts it. */
const ALPHA2 = Object.fromEntries((
  "008:AL 012:DZ 020:AD 040:AT 056:BE 070:BA 100:BG 112:BY 191:HR 196:CY 203:CZ 208:DK "
  + "233:EE 234:FO 246:FI 248:FI 250:FR 268:GE 275:PS 276:DE 300:GR 304:GL 336:VA 348:HU "
  + "352:IS 372:IE 376:IL 380:IT 400:JO 422:LB 428:LV 438:LI 440:LT 442:LU 470:MT 492:MC "
  + "498:MD 499:ME 504:MA 528:NL 578:NO 616:PL 620:PT 642:RO 643:RU 674:SM 688:RS 703:SK "
  + "705:SI 724:ES 752:SE 756:CH 760:SY 788:TN 792:TR 804:UA 807:MK 826:GB 831:GG 832:JE 833:IM"
).split(" ").map((pair) => pair.split(":")));
/** Geometries without an ISO id: Kosovo (XK, as the EU codes it), and northern Cyprus,
 * drawn as part of Cyprus. */
const BY_NAME = { Kosovo: "XK", "N. Cyprus": "CY" };

const rad = (deg) => (deg * Math.PI) / 180;
const SIN0 = Math.sin(rad(CENTRE.lat));
const COS0 = Math.cos(rad(CENTRE.lat));

/** [lon, lat] in degrees to SVG [x, y] (Lambert azimuthal equal-area, then the frame). */
function project([lon, lat]) {
  const dl = rad(lon - CENTRE.lon);
  const phi = rad(lat);
  const cosc = SIN0 * Math.sin(phi) + COS0 * Math.cos(phi) * Math.cos(dl);
  const k = Math.sqrt(2 / Math.max(1e-9, 1 + cosc)) * EARTH_KM;
  const x = k * Math.cos(phi) * Math.sin(dl);
  const y = k * (COS0 * Math.sin(phi) - SIN0 * Math.cos(phi) * Math.cos(dl));
  return [(x - FRAME.west) * FRAME.scale, (FRAME.north - y) * FRAME.scale];
}

export const WIDTH = (FRAME.east - FRAME.west) * FRAME.scale;
export const HEIGHT = (FRAME.north - FRAME.south) * FRAME.scale;

const round = (v) => Math.round(v * 10) / 10;

/** A ring's SVG path data ("Mx yx y…Z", repeated points dropped) and its bounding box. */
function ringPath(points) {
  const parts = [];
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  let last = "";
  for (const point of points) {
    const [x, y] = project(point).map(round);
    box.x0 = Math.min(box.x0, x); box.x1 = Math.max(box.x1, x);
    box.y0 = Math.min(box.y0, y); box.y1 = Math.max(box.y1, y);
    const text = `${x} ${y}`;
    if (text !== last) parts.push(text);
    last = text;
  }
  return { d: `M${parts.join(" ")}Z`, box };
}

const inFrame = (b) => b.x1 >= 0 && b.x0 <= WIDTH && b.y1 >= 0 && b.y0 <= HEIGHT;
const widest = (b) => Math.max(b.x1 - b.x0, b.y1 - b.y0);

/** The shapes of the features with a code, merged per code (Cyprus and northern Cyprus). */
function shapesOf(topology) {
  const byCode = new Map();
  for (const feature of features(topology, "countries")) {
    const code = ALPHA2[feature.id] || BY_NAME[feature.properties.name];
    if (!code) continue;
    for (const polygon of feature.polygons) {
      const rings = polygon.map(ringPath);
      if (!rings.length || !inFrame(rings[0].box)) continue; // overseas parts, far countries
      const shape = byCode.get(code) || { code, name: feature.properties.name, d: [], main: null };
      shape.d.push(...rings.map((r) => r.d));
      if (!shape.main || widest(rings[0].box) > widest(shape.main)) shape.main = rings[0].box;
      byCode.set(code, shape);
    }
  }
  return [...byCode.values()].map(({ code, name, d, main }) => ({
    code, name, d: d.join(""),
    centre: [round((main.x0 + main.x1) / 2), round((main.y0 + main.y1) / 2)],
    small: widest(main) < SMALL,
  }));
}

let loading = null;

/**
 * The country shapes in the frame, loaded once: [{code (ISO alpha-2), name (Natural
 * Earth's), d (SVG path data, to fill even-odd), centre [x, y], small}].
 */
export function loadShapes() {
  loading ??= fetch(SOURCE).then((response) => {
    if (!response.ok) throw new Error(`The map's geometry could not be loaded (${response.status}).`);
    return response.json();
  }).then(shapesOf, (error) => {
    loading = null; // a later map tries again
    throw error;
  });
  return loading;
}
