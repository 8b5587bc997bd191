"""Integration tier: the real packaged all-MiniLM-L6-v2 model on a committed slice of the
real CORDIS data (tests/data/slice, made by tests/data/make_slice.py). Runs in CI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.cached_encoder import CachedEncoder, verify_cached
from engine.corpus import vector_texts
from engine.embed import SentenceEncoder, text_key
from engine.evaluate import benchmark, load_queries
from engine.profiles import PartnerRequest
from engine.recommender import Recommender

from .conftest import SLICE

pytestmark = pytest.mark.integration


def test_packaged_model_loads_offline_and_embeds(model: SentenceEncoder) -> None:
    vectors = model.encode([
        "offshore wind turbine blade recycling",
        "recycling composite blades of wind turbines",
        "early detection of pancreatic cancer",
    ])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert model.max_tokens == 256
    assert model.model_id.startswith("all-MiniLM-L6-v2@")


def test_shipped_vectors_match_the_model(encoder: CachedEncoder, recommender: Recommender) -> None:
    texts = [t for p in recommender.profiles() for t in vector_texts(p)]
    assert sum(encoder.cache.get(text_key(t)) is not None for t in texts) == len(texts)
    assert verify_cached(encoder, texts, sample=8) >= 0.99


def test_recommend_finds_relevant_partners_on_real_data(recommender: Recommender) -> None:
    queries = load_queries(SLICE / "dev_queries.csv", SLICE / "projects.csv.gz")
    result = benchmark(recommender, queries)
    engine = result.methods["engine"]
    assert engine["queries"] == 30
    assert engine["recall@50"] > result.methods["popularity"]["recall@50"]
    assert engine["mrr"] > result.methods["popularity"]["mrr"]


def test_explanations_with_the_real_model(recommender: Recommender) -> None:
    request = PartnerRequest(text="Clinical trial of a new vaccine against respiratory viruses",
                             kinds=("company", "research"))
    matches = recommender.recommend(request, k=5, explain=True)
    assert len(matches) == 5
    for match in matches:
        assert match.profile.kind.value in {"company", "research"}
        assert sum(match.contributions.values()) == pytest.approx(match.score - match.baseline,
                                                           abs=1e-6)
        assert match.explanation.summary.startswith(match.profile.name)
        ids = {a.id for a in match.profile.activities}
        for item in match.explanation.evidence.get("activities", []):
            assert item["type"] == "description" or item["id"] in ids


def test_save_load_round_trip_with_the_real_model(
    recommender: Recommender, encoder: CachedEncoder, tmp_path: Path
) -> None:
    recommender.save(tmp_path / "index")
    loaded = Recommender.load(tmp_path / "index", encoder)
    request = PartnerRequest(text="Digital twins for smart manufacturing in SMEs")
    before = [(m.profile_id, round(m.score, 6)) for m in recommender.recommend(request, k=10)]
    after = [(m.profile_id, round(m.score, 6)) for m in loaded.recommend(request, k=10)]
    assert before == after
