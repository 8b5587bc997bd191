"""What a request names: organisations, places and countries (engine.mentions), and the
three signals and explanations built on it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.builtin_signals import BUILTIN
from engine.config import RankConfig
from engine.context import request_context
from engine.embed import HashEncoder
from engine.lexical import LexicalIndex
from engine.mentions import Mentions, fold, name_key, place_keys, usable_acronym
from engine.names import NameIndex
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender

DEFAULT_WEIGHTS = BUILTIN.hand_weights


def never_common(word: str) -> bool:
    return False


def test_fold_strips_accents_and_case() -> None:
    assert fold("MÜNCHEN") == fold("München") == "munchen"
    assert fold(" Andalucía ") == "andalucia"


def test_place_keys_split_names_and_add_exonyms() -> None:
    assert place_keys("Bruxelles / Brussel", "") == ("bruxelles", "brussels", "brussel")
    assert place_keys("MUNCHEN", "Oberbayern") == ("munchen", "munich", "oberbayern", "bavaria")
    assert place_keys("Ede", "") == ()  # too short to tell from an abbreviation


@pytest.mark.parametrize(
    ("acronym", "usable"),
    [("SINTEF", "SINTEF"), ("Fraunhofer", "Fraunhofer"), ("TU Delft", "TU Delft"),
     ("sustainable", ""), ("EU", ""), ("FAIR", ""), ("", "")],
)
def test_usable_acronym(acronym: str, usable: str) -> None:
    def common(word: str) -> bool:
        return word == "fair"

    assert usable_acronym(acronym, common) == usable


def test_mentions_match_whole_words_and_case_of_acronyms() -> None:
    said = Mentions.of("Pilots in Seville and the Greek islands, with SINTEF and Klaster ICT "
                       "polska; Spanish SMEs.")
    assert said.organisation("SINTEF", name_key("Stiftelsen Sintef")) == "SINTEF"
    assert said.organisation("SINT", "") == ""  # part of a word
    assert said.organisation("ICT", "") == "ICT"
    full = name_key("KLASTER ICT POLSKA")
    assert full == "klaster ict polska" and said.organisation("", full) == full  # full name
    assert said.organisation("Sintef", "") == ""  # an acronym keeps its case
    assert name_key("Sintef") == ""  # a one-word name is matched as an acronym
    assert name_key("Solar Iberia S.L.") == "solar iberia s l"
    assert said.place(place_keys("Sevilla", "Andalucía")) == "seville"
    assert said.place(place_keys("Madrid", "")) == ""
    assert said.countries == {"GR", "ES"}
    assert "ES" in said.countries and "IT" not in said.countries


def test_common_word_uses_document_share() -> None:
    docs = [f"doc {i} energy" if i % 2 else f"doc {i} grid" for i in range(40)]
    docs[0] += " sintef"
    docs[1] += " sintef"
    lexical = LexicalIndex().fit(docs)
    assert lexical.common_word("grid")  # in half of the documents
    assert not lexical.common_word("sintef", share=0.1)  # in 2 of 40 documents (5 %)
    assert lexical.common_word("sintef", share=0.01)
    assert lexical.common_word("the")  # stop word
    assert not lexical.common_word("unseen")


@pytest.fixture
def named_rec(hash_encoder: HashEncoder, profiles: list[Profile]) -> Recommender:
    edits = {
        "es-solar": {"acronym": "SOLIB", "city": "Sevilla", "region_name": "Andalucía"},
        "nl-research": {"acronym": "DIL", "city": "Delft"},
    }
    return Recommender(hash_encoder).fit(
        [replace(p, **edits.get(p.id, {})) for p in profiles]
    )


def test_named_signals_and_their_evidence(named_rec: Recommender) -> None:
    request = PartnerRequest(
        text="Battery storage pilots in Seville with SOLIB, and Dutch imaging partners.",
        requester_id="de-cluster",
    )
    matches = {m.profile_id: m for m in named_rec.recommend(request, k=8, explain=True)}
    solar = matches["es-solar"]
    assert (solar.signals["named"], solar.signals["named_place"]) == (1.0, 1.0)
    assert solar.signals["named_country"] == 0.0
    assert solar.explanation.evidence["mentioned"] == [
        {"what": "organisation", "text": "SOLIB"}, {"what": "place", "text": "Seville"}
    ]
    dutch = matches["nl-research"]
    assert (dutch.signals["named"], dutch.signals["named_country"]) == (0.0, 1.0)
    assert dutch.explanation.evidence["mentioned"] == [
        {"what": "country", "text": "Netherlands"}
    ]
    assert all(m.signals["named"] == 0.0 for pid, m in matches.items() if pid != "es-solar")


def test_a_named_partner_is_said_in_the_summary(named_rec: Recommender) -> None:
    named_rec.config = RankConfig(weights={**DEFAULT_WEIGHTS, "named": 50.0})
    request = PartnerRequest(text="we look for SOLIB", requester_id="de-cluster")
    top = named_rec.recommend(request, k=3, explain=True)[0]
    assert top.profile_id == "es-solar"
    assert "the request names it (SOLIB)" in top.explanation.summary


def test_a_write_refreshes_how_a_profile_is_named(named_rec: Recommender) -> None:
    request = PartnerRequest(text="partners in Porto", requester_id="de-cluster")
    assert all(m.signals["named_place"] == 0.0 for m in named_rec.recommend(request, k=8))
    named_rec.upsert([replace(named_rec.get("es-solar"), city="Porto")])
    matches = {m.profile_id: m for m in named_rec.recommend(request, k=8)}
    assert matches["es-solar"].signals["named_place"] == 1.0


def test_named_organisations_join_the_first_stage(
    named_rec: Recommender, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a one-candidate first stage, the named organisation is still in the pool, and of
    the organisations in a named country only the NAMED_POOL lexically best join it."""
    import engine.first_stage as first_stage

    named_rec.config = RankConfig(pool_size=1)
    request = PartnerRequest(text="soil sensors, with SOLIB", requester_id="it-agri")
    assert "es-solar" in {named_rec.slot_ids()[s] for s in named_rec.pool(request).slots}
    monkeypatch.setattr(first_stage, "NAMED_POOL", 1)
    german = PartnerRequest(text="electric vehicle battery packs from German suppliers",
                            requester_id="it-agri")
    view = named_rec.view()
    context = request_context(view, german, named_rec.encode_request(german))
    lexical = named_rec.lexical_scores(german.document)
    mask = named_rec.allowed_slots(german)
    picked = {named_rec.slot_ids()[s] for s in first_stage.named_top(view, context, mask, lexical)}
    assert picked == {"de-auto"}  # of de-auto and de-cluster, the better lexical match


def test_name_lookup_patched_by_writes_equals_a_rebuild(named_rec: Recommender) -> None:
    """Writes patch the name lookup in place of a rebuild; a copy keeps its own."""
    named_rec.view()
    other = named_rec.copy()
    newcomer = replace(named_rec.get("gr-region"), id="new-co", name="Nova Energia Lda",
                       acronym="NOVAE", city="Lisboa")
    named_rec.upsert([replace(named_rec.get("es-solar"), acronym="SOLARX", city="Porto"),
                      newcomer])
    named_rec.remove("nl-research")
    view = named_rec.view()
    patched = dict(view.derived.names.lookup)
    assert patched["acronym:NOVAE"] and "acronym:SOLIB" not in patched
    assert "acronym:DIL" not in patched and "place:lisbon" in patched
    rebuilt = NameIndex.build(view.corpus.profiles, view.corpus.lexical.common_word)
    assert dict(rebuilt.lookup) == patched
    theirs = other.view().derived.names.lookup
    assert "acronym:SOLIB" in theirs and "acronym:SOLARX" not in theirs


@pytest.mark.parametrize(
    ("city", "keys"),
    [("Frankfurt Am Main", ("frankfurt am main", "frankfurt")),
     ("Paris Cedex 16", ("paris",)), ("Praha 4", ("praha", "prague")), ("Lyon 7Eme", ("lyon",)),
     ("'S-Gravenhage (Den Haag)", ("s-gravenhage", "the hague", "den haag")),
     ("Garching Bei Munchen", ("garching bei munchen", "garching"))],
)
def test_place_keys_drop_postal_suffixes_and_qualifiers(city: str, keys: tuple[str, ...]) -> None:
    assert place_keys(city) == keys
