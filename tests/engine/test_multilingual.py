"""The multilingual encoder beside the main one: a second vector index with the same ids, the
``dense_multi`` signal and a first-stage source. A translating fake stands in for the real
model (which the integration tier loads): it maps a few Polish words to English before
hashing, so that only the multilingual side can see that two texts mean the same."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from engine.embed import HashEncoder
from engine.errors import IndexMismatchError
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender

POLISH = {"magazynowanie": "storage", "energii": "grid", "baterie": "battery",
          "akumulatory": "batteries", "sieci": "grid"}


class TranslatingEncoder(HashEncoder):
    """A hash encoder that reads Polish words as their English translation."""

    def __init__(self) -> None:
        super().__init__(32)
        self.model_id = "translating-hash-32"

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return super().encode([" ".join(POLISH.get(w, w) for w in t.lower().split())
                               for t in texts])


@pytest.fixture
def bilingual(profiles: list[Profile]) -> Recommender:
    return Recommender(HashEncoder(64), multilingual=TranslatingEncoder()).fit(profiles)


REQUEST = PartnerRequest(text="baterie magazynowanie energii sieci")


def test_the_multilingual_signal_finds_a_request_in_another_language(
    bilingual: Recommender, profiles: list[Profile]
) -> None:
    plain = Recommender(HashEncoder(64)).fit(profiles)
    assert all(m.signals["dense_multi"] == 0.0 for m in plain.recommend(REQUEST, k=5))
    config = bilingual.config.with_weights(dense_multi=10.0)
    bilingual.config = config
    top = bilingual.recommend(REQUEST, k=3, explain=True)
    assert top[0].profile.id == "de-cluster"  # the battery cluster, found in Polish
    assert top[0].signals["dense_multi"] > 0.5
    assert top[0].explanation is not None and top[0].explanation.groups["semantic"] > 0


def test_the_multilingual_first_stage_brings_what_the_main_one_misses(
    bilingual: Recommender,
) -> None:
    narrow = bilingual.config.__class__(**{**bilingual.config.to_dict(), "pool_size": 1})
    bilingual.config = narrow
    pool = bilingual.pool(REQUEST)
    ids = [bilingual.slot_ids()[s] for s in pool.slots]
    assert "de-cluster" in ids


def test_writes_keep_both_indexes_in_step_and_save_load_keeps_them(
    bilingual: Recommender, profiles: list[Profile], tmp_path: Path
) -> None:
    changed = Profile(id="pl-new", name="Klaster Baterii", country="PL", kind="cluster",
                      description="akumulatory i baterie dla sieci")
    bilingual.upsert([changed])
    bilingual.remove(profiles[-1].id)
    bilingual.save(tmp_path / "index")
    again = Recommender.load(tmp_path / "index", HashEncoder(64),
                             multilingual=TranslatingEncoder())
    request = PartnerRequest(text="baterie")
    assert [(m.profile_id, round(m.score, 6)) for m in again.recommend(request, k=5)] == [
        (m.profile_id, round(m.score, 6)) for m in bilingual.recommend(request, k=5)]
    assert again.recommend(request, k=5)[0].signals["dense_multi"] > 0
    # an index saved without multilingual vectors cannot serve a multilingual recommender
    Recommender(HashEncoder(64)).fit(profiles).save(tmp_path / "plain")
    with pytest.raises(IndexMismatchError):
        Recommender.load(tmp_path / "plain", HashEncoder(64), multilingual=TranslatingEncoder())
