// The shortlist store: starred organisations kept in localStorage (survives reloads, follows
// other tabs), with change listeners, and the entry stored for a profile.

const STORAGE = "partner-search.shortlist.v1";
const listeners = new Set();

function read() {
  try {
    const data = JSON.parse(localStorage.getItem(STORAGE) || "[]");
    return Array.isArray(data) ? data : [];
  } catch {
    return [];
  }
}

function write(items) {
  try { localStorage.setItem(STORAGE, JSON.stringify(items)); } catch { /* storage full or off */ }
  for (const fn of listeners) fn(items);
}

export const shortlist = {
  all: read,
  has: (id) => read().some((item) => item.id === id),
  count: () => read().length,
  /** Add or remove; returns true when the profile is now shortlisted. */
  toggle(entry) {
    const items = read();
    const i = items.findIndex((item) => item.id === entry.id);
    if (i >= 0) {
      items.splice(i, 1);
      write(items);
      return false;
    }
    items.push({ ...entry, added_at: new Date().toISOString() });
    write(items);
    return true;
  },
  remove(id) { write(read().filter((item) => item.id !== id)); },
  clear() { write([]); },
  subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
};

// another tab changed the shortlist
window.addEventListener("storage", (e) => {
  if (e.key === STORAGE) for (const fn of listeners) fn(read());
});

/** The shortlist entry stored for a candidate (a ProfileSummary plus ranking context). */
export function entryOf(profile, extra = {}) {
  return {
    id: profile.id,
    name: profile.name,
    acronym: profile.acronym || "",
    kind: profile.kind,
    country: profile.country || "",
    region_name: profile.region_name || "",
    city: profile.city || "",
    ecosystems: profile.ecosystems || [],
    url: profile.url || "",
    score: extra.score ?? null,
    rank: extra.rank ?? null,
    summary: extra.summary || "",
    request: extra.request || "",
  };
}
