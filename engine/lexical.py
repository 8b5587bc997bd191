"""Sparse lexical relevance: TF-IDF over one document per profile, in the text's language.

A profile's document is its name, keywords, description and every activity's title and text.
Scores are cosine similarities in [0, 1] between the query's and the profile's TF-IDF vectors.
Texts become terms through :class:`engine.analyzer.Analyzer` (the text's language detected
once; its stop words, English ones and request boilerplate dropped; words of languages other
than English stemmed), so a Polish request no longer matches on "dla" and "Batterien" matches
"Batterie". Explanations show terms as words (:meth:`LexicalIndex.shared_terms`).

The vocabulary and IDF are learned at ``fit`` (:mod:`engine.vocabulary`); rows written later
with ``set_rows`` add their new terms as columns, so a profile added after the build is found
by its own words. Persistence is JSON (format, analyzer settings, vocabulary, IDF, words) plus
a scipy ``.npz`` matrix: no pickle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from engine.analyzer import VERSION as ANALYZER_VERSION
from engine.analyzer import WORD_PATTERN, Analyzer
from engine.atomic import atomic_write, atomic_write_json
from engine.errors import IndexMismatchError, NotFittedError
from engine.vocabulary import Vocabulary, WordCounts

#: Weighting, as the scikit-learn ``TfidfVectorizer`` arguments the index used before:
#: terms in at least 2 documents and at most half of them, tf = 1 + ln(count), smoothed IDF,
#: rows L2-normalised, float32. Unigrams only. ``token_pattern``: how the analyzer splits
#: words (for readers that tokenise as the index does; stems and stop words are its own).
PARAMS: dict[str, Any] = {
    "token_pattern": WORD_PATTERN,
    "min_df": 2,
    "max_df": 0.5,
    "sublinear_tf": True,
    "dtype": np.float32,
}
#: The layout of ``lexical.json``; 1 (no "format" key) held whole words without analysis.
FORMAT = 2
#: A write marks its rows stale in the term-major copy that ``scores`` reads, rather than
#: dropping it: rebuilding that copy costs the whole matrix (seconds at 1M profiles) on the
#: first request after every write. Past this share of stale rows it is rebuilt.
STALE_SHARE = 0.01


class LexicalIndex:
    """TF-IDF rows addressed by integer slot (the recommender's profile slots)."""

    def __init__(self, analyzer: Analyzer | None = None) -> None:
        self.analyzer = analyzer if analyzer is not None else Analyzer()
        self._vocabulary: Vocabulary | None = None
        self._matrix: sp.csr_matrix | None = None
        self._by_term: sp.csc_matrix | None = None
        #: rows written since ``_by_term`` was made, sorted: ``scores`` reads them row-major
        self._stale = np.zeros(0, np.int64)

    @property
    def fitted(self) -> bool:
        return self._vocabulary is not None

    def _check(self) -> tuple[Vocabulary, sp.csr_matrix]:
        if self._vocabulary is None or self._matrix is None:
            raise NotFittedError("the lexical index is not fitted; call fit() or load()")
        return self._vocabulary, self._matrix

    def fit(self, documents: Iterable[str]) -> LexicalIndex:
        """Learn vocabulary and IDF from ``documents`` (read once); row i is slot i."""
        counts = WordCounts.of(self.analyzer, documents)
        self._vocabulary, tf = Vocabulary.learn(counts, PARAMS["min_df"], PARAMS["max_df"])
        self._matrix = _weigh(tf, self._vocabulary)
        self._by_term, self._stale = None, np.zeros(0, np.int64)
        return self

    def copy(self) -> LexicalIndex:
        """An independent copy. Writes replace the matrix and the vocabulary rather than
        change them in place, so the copy shares both as they are now."""
        other = LexicalIndex(self.analyzer)
        other._vocabulary = self._vocabulary
        other._matrix = self._matrix
        other._by_term, other._stale = self._by_term, self._stale  # never changed in place
        return other

    def _mark(self, slots: list[int]) -> None:
        """Rows ``slots`` changed: stale in the term-major copy (see ``STALE_SHARE``)."""
        if self._by_term is None:
            return
        stale = np.union1d(self._stale, np.asarray(slots, dtype=np.int64))
        if len(stale) > max(256, STALE_SHARE * self._by_term.shape[0]):
            self._by_term, stale = None, np.zeros(0, np.int64)
        self._stale = stale

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """TF-IDF rows of ``texts`` in the current vocabulary (terms it lacks are left out)."""
        vocabulary, _ = self._check()
        return _weigh(vocabulary.counts(WordCounts.of(self.analyzer, texts)), vocabulary)

    def transform_fitted(self, texts: list[str]) -> sp.csr_matrix:
        """As :meth:`transform`, with only the columns learned at fit: a text's row then
        never changes when later writes add columns. For stores of rows built at different
        times that must equal a rebuild (the project texts of :mod:`engine.project_texts`);
        queries take every column."""
        vocabulary, _ = self._check()
        counts = vocabulary.counts(WordCounts.of(self.analyzer, texts), fitted_only=True)
        return _weigh(counts, vocabulary)

    def set_rows(self, slots: list[int], documents: list[str]) -> None:
        """Replace (or append, growing the matrix) the rows of ``slots``. Terms the
        vocabulary lacks become new columns (see :mod:`engine.vocabulary`), with the IDF of
        their document frequency in ``documents`` among the non-empty rows after the write."""
        vocabulary, matrix = self._check()
        counts = WordCounts.of(self.analyzer, documents)
        written = set(slots)
        nonempty = np.flatnonzero(np.diff(matrix.indptr) > 0)
        n = len(written) + int(np.sum(~np.isin(nonempty, list(written))))
        vocabulary = vocabulary.grown(counts, n)
        rows = _weigh(vocabulary.counts(counts), vocabulary)
        self._matrix = _with_rows(_widened(matrix, vocabulary.width), slots, rows)
        self._vocabulary = vocabulary
        self._mark(slots)

    def clear_rows(self, slots: list[int]) -> None:
        _, matrix = self._check()
        slots = [s for s in slots if s < matrix.shape[0]]
        empty = sp.csr_matrix((len(slots), matrix.shape[1]), dtype=matrix.dtype)
        self._matrix = _with_rows(matrix, slots, empty)
        self._mark(slots)

    def scores(self, query: sp.csr_matrix) -> np.ndarray:
        """Cosine of one query row against every slot, as a dense float32 array.

        Reads only the columns of the query's terms (a CSC copy), so the cost is the sum of
        their posting lengths, not the size of the matrix.
        """
        _, matrix = self._check()
        if self._by_term is None:
            self._by_term, self._stale = matrix.tocsc(), np.zeros(0, np.int64)
        query = query.tocsr()
        base = self._by_term
        known = query.indices < base.shape[1]  # newer terms are only in stale rows
        out = np.zeros(matrix.shape[0], dtype=np.float32)
        out[: base.shape[0]] = np.asarray(base[:, query.indices[known]] @ query.data[known],
                                          dtype=np.float32).ravel()
        if len(self._stale):  # rows written since: read row-major, a few rows
            rows = self._stale[self._stale < matrix.shape[0]]
            out[rows] = (matrix[rows] @ query.T).toarray().ravel()
        return out

    def score(self, query: sp.csr_matrix, slot: int) -> float:
        """Cosine of one query row with one slot (what :meth:`scores` gives it)."""
        _, matrix = self._check()
        return float((matrix.getrow(slot) @ query.tocsr().T).toarray()[0, 0])

    def common_word(self, word: str, share: float = 0.01) -> bool:
        """Whether ``word`` (lower case, read as English) is a stop word or boilerplate, was
        pruned as too common, or its term appears in more than about ``share`` of the fitted
        documents: with smoothed IDF, ``idf = ln((1 + n) / (1 + df)) + 1``, which is below
        ``ln(1 / share) + 1`` when ``df / n`` is above ``share``. Words the vocabulary
        dropped as too rare count as uncommon, and so do terms it learned after fit (their
        document frequency is only that of the rows that brought them; a profile's acronym
        is in its own document)."""
        vocabulary, _ = self._check()
        term = self.analyzer.term(word, "en")
        if not term or term in vocabulary.too_common:
            return True
        column = vocabulary.columns.get(term)
        return column is not None and column < vocabulary.fitted and bool(
            vocabulary.idf[column] < np.log(1.0 / share) + 1.0
        )

    def query_words(self, text: str) -> dict[int, str]:
        """Column -> the word of ``text`` behind its term (read once per request, for the
        ``words`` of :meth:`shared_terms`)."""
        vocabulary, _ = self._check()
        return WordCounts.of(self.analyzer, [text]).best_words(vocabulary.columns)

    def shared_terms(
        self, query: sp.csr_matrix, slot: int, n: int = 6, text: str | None = None,
        words: Mapping[int, str] | None = None,
    ) -> list[tuple[str, float]]:
        """The terms that contributed most to ``slot``'s score, with their share of it.

        A term is shown as a word: the query's own word for it when the query ``text`` (or
        its :meth:`query_words`, ``words``) is given, else the word most often behind it in
        the indexed documents. Stop words and boilerplate never reach the index, so they are
        never shown.
        """
        vocabulary, matrix = self._check()
        row = matrix.getrow(slot)
        q = query.tocsr()
        common, qi, ri = np.intersect1d(q.indices, row.indices, return_indices=True)
        if len(common) == 0:
            return []
        products = q.data[qi] * row.data[ri]
        total = float(products.sum())
        own = words if words is not None else {} if text is None else self.query_words(text)
        shares: dict[str, float] = {}
        for i in np.argsort(-products, kind="stable"):
            column = int(common[i])
            word = own.get(column) or vocabulary.words[column]
            shares[word] = shares.get(word, 0.0) + float(products[i] / total)
        return sorted(shares.items(), key=lambda item: -item[1])[:n]

    @property
    def width(self) -> int:
        """The columns of the rows that ``transform`` and ``transform_fitted`` return."""
        return self._check()[0].width

    def fit_id(self) -> str:
        """A hash of what :meth:`transform_fitted` depends on (the analyzer, the terms and
        IDF learned at fit): rows transformed under equal ids are equal."""
        vocabulary, _ = self._check()
        digest = hashlib.sha256(json.dumps(
            [ANALYZER_VERSION, self.analyzer.get_config(), vocabulary.terms[:vocabulary.fitted]]
        ).encode())
        digest.update(np.ascontiguousarray(vocabulary.idf[:vocabulary.fitted], np.float64))
        return digest.hexdigest()[:20]

    def save(self, folder: Path) -> None:
        vocabulary, matrix = self._check()
        analyzer = {"version": ANALYZER_VERSION, **self.analyzer.get_config()}
        atomic_write_json(
            folder / "lexical.json",
            {"format": FORMAT, "analyzer": analyzer, **vocabulary.to_dict()},
        )
        atomic_write(folder / "lexical.npz", lambda handle: sp.save_npz(handle, matrix))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read what ``save`` wrote; an index of another format or analyzer version (its
        terms would not be this code's terms) is refused with :class:`IndexMismatchError`."""
        data = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise IndexMismatchError(
                f"{folder / 'lexical.json'} has lexical format {data.get('format', 1)}, this "
                f"engine reads {FORMAT} (terms by language, stemmed); rebuild the index with "
                "`partner-search build`"
            )
        config = dict(data["analyzer"])
        if config.pop("version") != ANALYZER_VERSION:
            raise IndexMismatchError(
                f"{folder / 'lexical.json'} was analysed by another version of the text "
                "analyzer; rebuild the index with `partner-search build`"
            )
        index = cls(Analyzer(**config))
        index._vocabulary = Vocabulary.from_dict(data)
        index._matrix = _widened(sp.load_npz(folder / "lexical.npz").tocsr(),
                                 index._vocabulary.width)
        return index


def _weigh(counts: sp.csr_matrix, vocabulary: Vocabulary) -> sp.csr_matrix:
    """TF-IDF rows from term counts: ``(1 + ln(count)) * idf`` (``count * idf`` without
    ``sublinear_tf``), each row L2-normalised."""
    tf = counts.astype(np.float64).tocsr()
    tf.sum_duplicates()
    if PARAMS["sublinear_tf"]:
        tf.data = 1.0 + np.log(tf.data)
    tf.data *= vocabulary.idf[tf.indices]
    norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel())
    tf.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(tf.indptr))
    return tf.astype(PARAMS["dtype"])


def _widened(matrix: sp.csr_matrix, width: int) -> sp.csr_matrix:
    """``matrix`` with ``width`` columns (new ones empty); the arrays are shared."""
    if matrix.shape[1] == width:
        return matrix
    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr),
                         shape=(matrix.shape[0], width))


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
        (np.concatenate(data, dtype=matrix.dtype, casting="same_kind"),
         np.concatenate(indices),
         np.r_[0, np.cumsum(lengths)]),
        shape=(size, matrix.shape[1]),
    )
