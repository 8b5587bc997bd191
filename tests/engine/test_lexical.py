from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from engine.analyzer import STEMMERS, Analyzer
from engine.errors import IndexMismatchError, NotFittedError
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


# ---- language-aware lexical index ------------------------------------------------------

def test_english_words_in_a_german_profile_meet_an_english_request() -> None:
    index = LexicalIndex().fit([
        "Cluster Medizintextilien: medical textiles, smarte Textilien und Wundversorgung",
        "Cluster für Textilien und Wundversorgung in Baden-Württemberg und Bayern",
        "Battery storage for the electricity grid and the batteries of trucks",
        "Textiles recycling and battery storage with trucks",
    ])
    out = scores(index, "We seek a medical textiles cluster for a wound-care pilot")
    assert out[0] > 0 and out[0] == out.max()
    german = index.transform(["Wir suchen einen Cluster für Textilien und Wundversorgung"])
    assert {w for w, _ in index.shared_terms(german, 1)} == {
        "cluster", "textilien", "wundversorgung"}


def test_a_polish_request_no_longer_matches_on_dla() -> None:
    index = LexicalIndex().fit([
        "Śląski Klaster Dekarbonizacji: technologie dla przemysłu, wodór dla hutnictwa",
        "Klaster meblowy: meble biurowe i meble dla szkół, produkcja mebli",
        "Wodór dla przemysłu i dekarbonizacja hutnictwa",
        "Producenci mebli biurowych dla firm",
        "Battery storage for the electricity grid",
        "Furniture design and wood processing for offices",
        "Grid storage in batteries",
        "Wood furniture for schools",
    ])
    query = index.transform(["Szukamy klastra meblowego dla producentów mebli biurowych"])
    out = index.scores(query)
    assert out[0] == 0.0 and out[2] == 0.0 and out[1] > 0 and out[3] > 0
    assert index.shared_terms(query, 0) == []
    text = "Szukamy klastra meblowego dla producentów mebli biurowych"
    assert {word for word, _ in index.shared_terms(query, 1, text=text)} == {
        "mebli", "biurowych"}  # the request's own words
    assert {word for word, _ in index.shared_terms(query, 1)} <= {
        "meble", "mebli", "biurowe", "biurowych"}  # else the documents' words, never stems


def test_shared_terms_are_words_not_stems_or_stop_words() -> None:
    index = LexicalIndex(Analyzer(stemmed=STEMMERS)).fit([
        "solar panels with battery storage", "battery storage for the grid",
        "batteries for trucks", "cancer imaging and diagnostics",
        "cancer diagnostics in the hospital", "soil farming and crops",
    ])
    text = "batteries for the electricity storage"
    query = index.transform([text])
    shown = dict(index.shared_terms(query, 0))
    assert set(shown) == {"battery", "storage"}  # the corpus's word for "batteri"
    assert set(dict(index.shared_terms(query, 0, text=text))) == {"batteries", "storage"}
    assert sum(shown.values()) == pytest.approx(1.0)


def test_common_words_are_looked_up_through_the_analyzer() -> None:
    others = [f"topic{i} alone" for i in range(300)]
    index = LexicalIndex(Analyzer(stemmed=STEMMERS)).fit(["batteries for trucks"] * 3 + others)
    assert index.common_word("battery") and index.common_word("batteries")
    assert index.common_word("the") and index.common_word("partners")  # stop word, boilerplate
    assert not index.common_word("sintef")  # unknown
    assert index.common_word("alone")  # pruned as too common
    index.set_rows([400], ["sintef grid batteries"])
    assert not index.common_word("sintef")  # grown terms count as uncommon


# ---- a vocabulary that grows with new profiles -------------------------------------------

def test_a_profile_added_later_is_found_by_its_new_words(lexical: LexicalIndex) -> None:
    before = scores(lexical, "battery storage")
    idf = lexical._vocabulary.idf.copy()
    lexical.set_rows([6], ["Zorblax perovskite tandem cells and battery storage"])
    found = scores(lexical, "zorblax perovskite")
    assert found[6] > 0 and np.all(found[:6] == 0)
    assert int(np.argmax(scores(lexical, "perovskite solar cells"))) == 6
    np.testing.assert_array_equal(lexical._vocabulary.idf[: len(idf)], idf)  # kept
    np.testing.assert_allclose(scores(lexical, "battery storage")[:6], before)  # rows valid


def test_a_new_terms_idf_follows_its_document_frequency_among_current_rows(
    lexical: LexicalIndex,
) -> None:
    lexical.clear_rows([5])  # 5 non-empty rows remain, then two are written
    lexical.set_rows([6, 7], ["zorblax membranes", "zorblax reactors"])
    vocabulary = lexical._vocabulary
    n, df = 7, 2
    column = vocabulary.columns["zorblax"]
    assert vocabulary.idf[column] == pytest.approx(np.log((1 + n) / (1 + df)) + 1)
    assert vocabulary.words[column] == "zorblax"
    assert column >= vocabulary.fitted


def test_fitted_only_rows_ignore_grown_columns(lexical: LexicalIndex) -> None:
    lexical.set_rows([6], ["zorblax membranes"])
    assert lexical.transform(["zorblax"]).nnz == 1
    assert lexical.transform_fitted(["zorblax"]).nnz == 0
    np.testing.assert_array_equal(lexical.transform_fitted(["battery zorblax"]).toarray(),
                                  lexical.transform(["battery"]).toarray())


def test_too_common_terms_do_not_come_back_as_new_columns() -> None:
    index = LexicalIndex().fit(["cluster energy"] * 4 + ["grid storage", "grid farming"])
    index.set_rows([6], ["cluster zorblax"])
    assert "cluster" not in index._vocabulary.columns
    assert "zorblax" in index._vocabulary.columns


def test_a_copy_does_not_see_the_other_copys_new_columns(lexical: LexicalIndex) -> None:
    twin = lexical.copy()
    lexical.set_rows([6], ["zorblax membranes"])
    assert "zorblax" not in twin._vocabulary.columns
    assert scores(twin, "zorblax").shape == (6,)
    assert scores(lexical, "zorblax")[6] > 0


def test_the_width_grows_past_the_spare_columns(lexical: LexicalIndex) -> None:
    width = lexical._vocabulary.width
    many = " ".join(f"zorblax{i}" for i in range(width + 10))
    lexical.set_rows([6], [many])
    assert lexical._vocabulary.width > width
    assert scores(lexical, "zorblax7")[6] > 0 and scores(lexical, "battery")[0] > 0


# ---- persistence -------------------------------------------------------------------------

def test_save_load_keeps_grown_columns_and_words(tmp_path: Path, lexical: LexicalIndex) -> None:
    lexical.set_rows([6], ["Zorblax membranes for batteries"])
    lexical.save(tmp_path)
    assert "lexical.json" in {p.name for p in tmp_path.iterdir()}
    loaded = LexicalIndex.load(tmp_path)
    assert loaded._vocabulary.to_dict() == lexical._vocabulary.to_dict()
    assert loaded.analyzer.get_config() == lexical.analyzer.get_config()
    for text in ("zorblax batteries", "cancer diagnostics"):
        np.testing.assert_allclose(scores(loaded, text), scores(lexical, text), rtol=1e-6)
    query = loaded.transform(["zorblax batteries"])
    assert loaded.shared_terms(query, 6) == lexical.shared_terms(query, 6)


def test_an_old_index_folder_fails_with_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "lexical.json").write_text(json.dumps({"vocabulary": {"x": 0}, "idf": [1.0]}))
    with pytest.raises(IndexMismatchError, match="rebuild the index"):
        LexicalIndex.load(tmp_path)


def test_an_index_of_another_analyzer_version_fails_clearly(
    tmp_path: Path, lexical: LexicalIndex
) -> None:
    lexical.save(tmp_path)
    data = json.loads((tmp_path / "lexical.json").read_text())
    data["analyzer"]["version"] = -1
    (tmp_path / "lexical.json").write_text(json.dumps(data))
    with pytest.raises(IndexMismatchError, match="analyzer"):
        LexicalIndex.load(tmp_path)
