"""The cross-lingual set's loader and metrics, on a tiny set in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.crosslingual import crosslingual_benchmark, first_sentence, load_crosslingual
from engine.embed import HashEncoder
from engine.errors import ValidationError
from engine.profiles import Profile
from engine.recommender import Recommender


def _write(folder: Path, requests: list[dict[str, object]]) -> None:
    profiles = [
        {"id": "xl-wood", "name": "Klaster Drzewny", "country": "PL", "kind": "cluster",
         "description": "Furniture makers and sawmills, circular wood panels."},
        {"id": "xl-sea", "name": "Seaweed Cluster", "country": "ES", "kind": "cluster",
         "description": "Seaweed farming and blue bioeconomy.",
         "activities": [{"id": "xl-a1", "title": "Seaweed pilot", "year": 2022}]},
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profiles.jsonl").write_text("\n".join(json.dumps(p) for p in profiles))
    (folder / "requests.jsonl").write_text("\n".join(json.dumps(r) for r in requests))


def test_metrics_per_split_language_and_profiles_without_history(
    tmp_path: Path, profiles: list[Profile]
) -> None:
    _write(tmp_path, [
        {"id": "r1", "topic": "t1", "lang": "en", "split": "tune",
         "text": "furniture makers and sawmills", "relevant": ["xl-wood"]},
        {"id": "r2", "topic": "t1", "lang": "pl", "split": "tune",
         "text": "producenci mebli i tartaki", "relevant": ["xl-wood"]},
        {"id": "r3", "topic": "t2", "lang": "en", "split": "test",
         "text": "seaweed farming", "relevant": ["xl-sea"]},
    ])
    xl_profiles, queries = load_crosslingual(tmp_path)
    rec = Recommender(HashEncoder(64)).fit(profiles)
    result = crosslingual_benchmark(rec, xl_profiles, queries)
    assert "xl-wood" in rec and result["queries"] == 3
    assert result["methods"]["tune/en"]["mrr"] == 1.0  # the same words: found first
    assert result["methods"]["test/en"]["recall@10"] == 1.0
    assert set(result["mrr_by_language"]) == {"en", "pl"}
    assert result["no_history_pairs"] == 2  # xl-wood has no activities, in two requests
    assert 0.5 <= result["no_history_top10"] <= 1.0
    short = result["short"]  # the same requests cut to their first sentence (one each here)
    assert short["methods"]["tune/en"]["mrr"] == 1.0 and short["no_history_pairs"] == 2


def test_the_short_form_is_the_first_sentence_long_enough_to_stand_alone() -> None:
    text = ("We seek partners for a pilot of soil moisture sensors in vineyards. The pilot "
            "runs for two seasons. Clusters welcome.")
    assert first_sentence(text) == ("We seek partners for a pilot of soil moisture sensors "
                                    "in vineyards.")
    two = "Hello. We seek sawmills and furniture makers in Poland and Czechia."
    assert first_sentence(f"{two} More.") == two  # the first alone is too short
    assert first_sentence("No full stop at all") == "No full stop at all"


def test_a_request_naming_an_unknown_profile_names_its_line(tmp_path: Path) -> None:
    _write(tmp_path, [
        {"id": "r1", "topic": "t1", "lang": "en", "split": "tune", "text": "wood",
         "relevant": ["xl-wood"]},
        {"id": "r2", "topic": "t1", "lang": "en", "split": "tune", "text": "wood",
         "relevant": ["xl-nowhere"]},
    ])
    with pytest.raises(ValidationError, match=r"requests.jsonl:2: relevant ids \['xl-nowhere'\]"):
        load_crosslingual(tmp_path)
