"""``partner-search event plan``: the slot spec and the participants sheet (errors name the
line and field), resolving names, and one run of the command end to end on the small
corpus with the hash encoder (never the real model)."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from engine import cli, cli_args, event_plan
from engine.embed import HashEncoder
from engine.errors import EngineError, ValidationError
from engine.event_match import KEPT, MIN_VALUE
from engine.event_sheet import (
    Row,
    parse_slots,
    read_participants,
    read_slots,
    resolve,
    slug,
)
from engine.profiles import Profile
from engine.recommender import Recommender
from tests.conftest import make_profiles

HEADER = "profile_id,name,country,offer,seek,available,max_meetings,must_meet,avoid\n"


# ---- slots ------------------------------------------------------------------------------
def test_a_compact_spec_gives_back_to_back_slots() -> None:
    slots = parse_slots("2026-03-10T09:00/20m*8")
    assert len(slots) == 8
    assert slots[0] == (datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
                        datetime(2026, 3, 10, 9, 20, tzinfo=UTC))
    assert slots[-1][1] == datetime(2026, 3, 10, 11, 40, tzinfo=UTC)
    assert all(a[1] == b[0] for a, b in zip(slots, slots[1:], strict=False))


def test_specs_and_intervals_combine_and_naive_times_take_the_time_zone() -> None:
    brussels = ZoneInfo("Europe/Brussels")
    slots = parse_slots("2026-03-10T09:00/1h30m*2, 2026-03-10T14:00/2026-03-10T14:45,"
                        "2026-03-10T15:00+00:00/15min", brussels)
    assert len(slots) == 4
    assert slots[1] == (datetime(2026, 3, 10, 10, 30, tzinfo=brussels),
                        datetime(2026, 3, 10, 12, 0, tzinfo=brussels))
    assert slots[2][1] - slots[2][0] == timedelta(minutes=45)
    assert slots[3][0].utcoffset() == timedelta(0)  # an explicit offset is kept
    assert slots[3][1] - slots[3][0] == timedelta(minutes=15)


@pytest.mark.parametrize(("spec", "message"), [
    ("2026-03-10T10:00/2026-03-10T09:00", "slot 1 .* does not end after it starts"),
    ("2026-03-10T09:00/2026-03-10T09:00", "does not end after it starts"),
    ("2026-03-10T09:00/30m*2,2026-03-10T09:45/2026-03-10T10:15",
     "slot 3 starts at .*before slot 2 ends"),
    ("2026-03-10T11:00/20m,2026-03-10T09:00/20m", "slot 2 .*time order"),
    ("2026-03-10T09:00", "START/END or START/LENGTH"),
    ("2026-03-10T09:00/20x*3", "LENGTH\\*COUNT"),
    ("2026-03-10T09:00/tomorrow", "'tomorrow' is not an ISO date"),
    ("2026-03-10T09:00/20m*0", "LENGTH\\*COUNT"),
    ("2026-03-10T09:00/20m*many", "LENGTH\\*COUNT"),
    ("10 March/20m*2", "'10 March' is not an ISO date"),
])
def test_bad_slot_specs_are_rejected_clearly(spec: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_slots(spec)


def test_slots_from_a_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "slots.csv"
    path.write_text("start,end\n2026-03-10T09:00,2026-03-10T09:30\n"
                    "2026-03-10T11:00+01:00,2026-03-10T11:30+01:00\n", encoding="utf-8")
    slots = read_slots(str(path))
    assert slots[0][0] == datetime(2026, 3, 10, 9, tzinfo=UTC)
    assert slots[1][0].utcoffset() == timedelta(hours=1)
    path.write_text("2026-03-10T09:30,2026-03-10T09:00\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="slot 1"):
        read_slots(str(path))


# ---- the participants sheet -------------------------------------------------------------
SHEET = HEADER + (
    "de-cluster,,,Battery cluster,solar partners,1-2;4,3,,\n"
    ",Nova Labs,PL,Software for batteries,\"battery makers, clusters\",,,Bavarian Battery "
    "Cluster,\n"
    ",Terra Oy,fi,Soil sensors,farming research,3,,,nova labs\n"
)


def test_a_valid_sheet_is_read() -> None:
    rows = read_participants(SHEET, 4, source="p.csv")
    assert [r.line for r in rows] == [2, 3, 4]
    assert rows[0].available == frozenset({0, 1, 3}) and rows[0].max_meetings == 3
    assert rows[1].available == frozenset(range(4)) and rows[1].max_meetings is None
    assert rows[1].seek == "battery makers, clusters"
    assert rows[1].must_meet == ("Bavarian Battery Cluster",)
    assert rows[2].country == "FI" and rows[2].avoid == ("nova labs",)


def test_a_semicolon_sheet_from_excel_is_read() -> None:
    text = "name;seek;available\nNova Labs;battery makers;\"1;3\"\n"
    rows = read_participants(text, 4)
    assert rows[0].name == "Nova Labs" and rows[0].available == frozenset({0, 2})


@pytest.mark.parametrize(("line", "field", "message"), [
    (",Nova,PL,x,y,0-2,,,", "available", "'0-2' is not within slots 1 to 4"),
    (",Nova,PL,x,y,5,,,", "available", "'5' is not within slots 1 to 4"),
    (",Nova,PL,x,y,3-1,,,", "available", "'3-1'"),
    (",Nova,PL,x,y,one,,,", "available", "'one' is not a slot number"),
    (",Nova,PL,x,y,,two,,", "max_meetings", "'two' is not a positive number"),
    (",Nova,PL,x,y,,0,,", "max_meetings", "'0'"),
    (",Nova,PL,x,,,,,", "seek", "is empty"),
    (",,PL,x,y,,,,", "name", "is empty"),
    (",Nova,XX,x,y,,,,", "country", "unknown country code 'XX'"),
    (",Nova,PL,x,y,,,,,extra", "columns", "more cells than the header"),
])
def test_a_malformed_row_names_its_line_and_field(line: str, field: str, message: str) -> None:
    text = HEADER + ",Good Row,DE,offer,seek,,,,\n" + line + "\n"
    with pytest.raises(ValidationError, match=message) as caught:
        read_participants(text, 4, source="people.csv")
    assert str(caught.value).startswith("people.csv line 3: ")
    assert caught.value.field == field


def test_unknown_or_missing_columns_are_named() -> None:
    with pytest.raises(ValidationError, match="unknown column.*avaliable") as caught:
        read_participants("name,seek,avaliable\nNova,y,1\n", 4, source="p.csv")
    assert str(caught.value).startswith("p.csv line 1")
    with pytest.raises(ValidationError, match="missing column.*seek"):
        read_participants("name,offer\nNova,x\n", 4)
    with pytest.raises(ValidationError, match="no participant"):
        read_participants(HEADER, 4)


# ---- who they are -----------------------------------------------------------------------
def lookup_in(profiles: list[Profile]) -> Callable[[str], Profile | None]:
    return {p.id: p for p in profiles}.get


def test_resolve_finds_index_profiles_and_creates_new_ones() -> None:
    rows = read_participants(SHEET, 4)
    entrants = resolve(rows, lookup_in(make_profiles()), max_meetings=2)
    battery, nova, terra = entrants
    assert battery.id == "de-cluster" and battery.name == "Bavarian Battery Cluster"
    assert battery.country == "DE" and battery.new is None and battery.max_meetings == 3
    assert nova.id == "event-nova-labs" and nova.new is not None and nova.max_meetings == 2
    assert nova.new.description == "Software for batteries" and nova.new.country == "PL"
    assert nova.must_meet == frozenset({"de-cluster"})  # by name, case as in the index
    assert terra.avoid == frozenset({"event-nova-labs"})  # by name, any case


def test_a_new_id_never_takes_an_index_id() -> None:
    taken = [*make_profiles(), Profile(id="event-nova-labs", name="Old Nova")]
    rows = read_participants(HEADER + ",Nova Labs,PL,x,y,,,,\n", 4)
    assert resolve(rows, lookup_in(taken), 2)[0].id == "event-nova-labs-2"


def row(line: int, name: str, *, pid: str = "", must: tuple[str, ...] = (),
        avoid: tuple[str, ...] = ()) -> Row:
    return Row(line, pid, name, "", "offer", "seek", frozenset({0}), None, must, avoid)


@pytest.mark.parametrize(("rows", "line", "field", "message"), [
    ([row(2, "A"), row(3, "B", must=("Nobody",))], 3, "must_meet", "'Nobody' is no participant"),
    ([row(2, "A"), row(3, "A"), row(4, "C", avoid=("a",))], 4, "avoid", "names two"),
    ([row(2, "A", must=("A",))], 2, "must_meet", "itself"),
    ([row(2, "A", pid="x"), row(3, "B", pid="x")], 3, "profile_id", "already the participant"
     " of line 2"),
    ([row(2, "A"), row(3, "B", must=("A",), avoid=("A",))], 3, "avoid", "must meet"),
])
def test_resolve_errors_name_the_line(rows: list[Row], line: int, field: str,
                                      message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        resolve(rows, lambda _: None, 2, source="p.csv")
    assert str(caught.value).startswith(f"p.csv line {line}: field {field!r}")


def test_slug_is_ascii_and_file_safe() -> None:
    assert slug("Śląski Klaster Łódź") == "slaski-klaster-lodz"
    assert slug("Kempen Sensor & Zorgtech Cluster") == "kempen-sensor-zorgtech-cluster"
    assert slug("../..") == ""


# ---- the command, end to end ------------------------------------------------------------
PARTICIPANTS = HEADER + (
    "de-cluster,,,Battery makers and energy storage know-how,solar parks and car makers,,,"
    "Auto Teile GmbH,\n"
    "es-solar,,,Solar parks with battery storage,battery cells and storage systems,1-3,,,\n"
    "de-auto,,,Electric vehicle battery packs,battery cluster and storage research,,,,\n"
    "pl-klaster,,,Artificial intelligence software,soil sensor and farming data,,1,,\n"
    "it-agri,,,Soil health research and crop trials,software for soil sensor data,,,,"
    "Solar Iberia SL\n"
    ",Nova Labs,PL,Battery management software for storage systems,"
    "battery makers and solar parks,2-4,,,\n"
)


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small corpus saved as an index; the commands load it with the hash encoder."""
    monkeypatch.setattr(cli_args, "encoder", lambda args: HashEncoder(dim=32))
    monkeypatch.setattr(cli_args, "multilingual", lambda args: None)
    folder = tmp_path / "index"
    Recommender(HashEncoder(dim=32)).fit(make_profiles()).save(folder)
    return folder


def run_plan(tmp_path: Path, index: Path, sheet: str, *extra: str) -> int:
    path = tmp_path / "participants.csv"
    path.write_text(sheet, encoding="utf-8")
    return cli.main(["event", "plan", "--participants", str(path), "--slots",
                     "2026-03-10T09:00/20m*4", "--tables", "2", "--max-meetings", "2",
                     "--out", str(tmp_path / "plan"), "--index", str(index), "--data",
                     str(tmp_path), "--cache", str(tmp_path / "cache"), "--title",
                     "Battery Days", *extra])


def test_the_command_plans_an_event(tmp_path: Path, index: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    before = {p.name: p.read_bytes() for p in index.iterdir() if p.is_file()}
    assert run_plan(tmp_path, index, PARTICIPANTS) == 0
    out = capsys.readouterr().out
    plan = tmp_path / "plan"
    rows = list(csv.DictReader(io.StringIO((plan / "schedule.csv").read_text("utf-8"))))
    assert f"{len(rows)} meetings for 6 participants (1 not in the index" in out
    assert str(plan) in out
    pairs = {frozenset((r["a_id"], r["b_id"])) for r in rows}
    assert frozenset(("de-cluster", "de-auto")) in pairs  # must meet
    assert frozenset(("it-agri", "es-solar")) not in pairs  # avoid
    seats = [(r["slot"], r["table"]) for r in rows]
    assert len(seats) == len(set(seats)) and {r["table"] for r in rows} <= {"1", "2"}
    per_slot = [(r["slot"], who) for r in rows for who in (r["a_id"], r["b_id"])]
    assert len(per_slot) == len(set(per_slot))  # nobody twice in a slot
    overview = json.loads((plan / "overview.json").read_text("utf-8"))
    assert overview["meetings"] == len(rows) and overview["solver"]["status"] == "optimal"
    people = {p["id"]: p for p in overview["participant_list"]}
    assert people["pl-klaster"]["meetings"] <= 1 and people["event-nova-labs"]["new_profile"]
    assert all(p["meetings"] <= 2 for p in people.values())
    for person in people.values():
        agenda = json.loads((plan / person["agenda"]).read_text("utf-8"))
        assert len(agenda["meetings"]) == person["meetings"]
        assert all(m["reasons"].startswith(("For what", "On a must-meet"))
                   for m in agenda["meetings"])
        ics = Calendar.from_ical((plan / person["agenda"]).with_suffix(".ics").read_bytes())
        assert len(ics.walk("VEVENT")) == person["meetings"]
    nova = json.loads((plan / "agendas" / "nova-labs.json").read_text("utf-8"))
    assert all(m["slot"] in (1, 2, 3) for m in nova["meetings"])  # available 2-4
    suggestions = list(csv.DictReader(io.StringIO((plan / "suggestions.csv").read_text("utf-8"))))
    assert {s["participant_id"] for s in suggestions} == set(people)
    assert not any(s["participant_id"] == "it-agri" and s["partner_id"] == "es-solar"
                   for s in suggestions)
    # the new profile lived in memory only: the index on disk is untouched
    assert before == {p.name: p.read_bytes() for p in index.iterdir() if p.is_file()}


def test_a_re_run_replaces_the_plan_and_min_score_drops_weak_pairs(
        tmp_path: Path, index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_plan(tmp_path, index, PARTICIPANTS) == 0
    schedule = tmp_path / "plan" / "schedule.csv"
    every = list(csv.DictReader(io.StringIO(schedule.read_text("utf-8"))))
    assert run_plan(tmp_path, index, PARTICIPANTS, "--min-score", "0.8") == 0
    rows = list(csv.DictReader(io.StringIO(schedule.read_text("utf-8"))))
    assert 0 < len(rows) <= len(every)
    # under the floor: a must-meet pair, or one of a side's best (engine.event_match.KEPT)
    suggested = list(csv.DictReader(io.StringIO(
        (tmp_path / "plan" / "suggestions.csv").read_text("utf-8"))))
    best = {frozenset((s["participant_id"], s["partner_id"])) for s in suggested
            if int(s["rank"]) <= KEPT + 1}  # a must-meet partner is listed first
    weak = [r for r in rows if r["origin"] != "must_meet" and float(r["score"]) < 0.8]
    assert all(frozenset((r["a_id"], r["b_id"])) in best for r in weak)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan")] == []


def test_a_bad_sheet_writes_nothing(tmp_path: Path, index: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    sheet = PARTICIPANTS + ",Broken Row,DE,x,y,9,,,\n"
    assert run_plan(tmp_path, index, sheet) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: participants.csv line 8: field 'available'")
    assert not (tmp_path / "plan").exists()


def test_a_failed_write_leaves_the_previous_plan(tmp_path: Path, index: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run_plan(tmp_path, index, PARTICIPANTS) == 0
    previous = (tmp_path / "plan" / "schedule.csv").read_text("utf-8")

    def broken(*args: object, **kwargs: object) -> bytes:
        raise EngineError("disk full")

    monkeypatch.setattr(event_plan, "to_ics", broken)
    assert run_plan(tmp_path, index, PARTICIPANTS, "--max-meetings", "1") == 2
    assert (tmp_path / "plan" / "schedule.csv").read_text("utf-8") == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["index", "participants.csv", "plan"])


def test_the_command_refuses_a_folder_that_is_not_a_plan(tmp_path: Path, index: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "thesis.tex").write_text("keep me", encoding="utf-8")
    assert run_plan(tmp_path, index, PARTICIPANTS) == 2
    assert "not a plan folder" in capsys.readouterr().err
    assert (tmp_path / "plan" / "thesis.tex").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(("argv", "message"), [
    (["--tables", "2", "--virtual"], "not allowed with"),
    ([], "one of the arguments --tables --virtual is required"),
    (["--tables", "0"], "not a positive whole number"),
    (["--virtual", "--time-limit", "-1"], "not a positive number of seconds"),
    (["--virtual", "--min-score", "2"], "not a score from 0 to 1"),
])
def test_argument_errors_are_usage_errors(argv: list[str], message: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.build_parser().parse_args(["event", "plan", "--participants", "p.csv", "--slots",
                                       "2026-03-10T09:00/20m*2", "--out", "o", *argv])
    assert caught.value.code == 2 and message in capsys.readouterr().err


def test_arguments_parse_into_the_plan_options() -> None:
    args = cli.build_parser().parse_args([
        "event", "plan", "--participants", "p.csv", "--slots", "2026-03-10T09:00/20m*2",
        "--virtual", "--out", "o", "--time-limit", "2.5", "--timezone", "Europe/Warsaw"])
    assert isinstance(args, argparse.Namespace)
    assert args.virtual and args.tables is None and args.time_limit == 2.5
    assert args.max_meetings is None and args.min_score == MIN_VALUE and args.title
    assert args.func.__name__ == "cmd_plan"


def test_an_unknown_time_zone_is_one_line(tmp_path: Path, index: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert run_plan(tmp_path, index, PARTICIPANTS, "--timezone", "Mars/Olympus") == 2
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().err


def test_offsets_survive_into_the_agenda(tmp_path: Path, index: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run_plan(tmp_path, index, PARTICIPANTS, "--timezone", "Europe/Warsaw") == 0
    agenda = json.loads((tmp_path / "plan/agendas/bavarian-battery-cluster.json")
                        .read_text("utf-8"))
    first = datetime.fromisoformat(agenda["meetings"][0]["start"])
    assert first.utcoffset() == timezone(timedelta(hours=1)).utcoffset(None)
