// Files an event gives out (the organiser's CSV, a participant's .ics agenda): fetched with the
// API key of the settings (the CSV needs a curator's), saved through a Blob link, and errors
// read as problem details like every other call.
import { API_BASE, ApiProblem, apiKey } from "../api.js";

/** GET `path` as a file of type `accept`; resolves with the Blob, rejects with ApiProblem. */
export async function fetchFile(path, accept) {
  const headers = { Accept: `${accept}, application/problem+json` };
  const key = apiKey.get();
  if (key) headers["X-API-Key"] = key;
  let response;
  try {
    response = await fetch(API_BASE + path, { headers });
  } catch {
    throw new ApiProblem({ title: "Server unreachable", detail: "The partner-search server did not answer. Check your connection and try again." });
  }
  if (!response.ok) {
    let problem = {};
    try { problem = await response.json(); } catch { /* not a problem document */ }
    throw new ApiProblem({
      type: problem.type, title: problem.title || response.statusText || "Error", status: response.status,
      detail: problem.detail || "", errors: problem.errors,
    });
  }
  return response.blob();
}


/** A file name from an id: letters, digits, dot, dash and underscore only. */
export const safeName = (text) => String(text).replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "") || "event";
