// TopoJSON decoding (the TopoJSON specification, as topojson-client's `feature` reads it):
// the arcs are delta-encoded integers when the topology has a `transform`; a geometry lists
// its rings as arc indexes, a negative index ~i being arc i reversed. Only what a map of
// polygons needs: Polygon and MultiPolygon geometries, others have no rings.

/** The arcs of `topology` as arrays of [longitude, latitude]. */
function decodeArcs(topology) {
  const t = topology.transform;
  return topology.arcs.map((arc) => {
    if (!t) return arc.map(([x, y]) => [x, y]);
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]];
    });
  });
}

/** One ring from its arc indexes; consecutive arcs share an end point, kept once. */
function ring(arcs, indexes) {
  const points = [];
  for (const index of indexes) {
    const arc = index >= 0 ? arcs[index] : [...arcs[~index]].reverse();
    for (let i = points.length ? 1 : 0; i < arc.length; i += 1) points.push(arc[i]);
  }
  return points;
}

/**
 * The geometries of `topology.objects[name]` as {id, properties, polygons}: each polygon a
 * list of rings (its exterior, then its holes), each ring a list of [longitude, latitude].
 */
export function features(topology, name) {
  const arcs = decodeArcs(topology);
  return topology.objects[name].geometries.map((geometry) => {
    const polygons = geometry.type === "Polygon" ? [geometry.arcs]
      : geometry.type === "MultiPolygon" ? geometry.arcs : [];
    return {
      id: geometry.id ?? null,
      properties: geometry.properties || {},
      polygons: polygons.map((polygon) => polygon.map((indexes) => ring(arcs, indexes))),
    };
  });
}
