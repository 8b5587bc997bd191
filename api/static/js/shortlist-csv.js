// The shortlist as CSV (UTF-8 with BOM, spreadsheet-formula safe), built in the browser and
// downloaded through a Blob URL.
import { saveBlob } from "./dom.js";

const COLUMNS = ["id", "name", "acronym", "kind", "country", "region", "city", "ecosystems", "score", "rank", "summary", "request", "url", "added_at"];

function cell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`; // no formulas when opened in a spreadsheet
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of shortlist entries, kinds and ecosystems by their labels. */
export function toCsv(items, labels = {}) {
  const rows = [COLUMNS.join(",")];
  for (const item of items) {
    const values = {
      ...item,
      kind: labels.kind?.[item.kind] || item.kind,
      region: item.region_name,
      ecosystems: (item.ecosystems || []).map((e) => labels.ecosystem?.[e] || e).join("; "),
      score: item.score === null || item.score === undefined ? "" : Number(item.score).toFixed(3),
    };
    rows.push(COLUMNS.map((c) => cell(values[c])).join(","));
  }
  return rows.join("\r\n") + "\r\n";
}

/** Download `items` as `filename` (the browser's save dialog or downloads folder). */
export function downloadCsv(items, labels, filename) {
  saveBlob(new Blob(["\ufeff" + toCsv(items, labels)], { type: "text/csv;charset=utf-8" }),
           filename);
}
