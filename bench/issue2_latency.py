"""Latency of the issue-2 engine (commit be26c76) on the bundled CORDIS corpus, with the same
request texts as bench/recommend_latency.py (objectives without titles, seeded sample).

    git worktree add /tmp/issue2 be26c76
    # that engine also embedded "name: keywords" per organisation (30k new texts): apply the
    # current rule (only description passages are embedded) in /tmp/issue2/engine/profiles.py
    mkdir -p /tmp/seed && ln -sfn "$PWD/data/embeddings/all-MiniLM-L6-v2@53aa51172d14" \
        /tmp/seed/model@53aa51172d14          # the old engine named the model "model"
    rm -rf /tmp/issue2-cache                  # that engine cached every query on disk
    .venv/bin/python bench/issue2_latency.py

Run from the repository root; the old engine is imported from /tmp/issue2.
"""
from __future__ import annotations

import csv
import gzip
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, "/tmp/issue2")
from engine.embed import CachedEncoder, EmbeddingCache, SentenceEncoder  # noqa: E402
from engine.profiles import PartnerRequest  # noqa: E402
from engine.recommender import Recommender  # noqa: E402
from engine.sources.cordis import load_cordis  # noqa: E402


def main() -> None:
    encoder = SentenceEncoder()
    cached = CachedEncoder(
        encoder, EmbeddingCache("/tmp/issue2-cache", encoder.model_id, seed_roots=["/tmp/seed"])
    )
    profiles = load_cordis(
        Path("data/cordis/projects.csv.gz"), Path("data/cordis/participants.csv.gz")
    )
    rec = Recommender(cached).fit(profiles)
    with gzip.open("data/cordis/projects.csv.gz", "rt", encoding="utf-8", newline="") as h:
        rows = [(r["title"], r["objective"]) for r in csv.DictReader(h)]
    texts = random.Random(1).sample(rows, 200 + 256)[:200]
    requests = [PartnerRequest(text=objective) for _, objective in texts]
    rec.recommend(requests[0], k=10)
    times = []
    for request in requests:
        started = time.perf_counter()
        rec.recommend(request, k=10)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"issue-2 engine ({os.cpu_count()} cores, {len(rec)} profiles, {rec.n_vectors} vectors):"
        f" p50 {statistics.median(times):.1f} ms, p99 {np.percentile(times, 99):.1f} ms"
    )


if __name__ == "__main__":
    main()
