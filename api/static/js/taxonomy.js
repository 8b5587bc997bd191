// The vocabularies of GET /v1/taxonomy, loaded once at boot: ecosystems, kinds, countries and
// collaboration types (with their labels by id), and the ranking's signal groups (groups.js).
import { api, ApiProblem } from "./api.js";

/** Display labels by id: labels.ecosystem[id], labels.kind[id], labels.country[id], labels.collab[id]. */
export const labels = { ecosystem: {}, kind: {}, country: {}, collab: {} };

let current = null;
let loading = null;

/** The taxonomy as the server sent it; null until loadTaxonomy() has resolved. */
export function taxonomy() {
  return current;
}

async function fetchTaxonomy(onWait) {
  // 503 while the server loads its index: wait for it (Retry-After is a few seconds)
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await api("/v1/taxonomy");
    } catch (problem) {
      if (!(problem instanceof ApiProblem) || problem.status !== 503 || attempt >= 60) throw problem;
      onWait?.();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/**
 * Load the taxonomy once (later calls share the first load) and fill `labels`.
 * `onWait()` is called before each retry while the server is still loading its index.
 */
export function loadTaxonomy({ onWait } = {}) {
  loading ??= fetchTaxonomy(onWait).then((loaded) => {
    for (const t of loaded.ecosystems) labels.ecosystem[t.id] = t.label;
    for (const t of loaded.kinds) labels.kind[t.id] = t.label;
    for (const t of loaded.countries) labels.country[t.id] = t.label;
    for (const t of loaded.collaboration_types) labels.collab[t.id] = t.label;
    current = loaded;
    return loaded;
  }, (problem) => {
    loading = null; // a later call tries again
    throw problem;
  });
  return loading;
}
