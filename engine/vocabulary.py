"""The columns of the lexical index: which term each holds, its IDF and the word that shows it.

Learned at ``fit`` like scikit-learn's ``TfidfVectorizer`` (same ``min_df``/``max_df`` pruning,
smoothed IDF ``ln((1 + n) / (1 + df)) + 1``, columns in term order), then *grown*: a profile
written later brings its new terms as new columns, each with the IDF its document frequency
among the current rows gives under the same formula (``n`` the non-empty rows after the write,
``df`` the written documents holding the term). Existing columns keep their IDF, so existing
rows stay valid. Terms pruned at fit as too common (in more than ``max_df`` of the documents)
never come back as new columns.

Columns are allocated with room to spare (twice the vocabulary, at least :data:`HEADROOM`
more): rows transformed before and after a write have the same width until the room runs out,
so stores of rows built at different times (the project texts of
:mod:`engine.project_texts`) can be stacked; past it the width doubles again.

A term may be a stem ("batteri"); its *word* is the surface form most often behind it in the
documents that brought it ("batterien" or "batterie", whichever is more frequent), what an
explanation shows. An immutable value: ``grown`` returns a new one, so a copied index never
sees the other copy's new columns.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from engine.analyzer import Analyzer

#: Spare columns allocated beyond the vocabulary: at least this many, or as many as it has.
HEADROOM = 1024


def _room(size: int) -> int:
    """The width allocated for ``size`` columns."""
    return size + max(HEADROOM, size)


@dataclass(frozen=True)
class WordCounts:
    """The distinct words of some texts: ``matrix[i, j]`` counts word ``j`` in text ``i``;
    ``terms[j]`` are its index terms (none if dropped), ``words[j]`` the word itself."""

    matrix: sp.csr_matrix
    terms: list[tuple[str, ...]]
    words: list[str]

    @classmethod
    def of(cls, analyzer: Analyzer, texts: Iterable[str]) -> WordCounts:
        """Count once per distinct word of each text: a word's terms are looked up once per
        (language, word), which is what makes stemming 20,000 documents affordable.
        ``texts`` may be a generator (a million profiles' documents are gigabytes); the
        counts grow in typed arrays (a Python list holds an 8-byte pointer and, for most
        values, a 28-byte int object per entry: 300M entries at a million profiles)."""
        ids: dict[str, dict[str, int]] = {}
        terms: list[tuple[str, ...]] = []
        words: list[str] = []
        indptr = array("q", [0])
        indices = array("q")
        data = array("q")
        for text in texts:
            language, counts = analyzer.words(text)
            known = ids.setdefault(language, {})
            for word in sorted(set(counts).difference(known)):  # sorted: ties break the same
                known[word] = len(terms)
                terms.append(analyzer.index_terms(word, language))
                words.append(word)
            indices.extend(map(known.__getitem__, counts))
            data.extend(counts.values())
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (np.frombuffer(data, dtype=np.int64).astype(np.float64),
             np.frombuffer(indices, dtype=np.int64),  # writable views (scipy may sort them)
             np.frombuffer(indptr, dtype=np.int64)),
            shape=(len(indptr) - 1, len(terms)),
        )
        return cls(matrix, terms, words)

    def names(self) -> set[str]:
        """Every term of these texts."""
        return {term for terms in self.terms for term in terms}

    def _pairs(self, columns: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """(word j, column c) for each term of word j that ``columns`` holds."""
        pairs = [(j, columns[t]) for j, terms in enumerate(self.terms) for t in terms
                 if t in columns]
        found = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        return found[:, 0], found[:, 1]

    def by_column(self, columns: Mapping[str, int], width: int) -> sp.csr_matrix:
        """Term counts per text in ``columns`` (``width`` wide); other terms are left out."""
        words, targets = self._pairs(columns)
        mapping = sp.csr_matrix(
            (np.ones(len(words)), (words, targets)), shape=(len(self.terms), width)
        )
        return (self.matrix @ mapping).tocsr()

    def best_words(self, columns: Mapping[str, int]) -> dict[int, str]:
        """Column -> the word most often behind its term in these texts."""
        words, targets = self._pairs(columns)
        if not len(words):
            return {}
        totals = np.asarray(self.matrix.sum(axis=0)).ravel()[words]
        order = np.lexsort((-totals, targets))
        first = np.r_[True, targets[order][1:] != targets[order][:-1]]
        return {int(targets[i]): self.words[words[i]] for i in order[first]}


def smoothed_idf(n: int, df: np.ndarray) -> np.ndarray:
    """Smoothed IDF, as scikit-learn's: ``ln((1 + n) / (1 + df)) + 1``."""
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


@dataclass(frozen=True)
class Vocabulary:
    """``terms[c]``: the term of column c; ``idf[c]`` its IDF; ``words[c]`` the word that
    shows it; ``too_common``: terms pruned at fit as too common; ``fitted``: how many columns
    (the first ones) were learned at fit, the others were grown; ``width``: columns allocated
    (at least ``len(terms)``)."""

    terms: tuple[str, ...]
    idf: np.ndarray
    words: tuple[str, ...]
    too_common: frozenset[str]
    fitted: int
    width: int
    columns: Mapping[str, int]

    @classmethod
    def create(cls, terms: Sequence[str], idf: np.ndarray, words: Sequence[str],
               too_common: frozenset[str], fitted: int, width: int = 0) -> Vocabulary:
        return cls(tuple(terms), np.asarray(idf, dtype=np.float64), tuple(words), too_common,
                   fitted, max(width, len(terms)), {t: c for c, t in enumerate(terms)})

    @classmethod
    def learn(cls, counts: WordCounts, min_df: int, max_df: float) -> tuple[Vocabulary,
                                                                            sp.csr_matrix]:
        """The vocabulary of ``counts``' texts and their term counts (scikit-learn's rule:
        keep terms in at least ``min_df`` documents and at most ``max_df`` of them)."""
        names = sorted(counts.names())
        everything = counts.by_column({t: c for c, t in enumerate(names)}, len(names))
        n = everything.shape[0]
        df = np.bincount(everything.indices, minlength=len(names))
        keep = (df >= min_df) & (df <= max_df * n)
        too_common = frozenset(names[c] for c in np.flatnonzero(df > max_df * n))
        if max_df * n < min_df or not keep.any():
            # A tiny corpus (min_df and max_df contradict each other below four documents) or
            # one that shares no term: keep every term rather than none.
            keep, too_common = df >= 1, frozenset()
        kept = np.flatnonzero(keep)
        terms = [names[c] for c in kept]
        columns = {t: c for c, t in enumerate(terms)}
        best = counts.best_words(columns)
        vocabulary = cls.create(terms, smoothed_idf(n, df[kept]),
                                [best[c] for c in range(len(terms))], too_common, len(terms),
                                _room(len(terms)))
        tf = everything[:, kept]  # kept is in term order, so its columns are the new ones
        return vocabulary, sp.csr_matrix((tf.data, tf.indices, tf.indptr),
                                         shape=(n, vocabulary.width))

    def counts(self, counts: WordCounts, fitted_only: bool = False) -> sp.csr_matrix:
        """Term counts of ``counts``' texts in this vocabulary's columns (only those learned
        at fit with ``fitted_only``)."""
        columns = self.columns
        if fitted_only and self.fitted < len(self.terms):
            columns = {t: c for t, c in columns.items() if c < self.fitted}
        return counts.by_column(columns, self.width)

    def grown(self, counts: WordCounts, n: int) -> Vocabulary:
        """This vocabulary with the new terms of ``counts``' texts added as columns, their
        IDF from their document frequency in those texts among ``n`` non-empty rows."""
        new = sorted(counts.names() - self.columns.keys() - self.too_common)
        if not new:
            return self
        start = len(self.terms)
        columns = {t: start + i for i, t in enumerate(new)}
        added = counts.by_column(columns, start + len(new))[:, start:]
        df = np.bincount(added.indices, minlength=len(new))
        best = counts.best_words(columns)
        size = start + len(new)
        return Vocabulary.create(
            self.terms + tuple(new), np.r_[self.idf, smoothed_idf(max(n, 1), df)],
            self.words + tuple(best[start + i] for i in range(len(new))), self.too_common,
            self.fitted, self.width if size <= self.width else _room(size),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"terms": list(self.terms), "idf": self.idf.tolist(),
                "words": list(self.words), "too_common": sorted(self.too_common),
                "fitted": self.fitted, "width": self.width}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Vocabulary:
        return cls.create(data["terms"], np.asarray(data["idf"]), data["words"],
                          frozenset(data["too_common"]), int(data["fitted"]),
                          int(data["width"]))
