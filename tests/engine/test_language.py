from __future__ import annotations

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from engine.analyzer import STEMMERS, Analyzer
from engine.language import LANGUAGES, MIN_CONFIDENCE, Detection, detect, identify


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Szukamy partnerów dla klastra meblowego, który produkuje meble biurowe.", "pl"),
        ("Wir suchen Partner für die Entwicklung von Batterien für Elektrofahrzeuge.", "de"),
        ("Buscamos socios para un proyecto de almacenamiento de energía en baterías.", "es"),
        ("Nous cherchons des partenaires pour le recyclage des textiles médicaux.", "fr"),
        ("Cerchiamo partner per un progetto sul patrimonio culturale e il turismo.", "it"),
        ("We seek a medical textiles cluster for a wound-care pilot outside Germany.", "en"),
        ("Zoeken partners voor waterstof in de haven van Rotterdam.", "nl"),
        ("Υδρογόνο για φορτηγά και λιμάνια στην Ελλάδα.", "el"),
        ("Шукаємо партнерів для виробництва акумуляторів.", "uk"),
    ],
)
def test_detects_the_language_of_a_request(text: str, language: str) -> None:
    found = identify(text)
    assert found == Detection(language, found.confidence)
    assert MIN_CONFIDENCE <= found.confidence <= 1.0
    assert detect(text) == language


@pytest.mark.parametrize("text", ["", "   ", "hydrogen", "AI, 5G", "Batterien!"])
def test_short_texts_fall_back_to_the_default(text: str) -> None:
    assert identify(text) == Detection("en", 0.0)
    assert detect(text, default="de") == "de"


def test_an_ambiguous_text_falls_back_to_the_default() -> None:
    # Serbian Cyrillic, torn between Serbian and Macedonian below MIN_CONFIDENCE
    text = "Тражимо партнере за батерије"
    assert identify(text, default="sr") == Detection("sr", 0.0)
    assert detect(text) == "en"


def test_answers_only_european_languages() -> None:
    assert {"pl", "de", "es", "fr", "it", "en", "mt", "ga", "no", "tr", "uk"} <= set(LANGUAGES)
    assert len(LANGUAGES) == 32
    # Catalan and Russian are not candidates: the closest allowed language answers
    assert detect("Cerquem socis per a un projecte d'emmagatzematge d'energia a Barcelona.") in {
        "es", "fr", "it", "pt", "ro", "en"}
    assert detect("Мы ищем партнёров для проекта по хранению энергии в аккумуляторах.") in {
        "uk", "bg", "sr", "mk", "en"}


def test_reads_only_the_start_of_a_long_text() -> None:
    text = "Cluster für Medizintextilien und Wundversorgung in Baden-Württemberg. " * 10
    assert detect(text + "battery storage for the electricity grid " * 500) == "de"


# ---- analysis in the text's language -----------------------------------------------------

@pytest.mark.parametrize(
    ("text", "stop_word", "kept"),
    [
        ("Szukamy klastra meblowego dla biur i szkół", "dla", "biur"),
        ("Batterien für Elektrofahrzeuge und Ladestationen", "für", "elektrofahrzeug"),
        ("Baterías para vehículos eléctricos y estaciones de carga", "para", "vehicul"),
        ("Des batteries pour les véhicules électriques et les bornes", "pour", "véhicul"),
        ("Batterie per veicoli elettrici e stazioni di ricarica", "per", "veicol"),
        ("Batteries for the electric vehicles and charging stations", "the", "vehicles"),
    ],
)
def test_the_texts_language_and_english_stop_words_are_dropped(
    text: str, stop_word: str, kept: str
) -> None:
    terms = Analyzer()(text)
    assert stop_word not in terms and kept in terms
    assert not {"and", "for", "the"} & set(Analyzer()(text + " and for the"))


def test_only_the_detected_languages_stop_words_are_dropped() -> None:
    # "die" is a German article but an English word; "dla" is Polish for "for"
    terms = Analyzer()("Tool and die casting for automotive parts, with the DLA laser")
    assert "die" in terms and "dla" in terms


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("We are looking for partners for a joint Horizon proposal on hydrogen", "hydrogen"),
        ("Wir suchen Partner für ein gemeinsames Projekt zu Wasserstoff", "wasserstoff"),
        ("Nous cherchons des partenaires pour un projet commun sur l'hydrogène", "hydrogène"),
        ("Buscamos socios para un proyecto conjunto sobre hidrógeno", "hidrógeno"),
        ("Cerchiamo partner per un progetto congiunto sull'idrogeno", "idrogeno"),
        ("Szukamy partnerów do wspólnego projektu o wodorze w ramach konsorcjum", "wodorze"),
    ],
)
def test_request_boilerplate_is_dropped(text: str, topic: str) -> None:
    assert Analyzer(stemmed=())(text) == [topic]
    assert set(Analyzer()(text)) == set(Analyzer().index_terms(topic, detect(text)))


def test_numbers_and_short_words_are_dropped_but_technology_acronyms_kept() -> None:
    assert Analyzer()("AI and VR for 2030 in 5G, h2 and x grids") == ["ai", "vr", "h2", "grids"]
    # two-letter words of other languages go, but not acronyms or words with a digit
    assert Analyzer(stemmed=())("KI und PV für H2 in da la Stadt und na za Batterien") == [
        "ki", "pv", "h2", "stadt", "batterien"]
    assert Analyzer()("Multiple sclerosis (MS) cohorts in the EU") == [
        "multiple", "sclerosis", "ms", "cohorts", "eu"]


@pytest.mark.parametrize(
    ("forms", "language"),
    [
        (["batteries", "battery"], "en"),
        (["Batterien", "Batterie"], "de"),
        (["baterías", "batería"], "es"),
        (["batteries", "batterie"], "fr"),
        (["batterie", "batteria"], "it"),
    ],
)
def test_stemming_merges_inflections(forms: list[str], language: str) -> None:
    analyzer = Analyzer(stemmed=STEMMERS)
    assert len({analyzer.term(form.lower(), language) for form in forms}) == 1
    assert Analyzer(stemmed=()).term(forms[0].lower(), language) == forms[0].lower()
    # by default every language with a stemmer but English (measured: see engine.analyzer)
    assert (language in Analyzer().stemmed) == (language != "en")


def test_polish_inflections_meet() -> None:
    analyzer = Analyzer()
    assert analyzer.term("meblowego", "pl") == analyzer.term("meblowy", "pl")
    assert analyzer.term("batteries", "en") == "batteries"


def test_a_stemmed_word_also_counts_as_itself() -> None:
    analyzer = Analyzer()
    assert analyzer.index_terms("batterien", "de") == ("batteri", "batterien")
    assert analyzer.index_terms("wasserstoff", "de") == ("wasserstoff",)
    assert analyzer.index_terms("batteries", "en") == ("batteries",)
    assert analyzer.index_terms("für", "de") == ()


def test_the_analyzer_is_a_scikit_learn_analyzer() -> None:
    vectorizer = TfidfVectorizer(analyzer=Analyzer())
    vectorizer.fit(["Batteries for the grid", "A battery for trucks", "Batterien für LKW"])
    assert "batteri" in vectorizer.vocabulary_ and "for" not in vectorizer.vocabulary_
    assert "für" not in vectorizer.vocabulary_
