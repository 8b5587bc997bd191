"""Fixtures of the integration tier: the real packaged MiniLM with the shipped embedding
cache, and a recommender fitted on a committed slice of the real CORDIS data
(tests/data/slice, made by tests/data/make_slice.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.cached_encoder import CachedEncoder
from engine.embed import SentenceEncoder
from engine.embedding_cache import EmbeddingCache
from engine.recommender import Recommender
from engine.sources.cordis import load_cordis
from engine.sources.h2020 import load_h2020

ROOT = Path(__file__).resolve().parents[2]
SLICE = ROOT / "tests" / "data" / "slice"
CUTOFF = date(2024, 1, 1)


@pytest.fixture(scope="module")
def model() -> SentenceEncoder:
    encoder = SentenceEncoder()
    encoder.warm_up()
    return encoder


@pytest.fixture(scope="module")
def encoder(model: SentenceEncoder, tmp_path_factory: pytest.TempPathFactory) -> CachedEncoder:
    cache = EmbeddingCache(tmp_path_factory.mktemp("cache"), model.model_id,
                           seed_roots=[ROOT / "data" / "embeddings"])
    return CachedEncoder(model, cache)


@pytest.fixture(scope="module")
def recommender(encoder: CachedEncoder) -> Recommender:
    profiles = load_cordis(SLICE / "projects.csv.gz", SLICE / "participants.csv.gz",
                           cutoff=CUTOFF)
    history = load_h2020(ROOT / "data" / "h2020" / "h2020.csv.gz", cutoff=CUTOFF)
    return Recommender(encoder).fit(profiles, history=history)
