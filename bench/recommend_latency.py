"""Benchmark: build throughput, `recommend` latency and peak memory on the bundled corpus.

    python bench/recommend_latency.py [--index models/index] [--queries 200] [--encode 256]
                                      [--writes 30] [--torch-queries]

Prints a Markdown table. Latency is wall time of ``Recommender.recommend`` per request
measured sequentially in one process. Request texts are a fixed sample of real project
objectives *without* their titles, so no request text is in the embedding cache: the first
row pays the encoding as a new partner request does; the other rows time the ranking alone
(first stage, all signals, fusion, explanations) from the request vector.

Requests are encoded by the int8 export in ``models/cache/onnx`` where there is one
(``--torch-queries``: by torch, as before it existed). The "bare encode" row times a plain
sentence-transformers (torch) encode of each new request text, interleaved with its
recommend, and the ratio of the two medians is printed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import resource
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from engine.cached_encoder import cached_multilingual_encoder, cached_sentence_encoder
from engine.diversity import Diversity
from engine.embed import SentenceEncoder
from engine.profiles import PartnerRequest
from engine.recommender import Recommender


def sample_texts(path: Path, n: int, seed: int = 1) -> list[tuple[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = [(r["title"], r["objective"]) for r in csv.DictReader(handle)]
    return random.Random(seed).sample(rows, n)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=Path("models/index"))
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--encode", type=int, default=256, help="texts for the throughput run")
    parser.add_argument("--writes", type=int, default=30, help="profiles changed one by one")
    parser.add_argument("--onnx", type=Path, default=Path("models/cache/onnx"),
                        help="the int8 exports (made by build or export-onnx)")
    parser.add_argument("--torch-queries", action="store_true", help="requests through torch")
    args = parser.parse_args()

    texts = sample_texts(args.data / "cordis" / "projects.csv.gz", args.queries + args.encode)
    encoder = SentenceEncoder()
    encoder.warm_up()
    fresh = [f"{t}. {o}" for t, o in texts[args.queries:]]
    started = time.perf_counter()
    encoder.encode(fresh)
    throughput = len(fresh) / (time.perf_counter() - started)

    started = time.perf_counter()
    cache = tempfile.mkdtemp()
    if args.onnx.is_dir():
        os.symlink(args.onnx.resolve(), Path(cache) / "onnx")
    recommender = Recommender.load(
        args.index,
        cached_sentence_encoder(cache_dir=cache, seed_dirs=[args.data / "embeddings"],
                                int8_queries=not args.torch_queries),
        multilingual=cached_multilingual_encoder(cache, seed_dirs=[args.data / "embeddings"]),
    )
    load_s = time.perf_counter() - started
    requests = [PartnerRequest(text=o) for _, o in texts[: args.queries]]
    recommender.recommend(PartnerRequest(text="warm-up"), k=10)  # build columns, graph, lifts
    rows = []
    times, bare = [], []
    for request in requests:  # new texts: the encoding is part of every request
        t0 = time.perf_counter()
        encoder.encode([request.text])
        t1 = time.perf_counter()
        recommender.recommend(request, k=10, explain=True)
        times.append((time.perf_counter() - t1) * 1000)
        bare.append((t1 - t0) * 1000)
    rows.append(("k=10, explain, new text (encoding included)", times))
    rows.append(("bare sentence-transformers encode of the same texts (interleaved)", bare))
    ratio = statistics.median(times) / statistics.median(bare)
    vectors = recommender.encoder.encode_queries([r.document for r in requests])
    others = recommender.encode_multilingual(requests)
    for label, kwargs in (
        ("k=10, ranking only", {}),
        ("k=10, explain, ranking only", {"explain": True}),
        ("k=10, explain, MMR 0.7 + caps, ranking only",
         {"explain": True, "diversity": Diversity(0.7, 3, 5)}),
    ):
        times = []
        for request, vector, other in zip(requests, vectors, others, strict=True):
            t0 = time.perf_counter()
            pool = recommender.pool(request, vector, k=10, multilingual=other)
            recommender.rank_pool(pool, 10, **kwargs)
            times.append((time.perf_counter() - t0) * 1000)
        rows.append((label, times))
    size = f"{len(recommender)} profiles, {recommender.n_vectors} vectors"
    # writes: change one profile (a new acronym, a dropped activity), then rank again; the
    # first ranking after a write includes what the write left to rebuild lazily
    upserts, firsts = [], []
    profiles = [p for p in recommender.profiles() if len(p.activities) > 1][: args.writes]
    for i, profile in enumerate(profiles):
        changed = replace(profile, acronym=f"W{i}", activities=profile.activities[1:])
        t0 = time.perf_counter()
        recommender.upsert([changed])
        t1 = time.perf_counter()
        recommender.recommend(requests[i % len(requests)], k=10, explain=True)
        upserts.append((t1 - t0) * 1000)
        firsts.append((time.perf_counter() - t1) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queries_by = type(recommender.encoder.encoder).__name__
    print(f"machine: {os.cpu_count()} cores; index: {size}; {args.queries} requests; "
          f"request encoder {queries_by}\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| encoding throughput (MiniLM, uncached) | {throughput:.1f} texts/s |")
    print(f"| index load | {load_s:.1f} s |")
    for label, times in rows:
        print(f"| recommend {label}: p50 / p99 | {statistics.median(times):.1f} ms / "
              f"{percentile(times, 99):.1f} ms |")
    print(f"| write: upsert of one changed profile, p50 / p99 | {statistics.median(upserts):.0f} "
          f"ms / {percentile(upserts, 99):.0f} ms |")
    print(f"| first ranking after a write (explain), p50 / p99 | "
          f"{statistics.median(firsts):.0f} ms / {percentile(firsts, 99):.0f} ms |")
    print(f"| recommend new text / bare encode, ratio of medians | {ratio:.2f} |")
    print(f"| peak memory (RSS) | {peak_mb:.0f} MiB |")


if __name__ == "__main__":
    main()
