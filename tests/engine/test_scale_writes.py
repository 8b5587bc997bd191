"""Writes at scale: the TF-IDF scores after a write read the written rows without
rebuilding the term-major copy, and stay exact."""

from __future__ import annotations

import numpy as np

from engine import lexical
from engine.lexical import LexicalIndex

DOCS = ["battery storage for electric cars", "solar panels on farms", "cancer imaging lab",
        "soil sensors for crops", "software for soil data", "tourism on islands"] * 5


def exact(index: LexicalIndex, text: str) -> np.ndarray:
    query = index.transform([text])
    return (index._matrix @ query.T).toarray().ravel()  # type: ignore[operator]


def test_scores_stay_exact_across_writes_without_a_rebuild() -> None:
    index = LexicalIndex().fit(DOCS)
    index.scores(index.transform(["battery"]))
    base = index._by_term
    index.set_rows([2, 31], ["battery imaging quantum", "quantum battery farms"])  # new slot
    index.clear_rows([0])
    assert index._by_term is base  # marked stale, not dropped
    for text in ("battery", "quantum imaging", "soil farms", "nothing known"):
        np.testing.assert_allclose(index.scores(index.transform([text])), exact(index, text),
                                   atol=1e-6)
    copy = index.copy()
    copy.set_rows([5], ["battery battery"])
    np.testing.assert_allclose(copy.scores(copy.transform(["battery"])),
                               exact(copy, "battery"), atol=1e-6)
    np.testing.assert_allclose(index.scores(index.transform(["battery"])),
                               exact(index, "battery"), atol=1e-6)


def test_many_stale_rows_rebuild_the_copy(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(lexical, "STALE_SHARE", 0.0)
    index = LexicalIndex().fit(DOCS * 10)
    index.scores(index.transform(["battery"]))
    index.set_rows(list(range(300)), ["solar"] * 300)
    assert index._by_term is None and len(index._stale) == 0
    np.testing.assert_allclose(index.scores(index.transform(["solar"])),
                               exact(index, "solar"), atol=1e-6)
