from __future__ import annotations

import json

import pytest

from engine.errors import ValidationError
from engine.profiles import Activity, PartnerRequest, Profile
from engine.taxonomy import CollaborationType, Kind


def _error(fn, *args, **kwargs) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    return info.value


# ---- PartnerRequest ---------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_request_with_empty_text_names_the_text_field(text: str) -> None:
    error = _error(PartnerRequest, text=text)
    assert error.field == "text"
    assert "empty" in str(error)


def test_request_with_only_a_title_is_valid_and_its_document_is_the_title() -> None:
    request = PartnerRequest(text="", title="Battery recycling partner")
    assert request.document == "Battery recycling partner"


def test_request_document_joins_title_and_text() -> None:
    assert PartnerRequest(text="solid cells", title="Batteries").document == (
        "Batteries. solid cells"
    )


def test_unknown_country_names_the_field_and_lists_valid_codes() -> None:
    error = _error(PartnerRequest, text="x", countries=("DE", "XX"))
    assert error.field == "countries"
    message = str(error)
    assert "'XX'" in message
    for code in ("DE", "FR", "ES", "GR", "GB"):
        assert code in message


def test_unknown_excluded_country_names_exclude_countries() -> None:
    assert _error(PartnerRequest, text="x", exclude_countries=("ZZ",)).field == (
        "exclude_countries"
    )


def test_cordis_country_codes_el_and_uk_become_gr_and_gb() -> None:
    request = PartnerRequest(text="x", countries=("el", "UK"), exclude_countries=(" de ",))
    assert request.countries == ("GR", "GB")
    assert request.exclude_countries == ("DE",)
    assert Profile(id="p", name="P", country="EL").country == "GR"
    assert Profile(id="p", name="P", country="uk").country == "GB"


def test_country_both_targeted_and_excluded_is_rejected() -> None:
    error = _error(PartnerRequest, text="x", countries=("DE",), exclude_countries=("de",))
    assert error.field == "exclude_countries"
    assert "DE" in str(error)


def test_unknown_ecosystem_lists_the_valid_ones() -> None:
    error = _error(PartnerRequest, text="x", ecosystems=("space mining",))
    assert error.field == "ecosystems"
    assert "agri_food" in str(error) and "Agri-food" in str(error)
    assert "tourism" in str(error)


def test_ecosystem_labels_are_accepted_and_deduplicated() -> None:
    request = PartnerRequest(text="x", ecosystems=("Agri-food", "agri_food", "HEALTH"))
    assert request.ecosystems == ("agri_food", "health")


def test_unknown_kind_names_kinds_and_lists_valid_ones() -> None:
    error = _error(PartnerRequest, text="x", kinds=("startup",))
    assert error.field == "kinds"
    assert "cluster" in str(error) and "university" in str(error)


def test_kinds_accept_strings_and_enum_values() -> None:
    assert PartnerRequest(text="x", kinds=("Cluster", Kind.COMPANY)).kinds == (
        Kind.CLUSTER, Kind.COMPANY,
    )


@pytest.mark.parametrize("value", [1.5, -1.01, True, "0.5"])
def test_cross_border_out_of_range_or_not_a_number_is_rejected(value: object) -> None:
    assert _error(PartnerRequest, text="x", cross_border=value).field == "cross_border"


def test_unknown_collaboration_type_names_the_field() -> None:
    assert _error(PartnerRequest, text="x", collaboration_type="merger").field == (
        "collaboration_type"
    )


def test_request_round_trips_through_json() -> None:
    request = PartnerRequest(
        text="battery recycling", title="Batteries", requester_id="org-1",
        collaboration_type=CollaborationType.TECHNOLOGY_TRANSFER, kinds=(Kind.CLUSTER,),
        countries=("DE", "EL"), exclude_countries=("FR",), ecosystems=("renewables",),
        ecosystem_filter=True, positive_ids=("a",), negative_ids=("b",), cross_border=0.5,
        sme_only=True,
    )
    data = json.loads(json.dumps(request.to_dict()))
    assert data["kinds"] == ["cluster"]
    assert data["collaboration_type"] == "technology_transfer"
    assert PartnerRequest.from_dict(data) == request


def test_request_from_dict_names_an_unknown_field() -> None:
    error = _error(PartnerRequest.from_dict, {"text": "x", "countrys": ["DE"]})
    assert error.field == "countrys"
    assert "countries" in str(error)  # the known fields are listed


def test_request_from_dict_names_a_missing_required_field() -> None:
    assert _error(PartnerRequest.from_dict, {"title": "only"}).field == "text"


# ---- Activity ---------------------------------------------------------------------------
@pytest.mark.parametrize("year", [1800, 2200, True, "2020"])
def test_bad_activity_year_names_the_field(year: object) -> None:
    error = _error(Activity, id="a", title="t", year=year)
    assert error.field == "activity.year"


def test_activity_needs_a_title_or_text() -> None:
    assert _error(Activity, id="a", title=" ", text="").field == "activity.title"


def test_activity_needs_an_id() -> None:
    assert _error(Activity, id="", title="t").field == "activity.id"


def test_activity_with_unknown_ecosystem_names_activity_ecosystems() -> None:
    assert _error(Activity, id="a", title="t", ecosystems=("moon",)).field == (
        "activity.ecosystems"
    )


def test_activity_document_and_partner_dedup() -> None:
    activity = Activity(id="a", title="Title", text="Body.", partners=("x", "x", " y ", ""))
    assert activity.document == "Title. Body"
    assert activity.partners == ("x", "y")
    assert Activity(id="a", title="Only title").document == "Only title"


# ---- Profile ----------------------------------------------------------------------------
def test_profile_requires_id_and_name() -> None:
    assert _error(Profile, id=" ", name="N").field == "id"
    assert _error(Profile, id="p", name="").field == "name"


def test_profile_unknown_country_names_country() -> None:
    error = _error(Profile, id="p", name="N", country="Germany")
    assert error.field == "country"
    assert "valid codes" in str(error)


@pytest.mark.parametrize(
    ("field", "value"), [("lat", 91.0), ("lon", -181.0), ("lat", "48.1"), ("lon", True)]
)
def test_profile_bad_coordinates_name_the_field(field: str, value: object) -> None:
    assert _error(Profile, id="p", name="N", **{field: value}).field == field


def test_profile_sme_must_be_a_bool() -> None:
    assert _error(Profile, id="p", name="N", sme="yes").field == "sme"


def test_duplicate_activity_ids_are_rejected() -> None:
    error = _error(
        Profile, id="p", name="N",
        activities=(Activity(id="a", title="one"), Activity(id="a", title="two")),
    )
    assert error.field == "activities"
    assert "'a'" in str(error)


def test_profile_accepts_activity_dicts_and_normalises_fields() -> None:
    profile = Profile(
        id="p", name="N", kind="University", country="el", ecosystems=("Health", "health"),
        lat=1, activities=({"id": "a", "title": "t", "partners": ["q"]},),
    )
    assert profile.kind is Kind.UNIVERSITY
    assert profile.country == "GR"
    assert profile.ecosystems == ("health",)
    assert profile.lat == 1.0 and isinstance(profile.lat, float)
    assert profile.activities == (Activity(id="a", title="t", partners=("q",)),)
    assert profile.n_activities == 1


def test_profile_round_trips_through_json(profiles: list[Profile]) -> None:
    for profile in profiles:
        data = json.loads(json.dumps(profile.to_dict()))
        assert isinstance(data["activities"], list) and isinstance(data["keywords"], list)
        assert Profile.from_dict(data) == profile


def test_profile_from_dict_names_an_unknown_field() -> None:
    error = _error(Profile.from_dict, {"id": "p", "name": "N", "homepage": "x"})
    assert error.field == "homepage"


def test_profile_from_dict_names_an_unknown_activity_field() -> None:
    error = _error(
        Profile.from_dict, {"id": "p", "name": "N", "activities": [{"id": "a", "when": 1}]}
    )
    assert error.field == "when"


def test_public_drops_contacts_and_fingerprint_ignores_them(profiles: list[Profile]) -> None:
    profile = next(p for p in profiles if p.contacts)
    assert profile.public().contacts == ()
    assert profile.public().fingerprint() == profile.fingerprint()


def test_fingerprint_changes_with_content() -> None:
    a = Profile(id="p", name="N", description="one")
    assert a.fingerprint() == Profile(id="p", name="N", description="one").fingerprint()
    assert a.fingerprint() != Profile(id="p", name="N", description="two").fingerprint()


def test_chunks_pack_sentences_up_to_max_chars_and_carry_the_name() -> None:
    sentence = "word " * 30  # 150 characters
    profile = Profile(id="p", name="Acme", description=". ".join([sentence.strip()] * 5))
    chunks = profile.chunks(max_chars=400)
    assert len(chunks) == 3  # 2 + 2 + 1 sentences of ~150 characters
    assert all(c.startswith("Acme: ") for c in chunks)
    assert all(len(c) <= 400 + len("Acme: ") for c in chunks)
    assert Profile(id="p", name="Acme").chunks() == []
    # keywords alone are not embedded (they reach the lexical index); with a description
    # they join its last passage
    assert Profile(id="p", name="Acme", keywords=("solar",)).chunks() == []
    assert Profile(id="p", name="Acme", description="We build panels",
                   keywords=("solar",)).chunks() == ["Acme: We build panels solar"]
