from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from engine.errors import NotFittedError
from engine.lexical import LexicalIndex, _with_rows

DOCUMENTS = [
    "solar panels with battery storage",
    "battery storage for the grid",
    "cancer imaging and diagnostics",
    "cancer diagnostics in the hospital",
    "soil farming and crops",
    "farming crops for tourism",
]


@pytest.fixture
def lexical() -> LexicalIndex:
    return LexicalIndex().fit(DOCUMENTS)


def scores(index: LexicalIndex, text: str) -> np.ndarray:
    return index.scores(index.transform([text]))


def test_fit_scores_are_cosines_on_the_fitted_slots(lexical: LexicalIndex) -> None:
    out = scores(lexical, "battery storage")
    assert out.dtype == np.float32 and out.shape == (6,)
    np.testing.assert_allclose(out[:2], 1.0, rtol=1e-5)  # single-doc words are pruned
    np.testing.assert_array_equal(out[2:], 0.0)
    partial = scores(lexical, "cancer farming")
    assert np.all((partial >= 0) & (partial <= 1 + 1e-6))
    assert partial[2] > 0 and partial[4] > 0 and partial[0] == 0


def test_stop_words_and_unseen_words_score_nothing(lexical: LexicalIndex) -> None:
    np.testing.assert_array_equal(scores(lexical, "the and for with"), 0.0)
    np.testing.assert_array_equal(scores(lexical, "quantum zorblax"), 0.0)


def test_set_rows_replaces_and_appends_slots(lexical: LexicalIndex) -> None:
    lexical.set_rows([4, 7], ["battery storage", "cancer diagnostics"])
    battery = scores(lexical, "battery storage")
    assert battery.shape == (8,)
    assert battery[4] == pytest.approx(1.0, abs=1e-5)
    assert battery[6] == 0.0  # the gap slot is an empty row
    cancer = scores(lexical, "cancer diagnostics")
    assert cancer[7] == pytest.approx(1.0, abs=1e-5)
    assert scores(lexical, "farming crops")[4] == 0.0  # the old row is gone
    assert scores(lexical, "farming crops")[5] > 0  # other rows untouched


def test_clear_rows_zeroes_a_slot(lexical: LexicalIndex) -> None:
    lexical.clear_rows([0, 99])  # out of range slots are ignored
    out = scores(lexical, "battery storage")
    assert out[0] == 0.0 and out[1] == pytest.approx(1.0, abs=1e-5)


def test_shared_terms_give_each_terms_share(lexical: LexicalIndex) -> None:
    query = lexical.transform(["cancer diagnostics for farming"])
    terms = lexical.shared_terms(query, 2)
    assert {t for t, _ in terms} == {"cancer", "diagnostics"}
    assert sum(share for _, share in terms) == pytest.approx(1.0)
    assert lexical.shared_terms(query, 0) == []
    assert len(lexical.shared_terms(query, 2, n=1)) == 1


def test_save_load_round_trip(tmp_path: Path, lexical: LexicalIndex) -> None:
    lexical.set_rows([6], ["solar battery"])
    lexical.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert loaded.fitted
    for text in ("battery storage", "cancer farming", "crops"):
        np.testing.assert_allclose(scores(loaded, text), scores(lexical, text), rtol=1e-6)
    query = lexical.transform(["cancer diagnostics"])
    assert loaded.shared_terms(loaded.transform(["cancer diagnostics"]), 3) == (
        lexical.shared_terms(query, 3)
    )


def test_unfitted_index_raises_not_fitted() -> None:
    index = LexicalIndex()
    assert not index.fitted
    with pytest.raises(NotFittedError, match="fit"):
        index.transform(["x"])
    with pytest.raises(NotFittedError):
        index.save(Path("unused"))


@pytest.mark.parametrize(
    "documents",
    [["battery storage"], ["alpha beta", "beta gamma"], ["solar wind", "cancer imaging"]],
)
def test_a_tiny_corpus_still_fits(documents: list[str]) -> None:
    index = LexicalIndex().fit(documents)
    out = scores(index, documents[0])
    assert out[0] == pytest.approx(1.0, abs=1e-5)
    assert out.shape == (len(documents),)


def test_with_rows_replaces_grows_and_keeps_the_last_of_a_repeated_slot() -> None:
    matrix = sp.random(6, 9, density=0.4, random_state=1, format="csr", dtype=np.float32)
    rows = sp.random(4, 9, density=0.5, random_state=2, format="csr", dtype=np.float32)
    slots = [4, 0, 8, 4]  # 8 grows the matrix; 4 twice: the last row wins
    result = _with_rows(matrix, slots, rows).toarray()
    expected = np.zeros((9, 9), dtype=np.float32)
    expected[:6] = matrix.toarray()
    for i, slot in enumerate(slots):
        expected[slot] = rows[i].toarray()
    np.testing.assert_array_equal(result, expected)
