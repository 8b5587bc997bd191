from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.errors import ValidationError
from engine.profiles import PartnerRequest, Profile
from engine.sources.jsonl import load_profiles, load_requests, write_profiles


def lines(path: Path, *rows: object) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
        encoding="utf-8",
    )
    return path


def error(fn, path: Path) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        fn(path)
    return info.value


def test_a_good_file_loads_skipping_blanks_and_comments(tmp_path: Path) -> None:
    path = lines(
        tmp_path / "profiles.jsonl",
        "// self-described cluster profiles",
        {"id": "c1", "name": "Klaster ICT", "kind": "cluster", "country": "PL",
         "ecosystems": ["Digital"], "activities": [{"id": "a", "title": "AI tools"}]},
        "",
        {"id": "c2", "name": "Pôle Mer", "country": "EL"},
    )
    profiles = load_profiles(path)
    assert [p.id for p in profiles] == ["c1", "c2"]
    assert profiles[0].ecosystems == ("digital",)
    assert profiles[0].activities[0].title == "AI tools"
    assert profiles[1].name == "Pôle Mer" and profiles[1].country == "GR"


def test_write_then_load_round_trips(tmp_path: Path, profiles: list[Profile]) -> None:
    path = tmp_path / "out.jsonl"
    write_profiles(path, profiles)
    assert load_profiles(path) == profiles
    assert len(path.read_text(encoding="utf-8").splitlines()) == len(profiles)


def test_invalid_json_gives_file_and_line(tmp_path: Path) -> None:
    path = lines(tmp_path / "p.jsonl", {"id": "a", "name": "A"}, '{"id": "b", "name": }')
    e = error(load_profiles, path)
    assert f"{path}:2" in str(e)
    assert "invalid JSON" in str(e)


def test_a_line_that_is_not_an_object(tmp_path: Path) -> None:
    path = lines(tmp_path / "p.jsonl", "// comment", '["id", "a"]')
    assert f"{path}:2" in str(error(load_profiles, path))


def test_unknown_field_gives_file_line_and_field(tmp_path: Path) -> None:
    path = lines(tmp_path / "p.jsonl", {"id": "a", "name": "A"}, "",
                 {"id": "b", "name": "B", "homepage": "x"})
    e = error(load_profiles, path)
    assert e.field == "homepage"
    assert str(e).startswith(f"{path}:3: ")
    assert "homepage" in str(e)


def test_bad_country_gives_file_line_and_field(tmp_path: Path) -> None:
    path = lines(tmp_path / "p.jsonl", {"id": "a", "name": "A", "country": "Deutschland"})
    e = error(load_profiles, path)
    assert e.field == "country"
    assert f"{path}:1" in str(e) and "country" in str(e) and "DE" in str(e)


def test_bad_nested_activity_year_gives_file_line_and_field(tmp_path: Path) -> None:
    path = lines(tmp_path / "p.jsonl", {"id": "a", "name": "A",
                                        "activities": [{"id": "x", "title": "t", "year": 1066}]})
    e = error(load_profiles, path)
    assert e.field == "activity.year"
    assert f"{path}:1" in str(e)


def test_a_missing_name_is_named(tmp_path: Path) -> None:
    e = error(load_profiles, lines(tmp_path / "p.jsonl", {"id": "a"}))
    assert e.field == "name"


def test_duplicate_ids_name_both_lines(tmp_path: Path) -> None:
    path = lines(tmp_path / "p.jsonl", {"id": "a", "name": "A"}, {"id": "b", "name": "B"},
                 {"id": "a", "name": "A again"})
    e = error(load_profiles, path)
    assert e.field == "id"
    assert f"{path}:3" in str(e) and f"{path}:1" in str(e)
    assert "'a'" in str(e)


def test_requests_load_with_their_ids(tmp_path: Path) -> None:
    path = lines(
        tmp_path / "requests.jsonl",
        {"id": "r1", "text": "battery recycling", "countries": ["UK"], "kinds": ["cluster"]},
        {"id": 2, "text": "solar", "ecosystems": ["renewables"], "ecosystem_filter": True},
    )
    requests = load_requests(path)
    assert [rid for rid, _ in requests] == ["r1", "2"]
    assert requests[0][1] == PartnerRequest(text="battery recycling", countries=("GB",),
                                            kinds=("cluster",))
    assert requests[1][1].ecosystem_filter


def test_request_errors_give_file_line_and_field(tmp_path: Path) -> None:
    e = error(load_requests, lines(tmp_path / "r.jsonl", {"text": "no id"}))
    assert e.field == "id" and "r.jsonl:1" in str(e)
    e = error(load_requests, lines(tmp_path / "r.jsonl", {"id": "r", "text": "  "}))
    assert e.field == "text" and "r.jsonl:1" in str(e)
    e = error(load_requests, lines(tmp_path / "r.jsonl", {"id": "r", "text": "x"},
                                   {"id": "s", "text": "x", "countries": ["XX"]}))
    assert e.field == "countries" and "r.jsonl:2" in str(e)
