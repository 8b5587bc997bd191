"""The scale curve: build, memory, recall, latency, write visibility and start-up at N profiles.

    python bench/scale.py --profiles 100000 [--json docs/metrics/scale_100000.json]
    python bench/scale.py --plot docs/scale_curve.png [--table]   # from docs/metrics/scale_*.json
    python bench/scale.py --profiles 30000 --ivf-above 50000   # IVF at a small size (iterating)

The corpus: the real profiles (the saved index ``--index``, built by ``partner-search
build``) plus synthetic ones drawn from them (:mod:`engine.synthetic`): every synthetic text
is a real text, so its vectors come from the saved index through a
:class:`engine.synthetic.TableEncoder` (nothing is encoded but the request texts). Below the
real count, the first N real profiles are used.

Measured, in one process, one size per run:

- ``build_s``: ``Recommender.fit`` (vector lookup, TF-IDF, vector indexes with the IVF
  switch) plus the derived data (columns, graph, name index...) built by the first request;
- ``rss_gib``: peak resident memory of the process (``getrusage``; includes the real index it
  was grown from and the second, loaded copy of ``start_s``); ``disk_gib``: the saved folder;
  ``memory_gib``: after the build, the resident memory and what each part holds in arrays;
- ``recall_at_200``: of the main vector index's top 200 against an exact scan of the same
  vectors, for real request texts (project objectives); a result counts as found when its
  exact score reaches the 200th exact score (synthetic profiles repeat real texts: ties);
- ``similarity_error``: of ``similarities`` (an IVF index's 8-bit row store) against the
  exact cosine (mean, p99, max);
- ``p50_ms``/``p99_ms``: ``pool`` + ``rank_pool`` (k=10) from precomputed request vectors,
  encoding excluded, over requests without a filter, with a country filter and excluding
  that country (``*_by_filter`` holds each);
- ``write_visible_s``: median of ``upsert`` of one changed profile plus the first ranking
  after it (which sees it);
- ``start_s``: ``Recommender.load`` of the saved folder plus the first request (derived data).
"""

from __future__ import annotations

import argparse
import csv
import gc
import gzip
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from engine.cached_encoder import cached_multilingual_encoder, cached_sentence_encoder
from engine.corpus import multilingual_texts, vector_ids, vector_texts
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender
from engine.synthetic import TableEncoder, synthesize

KEYS = ("profiles", "build_s", "rss_gib", "recall_at_200", "p50_ms", "p99_ms",
        "write_visible_s", "start_s")


def log(message: str) -> None:
    """Progress on stderr (a run at 300k takes many minutes), with the memory in use now."""
    print(f"[{time.strftime('%H:%M:%S')}] {message} (rss {current_rss_gib():.1f}, "
          f"peak {rss_gib():.1f} GiB)", file=sys.stderr, flush=True)


def current_rss_gib() -> float:
    """Resident memory of this process now (``/proc``; 0 where there is none)."""
    status = Path("/proc/self/status")
    lines = status.read_text().splitlines() if status.exists() else []
    kib = next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)
    return kib / 2**20


def rss_gib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def sample_texts(path: Path, n: int, seed: int = 7) -> list[str]:
    """``n`` project objectives (without their titles: not texts of the corpus)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = [r["objective"] for r in csv.DictReader(handle) if r["objective"]]
    return random.Random(seed).sample(rows, n)


def tables(real: Recommender, fallbacks: tuple[Any, Any]) -> tuple[TableEncoder, TableEncoder]:
    """The real corpus's texts and vectors, for both encoders, as lookup tables."""
    corpus = real._corpus
    live = [(s, p) for s, p in enumerate(corpus.profiles) if p is not None]
    ids = np.concatenate([vector_ids(s, len(vector_texts(p))) for s, p in live])
    main = TableEncoder(corpus.index.model_id, [t for _, p in live for t in vector_texts(p)],
                        corpus.index.reconstruct(ids), fallbacks[0])
    assert corpus.multilingual is not None, "the saved index has no multilingual vectors"
    multi = TableEncoder(corpus.multilingual.model_id,
                         [t for _, p in live for t in multilingual_texts(p)],
                         corpus.multilingual.reconstruct(ids), fallbacks[1])
    return main, multi


def tie_recall(found: np.ndarray, exact: np.ndarray, k: int) -> float:
    """Share of ``found`` (k ids' exact scores) at or above the k-th best exact score."""
    kth = np.partition(exact, len(exact) - k)[len(exact) - k]
    return float((found >= kth - 1e-5).sum()) / k


def stored_ids(rec: Recommender) -> np.ndarray:
    """Every vector id of the live profiles, ascending (slot, then item): the order fit()
    encoded the texts in, so vector i has table row ``rows[i]``."""
    derived = rec.view().derived
    return derived.vector_ids(np.flatnonzero(derived.columns.alive))


def recall_at(rec: Recommender, encoder: TableEncoder, rows: np.ndarray, ids: np.ndarray,
              queries: np.ndarray, k: int = 200) -> float:
    """Mean tie-aware recall@k of the main index against exact scores (via the table)."""
    out = []
    for query in queries:
        exact = (encoder.vectors @ query)[rows]  # vector i of ``ids`` has table row rows[i]
        _, found = rec._corpus.index.search(query, k)
        hit = np.searchsorted(ids, found[0][found[0] >= 0])
        out.append(tie_recall(exact[hit], exact, k))
    return float(np.mean(out))


def codec_error(rec: Recommender, encoder: TableEncoder, rows: np.ndarray, ids: np.ndarray,
                queries: np.ndarray, sample: int = 2000, seed: int = 0) -> dict[str, float]:
    """Absolute error of ``similarities`` (the IVF row store's 8-bit codes) against the exact
    cosine, over ``sample`` stored vectors per query."""
    pick = np.sort(np.random.default_rng(seed).choice(len(ids), min(sample, len(ids)),
                                                      replace=False))
    vectors = encoder.vectors[rows[pick]]
    errors = np.concatenate([np.abs(rec._corpus.index.similarities(q, ids[pick]) - vectors @ q)
                             for q in queries])
    return {"mean": float(errors.mean()), "p99": float(np.percentile(errors, 99)),
            "max": float(errors.max())}


def time_requests(rec: Recommender, requests: list[PartnerRequest], vectors: np.ndarray,
                  others: list[Any]) -> list[float]:
    """Milliseconds of ``pool`` + ``rank_pool`` (k=10) per request, encoding excluded."""
    times = []
    for request, vector, other in zip(requests, vectors, others, strict=True):
        t0 = time.perf_counter()
        pool = rec.pool(request, vector, k=10, multilingual=other)
        rec.rank_pool(pool, 10)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def nbytes(*parts: Any) -> int:
    """Bytes of numpy arrays and scipy sparse matrices (None counts 0)."""
    total = 0
    for part in parts:
        if part is None:
            continue
        if hasattr(part, "indptr"):
            total += part.data.nbytes + part.indices.nbytes + part.indptr.nbytes
        else:
            total += part.nbytes
    return total


def index_bytes(index: Any) -> int:
    """Bytes of a ``VectorIndex``'s faiss storage (codes or floats, and ids; the IVF's hash
    map of ids is not counted) and of its row store."""
    stored = index._index
    per = stored.code_size if index.kind == "ivf" else 4 * index.dim
    rows = index._rows
    return len(index) * (per + 8) + (0 if rows is None else nbytes(rows.codes, rows.ids, rows.rows))


def memory_breakdown(rec: Recommender) -> dict[str, float]:
    """GiB held in arrays by each part (what is not here is Python objects: profiles, maps,
    and the interpreter and libraries)."""
    corpus, derived = rec._corpus, rec.view().derived
    graph, columns = derived.graph, derived.columns
    parts = {
        "vector_indexes": index_bytes(corpus.index) + (
            0 if corpus.multilingual is None else index_bytes(corpus.multilingual)),
        "lexical": nbytes(corpus.lexical._matrix, corpus.lexical._by_term),
        "project_texts": nbytes(*derived.projects.blocks, derived.projects.column_rows),
        "graph": nbytes(graph.counts, graph.incidence, graph.co),
        "columns_and_means": nbytes(derived.means, *(getattr(columns, f) for f in (
            "alive", "country", "region", "kind", "ecosystems", "sme", "lat", "lon",
            "n_activities", "n_recent", "n_coordinated", "n_history", "n_vectors", "language",
            "latest"))),
    }
    return {k: v / 2**30 for k, v in parts.items()}


def load_real(index: Path, data: Path) -> Recommender:
    """The saved real index, with the cached encoders (which encode the request texts)."""
    main_enc = cached_sentence_encoder(cache_dir="models/cache", seed_dirs=[data / "embeddings"])
    multi_enc = cached_multilingual_encoder("models/cache", seed_dirs=[data / "embeddings"])
    return Recommender.load(index, main_enc, multilingual=multi_enc)


def measure(n: int, real: Recommender, texts: list[str], seed: int = 0,
            profile_out: Path | None = None) -> dict[str, Any]:
    """Every figure of the module docstring at ``n`` profiles grown from ``real`` (a
    recommender with multilingual vectors; its encoders encode the request ``texts``)."""
    requests = [PartnerRequest(text=t) for t in texts]
    vectors = real.encoder.encode_queries(texts)
    others = real.encode_multilingual(requests)
    assert real.multilingual is not None
    main, multi = tables(real, (real.encoder, real.multilingual))
    base = list(real.profiles())
    history, config, fusion = real._corpus.history, real.config, real.fusion
    real = None  # type: ignore[assignment]  # the caller may drop it: its vectors are copied
    gc.collect()
    profiles: list[Profile] = base[:n] + synthesize(base, max(0, n - len(base)), seed=seed)
    log(f"{len(profiles)} profiles drawn; building")
    t0 = time.perf_counter()
    rec = Recommender(main, config, multilingual=multi).fit(profiles, history=history)
    log("fitted; deriving")
    rec.fusion = fusion
    rec.view()
    build_s = time.perf_counter() - t0
    rows = np.fromiter((main.row[t] for p in profiles for t in vector_texts(p)), np.int64)
    # ^ the table row of every corpus vector, in id order (slot i holds profiles[i])
    out: dict[str, Any] = {"profiles": len(rec), "vectors": rec.n_vectors, "build_s": build_s,
                           "index_kind": rec._corpus.index.kind,
                           "ivf": rec._corpus.index.ivf and rec._corpus.index.ivf.to_dict()}
    out["memory_gib"] = {"rss": current_rss_gib(), **memory_breakdown(rec)}
    log(f"built in {build_s:.0f} s; recall")
    ids = stored_ids(rec)
    out["recall_at_200"] = recall_at(rec, main, rows, ids, vectors)
    out["similarity_error"] = codec_error(rec, main, rows, ids, vectors)
    log("requests")
    del rows
    country = max(("DE", "FR", "IT", "ES"), key=lambda c: sum(p.country == c for p in base))
    by_filter = {}
    for label, make in (("none", lambda t: PartnerRequest(text=t)),
                        ("country", lambda t: PartnerRequest(text=t, countries=(country,))),
                        ("exclude_country",
                         lambda t: PartnerRequest(text=t, exclude_countries=(country,)))):
        time_requests(rec, [make(texts[0])], vectors[:1], others[:1])  # warm
        by_filter[label] = time_requests(rec, [make(t) for t in texts], vectors, others)
    if profile_out is not None:  # where a request spends its time (per-request O(N) work)
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(time_requests, rec, requests, vectors, others)
        profiler.dump_stats(str(profile_out))
    every = [t for times in by_filter.values() for t in times]
    out["p50_ms"] = float(np.percentile(every, 50))
    out["p99_ms"] = float(np.percentile(every, 99))
    out["latency_by_filter"] = {k: {"p50_ms": float(np.percentile(v, 50)),
                                    "p99_ms": float(np.percentile(v, 99))}
                                for k, v in by_filter.items()}
    log("writes")
    visible = []
    changing = [p for p in base[: min(n, len(base))] if len(p.activities) > 1][:5]
    for i, profile in enumerate(changing):
        changed = replace(profile, acronym=f"W{i}", activities=profile.activities[1:])
        t0 = time.perf_counter()
        rec.upsert([changed])
        pool = rec.pool(PartnerRequest(text=texts[i], countries=(profile.country,)),
                        vectors[i], k=10, multilingual=others[i])
        rec.rank_pool(pool, 10)
        visible.append(time.perf_counter() - t0)
        assert rec.get(profile.id).acronym == f"W{i}"
    out["write_visible_s"] = statistics.median(visible)
    folder = Path(tempfile.mkdtemp(prefix="scale-", dir="/tmp"))
    try:
        log("saving")
        t0 = time.perf_counter()
        rec.save(folder)
        out["save_s"] = time.perf_counter() - t0
        out["disk_gib"] = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**30
        del rec, pool, profiles  # the loaded copy is measured alone (but for the tables)
        gc.collect()
        log("loading")
        t0 = time.perf_counter()
        loaded = Recommender.load(folder, main, multilingual=multi)
        out["load_s"] = time.perf_counter() - t0
        time_requests(loaded, requests[:1], vectors[:1], others[:1])
        out["start_s"] = time.perf_counter() - t0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    out["rss_gib"] = rss_gib()
    return out


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Log-log slope between two points (the growth exponent); None if undefined."""
    if min(xs + ys) <= 0 or xs[0] == xs[1]:
        return None
    return float(np.log(ys[1] / ys[0]) / np.log(xs[1] / xs[0]))


def load_runs(folder: Path) -> list[dict[str, Any]]:
    runs = [json.loads(p.read_text()) for p in folder.glob("scale_*.json")]
    return sorted(runs, key=lambda r: r["profiles"])


def table(runs: list[dict[str, Any]]) -> str:
    """Markdown: one row per size, each figure with its exponent from the previous size."""
    figures = KEYS[1:] + ("disk_gib", "load_s")
    lines = ["| profiles | vectors | index | " + " | ".join(figures) + " |",
             "|---" * (len(figures) + 3) + "|"]
    for i, run in enumerate(runs):
        cells = []
        for key in figures:
            value = run.get(key)
            cell = "-" if value is None else f"{value:.3g}"
            if i and value is not None and runs[i - 1].get(key) is not None:
                b = slope([runs[i - 1]["profiles"], run["profiles"]], [runs[i - 1][key], value])
                cell += "" if b is None else f" (^{b:.2f})"
            cells.append(cell)
        kind = run.get("index_kind", "?")
        if run.get("ivf"):
            kind += f" nlist={run['ivf']['nlist']} nprobe={run['ivf']['nprobe']}"
        lines.append(f"| {run['profiles']} | {run.get('vectors', '-')} | {kind} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(runs: list[dict[str, Any]], out: Path) -> None:
    """A log-log plot of every figure against the profile count."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9.5, 5))
    xs = [r["profiles"] for r in runs]
    for key in ("build_s", "rss_gib", "p50_ms", "p99_ms", "write_visible_s", "start_s",
                "disk_gib"):
        ys = [r.get(key) for r in runs]
        if all(y is not None and y > 0 for y in ys):
            ax.plot(xs, ys, marker="o", label=key)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("profiles")
    ax.set_title("partner-search scale curve (2 cores)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))  # beside the lines, not on them
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", type=int)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--index", type=Path, default=Path("models/index"))
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--metrics", type=Path, default=Path("docs/metrics"))
    parser.add_argument("--profile", type=Path, help="cProfile stats of the requests here")
    parser.add_argument("--plot", type=Path, help="plot the saved runs to this PNG")
    parser.add_argument("--ivf-above", type=int,
                        help="vectors above which an index is IVF (iteration at small sizes; "
                        "default engine.index.IVF_ABOVE)")
    parser.add_argument("--table", action="store_true", help="print the saved runs' table")
    args = parser.parse_args()
    if args.ivf_above is not None:  # read by every VectorIndex made in this process
        from engine import index

        index.IVF_ABOVE = args.ivf_above
    if args.profiles:
        texts = sample_texts(args.data / "cordis" / "projects.csv.gz", args.queries)
        result = measure(args.profiles, load_real(args.index, args.data), texts, args.seed,
                         args.profile)
        print(json.dumps(result, indent=2))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=2) + "\n")
    runs = load_runs(args.metrics)
    if args.table:
        print(table(runs))
    if args.plot:
        plot(runs, args.plot)


if __name__ == "__main__":
    main()
