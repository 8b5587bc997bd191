// Signal groups of the ranking (engine/rank.py SIGNAL_GROUPS), their colours and wording.

export const GROUPS = [
  { id: "semantic", label: "Meaning", long: "Semantic match of past work", color: "var(--g-semantic)",
    features: ["dense", "dense_top3", "dense_votes"] },
  { id: "lexical", label: "Terms", long: "Shared key terms", color: "var(--g-lexical)",
    features: ["lexical", "lexical_log", "lexical_best"] },
  { id: "thematic", label: "Sectors", long: "Ecosystems shared or complementary", color: "var(--g-thematic)",
    features: ["eco_shared", "eco_complementary"] },
  { id: "geography", label: "Location", long: "Country, region and distance", color: "var(--g-geography)",
    features: ["same_country", "same_region", "proximity", "new_country", "cross_border"] },
  { id: "network", label: "Network", long: "Past collaborations with you or your partners", color: "var(--g-network)",
    features: ["network_direct", "network_recent", "network_share", "network_indirect", "network_walk", "network_topic", "requester_affinity", "consortium"] },
  { id: "experience", label: "Experience", long: "Track record of projects", color: "var(--g-experience)",
    features: ["experience", "recency", "coordination", "history"] },
  { id: "kind", label: "Kind", long: "Type of organisation", color: "var(--g-kind)", features: ["kind_affinity"] },
  { id: "mentioned", label: "Named", long: "Named in the request: the organisation, its place or country", color: "var(--g-mentioned)",
    features: ["named", "named_place", "named_country"] },
  { id: "diversity", label: "Diversity", long: "Variety penalty (MMR / caps)", color: "var(--g-diversity)", features: ["diversity"] },
  { id: "other", label: "Other", long: "Other signals", color: "var(--g-other)", features: [] },
];

const GROUP_OF = Object.fromEntries(GROUPS.flatMap((g) => g.features.map((f) => [f, g.id])));

export const FEATURE_LABELS = {
  dense: "best semantic similarity", dense_top3: "top-3 similarity", dense_votes: "similar items",
  lexical: "term overlap (TF-IDF)", lexical_log: "term overlap (log)", lexical_best: "best-matching project terms",
  eco_shared: "shared ecosystems", eco_complementary: "complementary ecosystems",
  same_country: "same country", same_region: "same region", proximity: "distance",
  new_country: "new country for the consortium", cross_border: "cross-border preference",
  network_direct: "direct collaborations", network_recent: "recent collaborations",
  network_share: "share of your partners", network_indirect: "partners of partners",
  network_walk: "closeness in your network",
  network_topic: "network on this topic", requester_affinity: "affinity with you",
  consortium: "consortium fit", experience: "projects", recency: "recent activity",
  coordination: "coordination experience", history: "earlier programmes",
  kind_affinity: "organisation type", named: "named in the request", named_place: "its place named",
  named_country: "its country named", diversity: "diversity penalty",
};

export function groupOf(feature) {
  return GROUP_OF[feature] || (feature === "diversity" ? "diversity" : "other");
}

/** Contributions summed per group; zero groups dropped. */
export function groupContributions(contributions) {
  const sums = {};
  for (const [feature, value] of Object.entries(contributions || {})) {
    if (!value) continue;
    const g = groupOf(feature);
    sums[g] = (sums[g] || 0) + value;
  }
  for (const g of Object.keys(sums)) if (Math.abs(sums[g]) < 1e-9) delete sums[g];
  return sums;
}
