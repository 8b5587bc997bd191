// How numbers, scores, percentages and dates are written in the workspace (en-GB).

export const fmt = {
  int: (n) => Number(n).toLocaleString("en-GB"),
  score: (n) => (n >= 0 ? "+" : "−") + Math.abs(n).toFixed(2),
  num: (n, digits = 2) => Number(n).toFixed(digits),
  pct: (n) => `${Math.round(n * 100)}%`,
  date: (iso) => {
    if (!iso) return "";
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString("en-GB", { year: "numeric", month: "short", day: "numeric" });
  },
};
