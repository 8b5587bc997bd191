"""The project text rows saved with an index: a load reuses them (nothing is analysed again)
and ranks exactly as a rebuild of them would; rows of another fit, a damaged file or a
wider vocabulary are never used."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from engine import saved_rows
from engine.embed import HashEncoder
from engine.lexical import LexicalIndex
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender

from .test_recommender import HARBOUR, _same_rankings


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of texts each ``transform_fitted`` call analyses."""
    calls: list[int] = []
    transform = LexicalIndex.transform_fitted

    def counted(self: LexicalIndex, texts: list[str]) -> sp.csr_matrix:
        calls.append(len(texts))
        return transform(self, texts)

    monkeypatch.setattr(LexicalIndex, "transform_fitted", counted)
    return calls


def test_a_loaded_index_reuses_its_saved_rows(
    tmp_path: Path, recommender: Recommender, hash_encoder: HashEncoder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recommender.save(tmp_path)  # builds the derived data to save its rows
    assert (tmp_path / saved_rows.FILE).is_file()
    calls = _counting(monkeypatch)
    loaded = Recommender.load(tmp_path, hash_encoder)
    _same_rankings(recommender, loaded)
    assert calls == []  # every project text came from the file
    # without the file the same rankings cost an analysis of every project text
    (tmp_path / saved_rows.FILE).unlink()
    again = Recommender.load(tmp_path, hash_encoder)
    _same_rankings(recommender, again)
    assert sum(calls) > 0
    np.testing.assert_allclose(
        loaded.view().derived.projects.matrix.toarray(),
        again.view().derived.projects.matrix.toarray(), rtol=1e-6)


def test_a_write_after_load_analyses_only_its_own_texts(
    tmp_path: Path, recommender: Recommender, hash_encoder: HashEncoder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recommender.save(tmp_path)
    loaded = Recommender.load(tmp_path, hash_encoder)
    loaded.upsert([HARBOUR])  # before the derived data exists: the saved rows still apply
    calls = _counting(monkeypatch)
    recommender.upsert([HARBOUR])
    _same_rankings(recommender, loaded)
    assert sum(calls) <= 2 * len(HARBOUR.activities)  # one analysis per index, at most


def test_rows_of_another_fit_are_not_used(
    tmp_path: Path, recommender: Recommender, profiles: list[Profile],
    hash_encoder: HashEncoder,
) -> None:
    recommender.save(tmp_path)
    other = tmp_path / "other"
    refit = Recommender(hash_encoder).fit(profiles[:-2])  # another vocabulary and IDF
    refit.save(other)
    (other / saved_rows.FILE).write_bytes((tmp_path / saved_rows.FILE).read_bytes())
    assert refit._corpus.lexical.fit_id() != recommender._corpus.lexical.fit_id()
    loaded = Recommender.load(other, hash_encoder)
    assert loaded._saved_rows is None
    _same_rankings(refit, loaded)


def test_a_refit_after_load_forgets_the_saved_rows(
    tmp_path: Path, recommender: Recommender, profiles: list[Profile],
    hash_encoder: HashEncoder,
) -> None:
    recommender.save(tmp_path)
    loaded = Recommender.load(tmp_path, hash_encoder)
    assert loaded._saved_rows is not None
    loaded.fit(profiles[:-2])
    assert loaded._saved_rows is None
    fresh = Recommender(hash_encoder).fit(profiles[:-2])
    request = PartnerRequest(text="battery recycling and hydrogen")
    assert [m.profile.id for m in loaded.recommend(request, k=5)] == [
        m.profile.id for m in fresh.recommend(request, k=5)]


def test_a_damaged_or_wider_file_is_ignored(tmp_path: Path, recommender: Recommender) -> None:
    recommender.save(tmp_path)
    lexical = recommender._corpus.lexical
    fit, width = lexical.fit_id(), lexical.width
    found = saved_rows.load_rows(tmp_path, fit, width)
    assert found is not None and found.store.shape[1] == width and found.rows
    assert saved_rows.load_rows(tmp_path, fit, width - 1) is None  # saved wider than asked
    assert saved_rows.load_rows(tmp_path, "another fit", width) is None
    (tmp_path / saved_rows.FILE).write_bytes(b"not an npz")
    assert saved_rows.load_rows(tmp_path, fit, width) is None
    (tmp_path / saved_rows.FILE).unlink()
    assert saved_rows.load_rows(tmp_path, fit, width) is None
