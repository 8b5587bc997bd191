from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from engine.embed import HashEncoder
from engine.errors import ValidationError
from engine.profiles import Profile
from engine.recommender import Recommender
from engine.sources.cordis import load_cordis, read_participants, read_projects
from engine.taxonomy import Kind

if TYPE_CHECKING:
    from conftest import CordisFiles  # the fixture's type (tests/conftest.py)

CUTOFF = date(2024, 1, 1)
LATE_PROJECT = "101000004"
LATE_ORG = "999000099"


def write(cordis: CordisFiles, folder: Path, suffix: str = ".csv.gz") -> tuple[Path, Path]:
    return (
        cordis.write_projects(folder / f"projects{suffix}"),
        cordis.write_participants(folder / f"participants{suffix}"),
    )


def by_id(profiles: list[Profile]) -> dict[str, Profile]:
    return {p.id: p for p in profiles}


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv"])
def test_loads_gzip_and_plain_csv(tmp_path: Path, cordis: CordisFiles, suffix: str) -> None:
    profiles = by_id(load_cordis(*write(cordis, tmp_path, suffix)))
    assert set(profiles) == {
        "999000001", "999000002", "999000003", "999000004", "999000005", LATE_ORG
    }
    assert all(p.source == "cordis" for p in profiles.values())


def test_profile_fields_come_from_the_rows(tmp_path: Path, cordis: CordisFiles) -> None:
    profiles = by_id(load_cordis(*write(cordis, tmp_path), cutoff=CUTOFF))
    cluster = profiles["999000001"]
    assert cluster.name == "BATTERY CLUSTER EV"
    assert cluster.kind is Kind.CLUSTER  # PRC, but the name says cluster
    assert (cluster.country, cluster.city, cluster.region) == ("DE", "Munich", "DE21")
    assert (cluster.lat, cluster.lon) == (48.1, 11.5)
    assert cluster.keywords == ("batteries", "energy storage")
    assert "renewables" in cluster.ecosystems
    assert profiles["999000003"].country == "GR"  # CORDIS EL
    assert profiles["999000004"].country == "GB"  # CORDIS UK
    assert profiles["999000003"].sme and not profiles["999000002"].sme
    assert profiles["999000002"].kind is Kind.UNIVERSITY
    assert profiles["999000004"].kind is Kind.RESEARCH
    assert profiles["999000005"].kind is Kind.CLUSTER  # "KLASTER", activity type OTH
    assert profiles["999000003"].kind is Kind.COMPANY


def test_activities_are_projects_oldest_first_with_partners_and_roles(
    tmp_path: Path, cordis: CordisFiles
) -> None:
    university = by_id(load_cordis(*write(cordis, tmp_path), cutoff=CUTOFF))["999000002"]
    first, second = university.activities
    assert (first.id, first.year, first.role) == ("101000001", 2021, "participant")
    assert (second.id, second.year, second.role) == ("101000002", 2022, "coordinator")
    assert first.title == "Solid state battery storage for the grid"
    assert first.text.startswith("We develop solid state battery cells")
    assert first.partners == ("999000001", "999000003")
    assert second.partners == ("999000004",)
    assert "health" in second.ecosystems


def test_an_organisation_listed_twice_in_a_project_has_one_activity(
    tmp_path: Path, cordis: CordisFiles
) -> None:
    cordis.participants.append({**cordis.participants[0], "role": "participant"})
    cluster = by_id(load_cordis(*write(cordis, tmp_path), cutoff=CUTOFF))["999000001"]
    assert [a.id for a in cluster.activities] == ["101000001"]
    assert cluster.activities[0].role == "coordinator"


def test_out_of_range_geolocation_is_dropped(tmp_path: Path, cordis: CordisFiles) -> None:
    cordis.participants[0]["geolocation"] = "148.1,11.5"
    rows = read_participants(cordis.write_participants(tmp_path / "p.csv"))
    assert (rows[0].lat, rows[0].lon) == (None, None)


# ---- malformed input: file:line and the field ----------------------------------------------
def _check(error: ValidationError, path: Path, line: int, field: str) -> None:
    assert error.field == field
    assert f"{path}:{line}" in str(error)
    assert field in str(error)


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv"])
def test_bad_start_date(tmp_path: Path, cordis: CordisFiles, suffix: str) -> None:
    cordis.projects[2]["start_date"] = "2023-13-45"
    path = cordis.write_projects(tmp_path / f"projects{suffix}")
    with pytest.raises(ValidationError) as info:
        read_projects(path)
    _check(info.value, path, 4, "start_date")  # header, then rows on lines 2, 3, 4


@pytest.mark.parametrize(
    ("row", "field", "value"),
    [
        (1, "org_pic", ""),
        (4, "org_pic", "  "),
        (2, "geolocation", "north,east"),
        (2, "geolocation", "1.0,2.0,3.0"),
        (3, "country", "XX"),
        (0, "legal_name", ""),
        (5, "role", ""),
    ],
)
def test_bad_participant_values(
    tmp_path: Path, cordis: CordisFiles, row: int, field: str, value: str
) -> None:
    cordis.participants[row][field] = value
    projects, participants = write(cordis, tmp_path)
    with pytest.raises(ValidationError) as info:
        load_cordis(projects, participants)
    _check(info.value, participants, row + 2, field)


def test_a_row_with_too_many_fields(tmp_path: Path, cordis: CordisFiles) -> None:
    values = [cordis.participants[0].get(c, "") for c in cordis.participant_columns]
    line = ",".join([*values[:10], "48.1", "11.5", *values[11:]]) + "\n"  # unquoted comma
    path = cordis.write_participants(tmp_path / "p.csv", cordis.participants[:3], raw_lines=line)
    with pytest.raises(ValidationError) as info:
        read_participants(path)
    _check(info.value, path, 5, cordis.participant_columns[-1])
    assert "14 fields" in str(info.value) and "13" in str(info.value)


def test_a_row_with_too_few_fields(tmp_path: Path, cordis: CordisFiles) -> None:
    line = "101000001,999000007,SHORT ROW LTD,,PRC,participant,false\n"  # stops after sme
    path = cordis.write_participants(tmp_path / "p.csv", cordis.participants[:2], raw_lines=line)
    with pytest.raises(ValidationError) as info:
        read_participants(path)
    _check(info.value, path, 4, "country")
    assert "7 fields" in str(info.value)


@pytest.mark.parametrize("missing", ["org_pic", "country"])
def test_a_missing_column(tmp_path: Path, cordis: CordisFiles, missing: str) -> None:
    columns = [c for c in cordis.participant_columns if c != missing]
    path = cordis.write_participants(tmp_path / "p.csv.gz", columns=columns)
    with pytest.raises(ValidationError) as info:
        read_participants(path)
    _check(info.value, path, 1, missing)


def test_a_missing_project_column(tmp_path: Path, cordis: CordisFiles) -> None:
    columns = [c for c in cordis.project_columns if c != "start_date"]
    path = cordis.write_projects(tmp_path / "projects.csv", columns=columns)
    with pytest.raises(ValidationError) as info:
        read_projects(path)
    _check(info.value, path, 1, "start_date")


def test_line_numbers_count_multi_line_fields(tmp_path: Path, cordis: CordisFiles) -> None:
    cordis.projects[0]["objective"] = "First line.\nSecond line.\nThird line."
    cordis.projects[1]["start_date"] = "not a date"
    path = cordis.write_projects(tmp_path / "projects.csv")
    with pytest.raises(ValidationError) as info:
        read_projects(path)
    _check(info.value, path, 5, "start_date")  # row 1 spans lines 2-4


# ---- the cut-off ------------------------------------------------------------------------
def _leaks(profiles: list[Profile]) -> list[str]:
    """Every trace of the post-cut-off project P4 found in ``profiles``."""
    blob = json.dumps([p.to_dict() for p in profiles]).lower()
    found = [word for word in ("zorblax", "renamed leaked name", "future only", "tourism",
                               LATE_PROJECT, LATE_ORG) if word in blob]
    cluster = by_id(profiles)["999000001"]
    if (cluster.country, cluster.sme, cluster.lat) != ("DE", False, 48.1):
        found.append("999000001's country, SME flag or location from P4")
    return found


@pytest.mark.parametrize("cutoff", [CUTOFF, date(2024, 3, 1)])  # 2024-03-01: P4's start day
def test_nothing_from_a_project_on_or_after_the_cutoff_reaches_a_profile(
    tmp_path: Path, cordis: CordisFiles, cutoff: date
) -> None:
    paths = write(cordis, tmp_path)
    everything = load_cordis(*paths)
    assert len(_leaks(everything)) >= 6  # without a cut-off P4 is everywhere: the test can fail

    profiles = load_cordis(*paths, cutoff=cutoff)
    assert _leaks(profiles) == []
    assert LATE_ORG not in by_id(profiles)
    for profile in profiles:
        assert all(a.year is not None and a.year < 2024 for a in profile.activities)
        assert all(LATE_ORG not in a.partners for a in profile.activities)
    counts = {p.id: p.n_activities for p in profiles}
    assert counts == {"999000001": 1, "999000002": 2, "999000003": 2, "999000004": 2,
                      "999000005": 1}
    assert by_id(profiles)["999000001"].name == "BATTERY CLUSTER EV"
    assert by_id(everything)["999000001"].name == "RENAMED LEAKED NAME"


def test_nothing_after_the_cutoff_reaches_the_lexical_vocabulary(
    tmp_path: Path, cordis: CordisFiles
) -> None:
    paths = write(cordis, tmp_path)
    encoder = HashEncoder(dim=32)
    control = Recommender(encoder).fit(load_cordis(*paths))
    assert control.lexical_scores("zorblax tourism").max() > 0  # the words are indexable

    recommender = Recommender(encoder).fit(load_cordis(*paths, cutoff=CUTOFF))
    assert recommender.lexical_scores("zorblax").max() == 0.0
    assert recommender.lexical_scores("tourism").max() == 0.0
    assert recommender.lexical_scores("cancer diagnostics").max() > 0
    assert int(recommender.activity_counts().sum()) == 8
    assert int(control.activity_counts().sum()) == 11


def test_a_cutoff_on_a_start_day_excludes_that_project(
    tmp_path: Path, cordis: CordisFiles
) -> None:
    projects = read_projects(cordis.write_projects(tmp_path / "p.csv"), date(2023, 1, 15))
    assert set(projects) == {"101000001", "101000002"}
    projects = read_projects(tmp_path / "p.csv", date(2023, 1, 16))
    assert "101000003" in projects
