"""Sparse lexical relevance: TF-IDF (scikit-learn) over one document per profile.

A profile's document is its name, keywords, description and every activity's title and text.
Scores are cosine similarities in [0, 1] between the query's and the profile's TF-IDF vectors.
The vocabulary and IDF are fixed at ``fit``; profiles added later are transformed with them.
Persistence is JSON (vocabulary, IDF, parameters) plus a scipy ``.npz`` matrix: no pickle.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from engine.atomic import atomic_write, atomic_write_json
from engine.errors import NotFittedError

PARAMS: dict[str, Any] = {
    "lowercase": True,
    "stop_words": "english",
    "sublinear_tf": True,
    "min_df": 2,
    "max_df": 0.5,
    "token_pattern": r"(?u)\b[^\W\d_][\w-]+\b",
    "dtype": np.float32,
}


class LexicalIndex:
    """TF-IDF rows addressed by integer slot (the recommender's profile slots)."""

    def __init__(self) -> None:
        self._vectorizer: TfidfVectorizer | None = None
        self._matrix: sp.csr_matrix | None = None
        self._by_term: sp.csc_matrix | None = None
        self._terms: np.ndarray | None = None

    @property
    def fitted(self) -> bool:
        return self._vectorizer is not None

    def _check(self) -> tuple[TfidfVectorizer, sp.csr_matrix]:
        if self._vectorizer is None or self._matrix is None:
            raise NotFittedError("the lexical index is not fitted; call fit() or load()")
        return self._vectorizer, self._matrix

    def fit(self, documents: list[str]) -> LexicalIndex:
        """Learn vocabulary and IDF from ``documents``; row i is slot i."""
        self._vectorizer = TfidfVectorizer(**PARAMS)
        try:
            matrix = self._vectorizer.fit_transform(documents)
        except ValueError:
            # Below four documents min_df=2 and max_df=0.5 contradict each other, and a small
            # corpus may share no term at all: keep every term rather than fail.
            self._vectorizer = TfidfVectorizer(**{**PARAMS, "min_df": 1, "max_df": 1.0})
            matrix = self._vectorizer.fit_transform(documents)
        self._matrix = matrix.tocsr()
        self._by_term = None
        self._terms = None
        return self

    def copy(self) -> LexicalIndex:
        """An independent copy. Writes replace the matrix rather than change it in place,
        so the copy shares the fitted vectorizer and the current matrix."""
        other = LexicalIndex()
        other._vectorizer = self._vectorizer
        other._matrix = self._matrix
        return other

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        vectorizer, _ = self._check()
        return vectorizer.transform(texts).tocsr()

    def set_rows(self, slots: list[int], documents: list[str]) -> None:
        """Replace (or append, growing the matrix) the rows of ``slots``."""
        _, matrix = self._check()
        self._matrix = _with_rows(matrix, slots, self.transform(documents))
        self._by_term = None

    def clear_rows(self, slots: list[int]) -> None:
        _, matrix = self._check()
        slots = [s for s in slots if s < matrix.shape[0]]
        empty = sp.csr_matrix((len(slots), matrix.shape[1]), dtype=matrix.dtype)
        self._matrix = _with_rows(matrix, slots, empty)
        self._by_term = None

    def scores(self, query: sp.csr_matrix) -> np.ndarray:
        """Cosine of one query row against every slot, as a dense float32 array.

        Reads only the columns of the query's terms (a CSC copy), so the cost is the sum of
        their posting lengths, not the size of the matrix.
        """
        _, matrix = self._check()
        if self._by_term is None:
            self._by_term = matrix.tocsc()
        query = query.tocsr()
        columns = self._by_term[:, query.indices]
        return np.asarray(columns @ query.data, dtype=np.float32).ravel()

    def common_word(self, word: str, share: float = 0.01) -> bool:
        """Whether ``word`` (lower case) is an English stop word or appears in more than
        about ``share`` of the fitted documents: with smoothed IDF, ``idf = ln((1 + n) /
        (1 + df)) + 1``, which is below ``ln(1 / share) + 1`` when ``df / n`` is above
        ``share``. Words the vocabulary dropped as too rare count as uncommon."""
        vectorizer, _ = self._check()
        if word in ENGLISH_STOP_WORDS:
            return True
        column = vectorizer.vocabulary_.get(word)
        return column is not None and bool(vectorizer.idf_[column] < np.log(1.0 / share) + 1.0)

    def shared_terms(self, query: sp.csr_matrix, slot: int, n: int = 6) -> list[tuple[str, float]]:
        """The terms that contributed most to ``slot``'s score, with their share of it."""
        vectorizer, matrix = self._check()
        if self._terms is None:
            self._terms = vectorizer.get_feature_names_out()
        row = matrix.getrow(slot)
        q = query.tocsr()
        common, qi, ri = np.intersect1d(q.indices, row.indices, return_indices=True)
        if len(common) == 0:
            return []
        products = q.data[qi] * row.data[ri]
        total = float(products.sum())
        order = np.argsort(-products)[:n]
        return [(str(self._terms[common[i]]), float(products[i] / total)) for i in order]

    def save(self, folder: Path) -> None:
        vectorizer, matrix = self._check()
        vocabulary = {term: int(col) for term, col in vectorizer.vocabulary_.items()}
        atomic_write_json(
            folder / "lexical.json",
            {"vocabulary": vocabulary, "idf": vectorizer.idf_.tolist()},
        )
        atomic_write(folder / "lexical.npz", lambda handle: sp.save_npz(handle, matrix))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        data = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        index = cls()
        vectorizer = TfidfVectorizer(**{**PARAMS, "vocabulary": data["vocabulary"]})
        vectorizer.idf_ = np.asarray(data["idf"], dtype=np.float64)
        index._vectorizer = vectorizer
        index._matrix = sp.load_npz(folder / "lexical.npz").tocsr()
        return index


def _with_rows(matrix: sp.csr_matrix, slots: list[int], rows: sp.csr_matrix) -> sp.csr_matrix:
    """A copy of ``matrix`` with row ``slots[i]`` replaced by ``rows[i]`` (the last one wins
    for a repeated slot), grown with empty rows to reach every slot. Unchanged rows are
    copied as whole runs, so the cost is a copy of the arrays, not sparse arithmetic."""
    size = max([matrix.shape[0], *[s + 1 for s in slots]])
    latest = {slot: i for i, slot in enumerate(slots)}
    indptr = np.r_[matrix.indptr, np.full(size - matrix.shape[0], matrix.indptr[-1])]
    data: list[np.ndarray] = []
    indices: list[np.ndarray] = []
    lengths = np.diff(indptr)
    start = 0
    for slot in sorted(latest):
        data.append(matrix.data[indptr[start]:indptr[slot]])
        indices.append(matrix.indices[indptr[start]:indptr[slot]])
        row = latest[slot]
        begin, end = rows.indptr[row], rows.indptr[row + 1]
        data.append(rows.data[begin:end])
        indices.append(rows.indices[begin:end])
        lengths[slot] = end - begin
        start = slot + 1
    data.append(matrix.data[indptr[start]:indptr[-1]])
    indices.append(matrix.indices[indptr[start]:indptr[-1]])
    return sp.csr_matrix(
        (np.concatenate(data).astype(matrix.dtype), np.concatenate(indices),
         np.r_[0, np.cumsum(lengths)]),
        shape=(size, matrix.shape[1]),
    )
