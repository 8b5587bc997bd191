"""The scale pipeline end to end at 5k profiles (``bench/scale.py``), on the HashEncoder:
the figures come back under the documented keys and are sane; the IVF switch is exercised
by lowering the threshold."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from engine import index
from engine.embed import HashEncoder
from engine.profiles import Profile
from engine.recommender import Recommender
from tests.conftest import make_profiles

ROOT = Path(__file__).resolve().parents[2]


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def base_profiles(n: int = 240) -> list[Profile]:
    """``n`` "real" profiles: the fixture's eight under new ids and names, half without a
    description."""
    seeds = make_profiles()
    return [replace(seeds[i % 8], id=f"real-{i}", name=f"{seeds[i % 8].name} {i}",
                    description=seeds[i % 8].description if i % 2 else "", contacts=())
            for i in range(n)]


def test_the_scale_pipeline_at_5k(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(index, "IVF_ABOVE", 4000)  # vectors: the 5k corpus is an IVF one
    bench = load_bench()
    real = Recommender(HashEncoder(64), multilingual=HashEncoder(32)).fit(base_profiles())
    texts = ["battery storage for electric vehicles", "cancer imaging with machine learning",
             "soil sensors for farming", "solar panels and energy storage"] * 3
    result = bench.measure(5000, real, texts)
    for key in bench.KEYS:
        assert isinstance(result[key], int | float), key
    assert result["profiles"] == 5000 and result["vectors"] > 4000
    assert result["index_kind"] == "ivf"
    assert 0.5 <= result["recall_at_200"] <= 1.0
    assert 0 < result["p50_ms"] <= result["p99_ms"]
    assert result["build_s"] > 0 and result["start_s"] > 0 and result["write_visible_s"] > 0
    assert 0 < result["rss_gib"] < 64 and result["disk_gib"] > 0
    assert set(result["latency_by_filter"]) == {"none", "country", "exclude_country"}
    memory = result["memory_gib"]
    assert set(memory) == {"rss", "vector_indexes", "lexical", "project_texts", "graph",
                           "columns_and_means"}
    parts = [v for k, v in memory.items() if k != "rss"]
    assert all(v > 0 for v in parts) and sum(parts) < memory["rss"]  # arrays within the RSS
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    for n, scale in ((5000, 1.0), (20000, 3.0)):
        run = {**result, "profiles": n, "build_s": result["build_s"] * scale}
        (metrics / f"scale_{n}.json").write_text(json.dumps(run))
    runs = bench.load_runs(metrics)
    assert "(^0.79)" in bench.table(runs)  # log 3 / log 4: the build's growth exponent
    bench.plot(runs, tmp_path / "curve.png")
    assert (tmp_path / "curve.png").stat().st_size > 1000


def test_an_ivf_corpus_ranks_like_a_flat_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine import index_ivf
    from engine.profiles import PartnerRequest
    from engine.synthetic import synthesize

    profiles = base_profiles()
    profiles += synthesize(profiles, 3000, seed=2)
    flat = Recommender(HashEncoder(64)).fit(profiles)
    monkeypatch.setattr(index, "IVF_ABOVE", 1000)
    monkeypatch.setattr(index_ivf, "EXACT_BELOW", 0)  # every filtered search goes through IVF
    ivf = Recommender(HashEncoder(64)).fit(profiles)
    assert flat._corpus.index.kind == "flat" and ivf._corpus.index.kind == "ivf"
    for request in (PartnerRequest(text="battery storage for electric cars"),
                    PartnerRequest(text="cancer imaging", countries=("FR", "NL")),
                    PartnerRequest(text="soil sensors", exclude_countries=("IT",))):
        want = [m.profile_id for m in flat.recommend(request, k=10)]
        got = [m.profile_id for m in ivf.recommend(request, k=10)]
        assert len(got) == 10
        assert len(set(want) & set(got)) >= 7, (want, got)
