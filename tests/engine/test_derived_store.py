"""The derived data saved with the index: used only for that exact index and engine."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from engine import derived_store
from engine.config import RankConfig
from engine.derived_store import FILE, load_derived
from engine.embed import HashEncoder
from engine.errors import IndexMismatchError
from engine.profiles import PartnerRequest
from engine.recommender import Recommender
from tests.engine.test_recommender import make_corpus

REQUESTS = [PartnerRequest(text="battery storage software cloud"),
            PartnerRequest(text="harbour ferry mooring", countries=("MT",)),
            PartnerRequest(text="digital platform", exclude_countries=("DE",))]


def _ranked(rec: Recommender) -> list[list[tuple[str, float]]]:
    return [[(m.profile_id, round(m.score, 6)) for m in rec.recommend(r, k=10, explain=True)]
            for r in REQUESTS]


@pytest.fixture()
def saved(tmp_path: Path) -> tuple[Recommender, Path]:
    rec = Recommender(HashEncoder(dim=64), RankConfig(pool_size=20)).fit(make_corpus(120, 6))
    rec.save(tmp_path)
    return rec, tmp_path


def test_a_load_takes_the_saved_derived_data_and_ranks_the_same(
        saved: tuple[Recommender, Path]) -> None:
    rec, folder = saved
    assert (folder / FILE).is_file()
    loaded = Recommender.load(folder, HashEncoder(dim=64))
    assert loaded._derived is not None  # not built: read
    np.testing.assert_array_equal(loaded._derived.means, rec.view().derived.means)
    assert _ranked(loaded) == _ranked(rec)
    assert [p.to_dict() for p in loaded.profiles()] == [p.to_dict() for p in rec.profiles()]
    assert loaded.slot_ids() == rec.slot_ids()


def test_the_profiles_file_is_still_checked_against_the_manifest(
        saved: tuple[Recommender, Path]) -> None:
    _, folder = saved
    path = folder / "profiles.jsonl"
    path.write_text(path.read_text().replace("Organisation 7", "Organisation 8"))
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Recommender.load(folder, HashEncoder(dim=64))


def test_after_writes_a_save_and_load_gives_the_written_state(
        saved: tuple[Recommender, Path]) -> None:
    rec, folder = saved
    rec.remove("org-003")
    rec.upsert([replace(rec.get("org-004"), id="org-new", name="New harbour body")])
    rec.save(folder)
    loaded = Recommender.load(folder, HashEncoder(dim=64))
    rebuilt = Recommender.load(folder, HashEncoder(dim=64))
    rebuilt._derived = None
    assert _ranked(loaded) == _ranked(rebuilt) == _ranked(rec)


def test_derived_data_of_another_save_is_not_used(saved: tuple[Recommender, Path],
                                                  tmp_path_factory: pytest.TempPathFactory
                                                  ) -> None:
    rec, folder = saved
    other = tmp_path_factory.mktemp("other")
    rec.upsert([replace(rec.get("org-004"), id="org-new")])
    rec.save(other)
    (folder / FILE).write_bytes((other / FILE).read_bytes())  # a stale copy beside the index
    assert load_derived(folder) is None
    assert load_derived(other) is not None


def test_another_engine_version_rebuilds(saved: tuple[Recommender, Path],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _, folder = saved
    monkeypatch.setattr(derived_store, "engine_version", lambda: "another engine")
    assert load_derived(folder) is None


def test_a_broken_file_rebuilds_with_a_warning(saved: tuple[Recommender, Path],
                                               caplog: pytest.LogCaptureFixture) -> None:
    rec, folder = saved
    (folder / FILE).write_bytes(b"\x80\x05 not a pickle")
    with caplog.at_level(logging.WARNING):
        loaded = Recommender.load(folder, HashEncoder(dim=64))
    assert loaded._derived is None and "could not be read" in caplog.text
    assert _ranked(loaded) == _ranked(rec)  # built on first use, as before


def test_an_empty_index_leaves_no_derived_file(saved: tuple[Recommender, Path]) -> None:
    rec, folder = saved
    for profile_id in [p.id for p in rec.profiles()]:
        rec.remove(profile_id)
    rec.save(folder)
    assert not (folder / FILE).exists()
