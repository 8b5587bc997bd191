// The ranking's signal groups, as the server publishes them in GET /v1/taxonomy
// (`signal_groups`: id, label, long, signals [{name, label, scale}], in display order). The UI
// declares no signal of its own: colours are CSS custom properties keyed by group id
// (--g-<id> in app.css), and "other" is the UI's fallback group for a signal no group lists.
import { taxonomy } from "./taxonomy.js";

const OTHER = "other";
const OTHER_GROUP = { id: OTHER, label: "Other", long: "Other signals" };
const CSS_ID = /^[a-z0-9_-]+$/i;

let built = null;

/** A group as drawn: id, label, long description and its CSS colour. */
function describe({ id, label, long }) {
  const key = String(id);
  const css = CSS_ID.test(key) ? key : OTHER;
  return { id: key, label: label || key, long: long || label || key, color: `var(--g-${css}, var(--g-${OTHER}))` };
}

/** Lookup tables built from the loaded taxonomy (rebuilt if it changes). */
function index() {
  const source = taxonomy()?.signal_groups;
  if (built && built.source === source) return built;
  const groups = new Map();
  const groupOfSignal = new Map();
  const signalLabel = new Map();
  for (const group of Array.isArray(source) ? source : []) {
    if (!group?.id || groups.has(String(group.id))) continue;
    groups.set(String(group.id), describe(group));
    for (const signal of group.signals || []) {
      groupOfSignal.set(signal.name, String(group.id));
      if (signal.label) signalLabel.set(signal.name, signal.label);
    }
  }
  if (!groups.has(OTHER)) groups.set(OTHER, describe(OTHER_GROUP));
  built = { source, groups, order: [...groups.keys()], groupOfSignal, signalLabel };
  return built;
}

/** The group id of a signal (feature) name; "other" for a signal no group lists. */
export function groupOf(signal) {
  return index().groupOfSignal.get(signal) || OTHER;
}

/** The wording of a signal as published; the name itself when none is. */
export function signalLabel(signal) {
  return index().signalLabel.get(signal) || signal;
}

/** The group `id` as drawn (a group the taxonomy does not know is labelled by its id). */
function groupInfo(id) {
  return index().groups.get(id) || describe({ id });
}

/** The groups of `ids` in display order: the taxonomy's order, then unknown ids, "other" last. */
export function groupsIn(ids) {
  const wanted = new Set(ids);
  const { order } = index();
  const known = order.filter((id) => id !== OTHER && wanted.has(id));
  const unknown = [...wanted].filter((id) => id !== OTHER && !order.includes(id));
  return [...known, ...unknown, ...(wanted.has(OTHER) ? [OTHER] : [])].map(groupInfo);
}

/**
 * A candidate's contributions summed per group, zero groups dropped: the candidate's own
 * `groups` when the server sent them, else its `contributions` summed through the taxonomy.
 */
export function groupContributions(candidate) {
  const sums = {};
  if (candidate?.groups && typeof candidate.groups === "object") {
    for (const [group, value] of Object.entries(candidate.groups)) {
      if (Number.isFinite(value)) sums[group] = value;
    }
  } else {
    for (const [signal, value] of Object.entries(candidate?.contributions || {})) {
      if (!value) continue;
      const group = groupOf(signal);
      sums[group] = (sums[group] || 0) + value;
    }
  }
  for (const group of Object.keys(sums)) if (Math.abs(sums[group]) < 1e-9) delete sums[group];
  return sums;
}

/** The non-zero contributions of `candidate` in group `id`, as [signal, value] pairs. */
export function signalsIn(candidate, id) {
  return Object.entries(candidate?.contributions || {}).filter(([signal, value]) => value && groupOf(signal) === id);
}
