from __future__ import annotations

import pytest

from engine.errors import ValidationError
from engine.taxonomy import (
    ECOSYSTEMS,
    Kind,
    dominant_ecosystems,
    ecosystems_in_text,
    kind_from_cordis,
    normalize_country,
    normalize_ecosystem,
    normalize_kind,
)


@pytest.mark.parametrize(
    "name",
    [
        "Bavarian Battery Cluster e.V.",
        "Klaster Technologii Informacyjnych",  # Polish, Slovak, Czech
        "Pannon Autóipari Klaszter",  # Hungarian
        "Clúster de la Energía de Extremadura",  # Spanish
        "CLUSTER DE LA ENERGIA",
        "Pôle de compétitivité Mer Méditerranée",  # French
        "POLE DE COMPETITIVITE S2E2",
        "Distretto Tecnologico Aerospaziale della Campania",  # Italian
        "Clusterul Regional Inovativ",  # Romanian
        "Lifescience Klynge Danmark",  # Danish
    ],
)
def test_cluster_names_make_clusters_across_languages(name: str) -> None:
    for activity_type in ("PRC", "OTH", "PUB", ""):
        assert kind_from_cordis(activity_type, name) is Kind.CLUSTER


@pytest.mark.parametrize(
    ("activity_type", "kind"), [("HES", Kind.UNIVERSITY), ("REC", Kind.RESEARCH)]
)
def test_universities_and_research_bodies_named_cluster_are_not_clusters(
    activity_type: str, kind: Kind
) -> None:
    assert kind_from_cordis(activity_type, "Excellence Cluster for Quantum Science") is kind
    assert kind_from_cordis(activity_type.lower(), "Klaszter Kutatóintézet") is kind


@pytest.mark.parametrize(
    ("activity_type", "kind"),
    [("PRC", Kind.COMPANY), ("PUB", Kind.PUBLIC), ("OTH", Kind.OTHER), ("", Kind.OTHER)],
)
def test_kind_from_activity_type_without_cluster_name(activity_type: str, kind: Kind) -> None:
    assert kind_from_cordis(activity_type, "Siemens AG") is kind


@pytest.mark.parametrize("name", ["Clusterix Software GmbH", "Polestar AB", "Distrettuale"])
def test_words_that_only_start_like_cluster_are_not_clusters(name: str) -> None:
    assert kind_from_cordis("PRC", name) is Kind.COMPANY


@pytest.mark.parametrize(
    ("text", "ecosystem"),
    [
        ("solar photovoltaic modules and energy storage", "renewables"),
        ("early cancer diagnosis in hospitals", "health"),
        ("soil health and crop yields", "agri_food"),
        ("satellite earth observation", "aerospace_defence"),
        ("machine learning software", "digital"),
        ("electric vehicle charging and logistics", "mobility"),
        ("sustainable tourism destinations", "tourism"),
        ("recycled textile fibres for fashion", "textiles"),
    ],
)
def test_ecosystems_are_mapped_from_text(text: str, ecosystem: str) -> None:
    assert ecosystem in ecosystems_in_text(text)


def test_ecosystem_terms_match_word_starts_only() -> None:
    assert "aerospace_defence" not in ecosystems_in_text("a shared workspace for startups")
    assert "aerospace_defence" in ecosystems_in_text("Space weather")
    assert ecosystems_in_text("") == set()


def test_dominant_ecosystems_keep_frequent_ones_most_frequent_first() -> None:
    per_activity = [
        {"health"}, {"health", "digital"}, {"health"}, {"digital"}, {"tourism"},
        {"health"}, {"health"}, {"digital"}, {"health"}, {"health"},
    ]
    # health 7/10, digital 3/10, tourism 1/10 (< 0.2: dropped)
    assert dominant_ecosystems(per_activity) == ("health", "digital")
    assert dominant_ecosystems([{"tourism"}, set(), set(), set(), set(), set()]) == ("tourism",)
    assert dominant_ecosystems([]) == ()
    many = [{eco} for eco in ECOSYSTEMS]
    assert len(dominant_ecosystems(many, min_share=0.0, limit=4)) == 4


def test_normalize_country_accepts_cordis_codes_and_reports_the_source() -> None:
    assert normalize_country("EL") == "GR"
    assert normalize_country("uk") == "GB"
    assert normalize_country(" fr ") == "FR"
    with pytest.raises(ValidationError) as info:
        normalize_country("QQ", field="country", source="file.csv:7")
    assert str(info.value).startswith("file.csv:7: ")
    assert info.value.field == "country"
    assert "valid codes" in str(info.value) and "DE" in str(info.value)


def test_normalize_ecosystem_accepts_ids_and_labels() -> None:
    assert normalize_ecosystem("digital") == "digital"
    assert normalize_ecosystem("Energy – renewables") == "renewables"
    assert normalize_ecosystem("AGRI-FOOD") == "agri_food"
    with pytest.raises(ValidationError) as info:
        normalize_ecosystem("biotech")
    assert all(eco in str(info.value) for eco in ECOSYSTEMS)


def test_normalize_kind_lists_valid_kinds() -> None:
    assert normalize_kind(" Cluster ") is Kind.CLUSTER
    with pytest.raises(ValidationError) as info:
        normalize_kind("ngo")
    assert all(kind.value in str(info.value) for kind in Kind)
