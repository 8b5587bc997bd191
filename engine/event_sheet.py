"""The organiser's spreadsheet inputs to ``partner-search event plan`` (issue 18): the event's
slots and the participants sheet, read and checked before anything is computed, so that a
bad cell stops the run with its line and column named and nothing written.

Slots come as a CSV file (``start,end`` rows) or a spec: comma-separated items, each
``START/LENGTH*COUNT`` (``2026-03-10T09:00/20m*8``: eight 20-minute slots) or
``START/END``. Times without an offset are in the event's time zone.

The participants sheet has a header row; its columns are :data:`COLUMNS` (``name`` and
``seek`` required). ``available`` lists slot numbers from 1 (``1-4;7``; empty: every slot);
``must_meet`` and ``avoid`` list other participants by id or exact name (``;``-separated).
Spreadsheets saved with ``;`` as the separator (common in German and Polish Excel) are read
too.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from engine.errors import ValidationError
from engine.profiles import Profile
from engine.taxonomy import normalize_country

Slots = tuple[tuple[datetime, datetime], ...]
COLUMNS = ("profile_id", "name", "country", "offer", "seek", "available", "max_meetings",
           "must_meet", "avoid")
REQUIRED = ("name", "seek")
LENGTH = re.compile(r"(?:(\d+)h)?(?:(\d+)m(?:in)?)?")
SPEC_EXAMPLE = "2026-03-10T09:00/20m*8"


# ---- slots ------------------------------------------------------------------------------
def _moment(text: str, tz: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{text.strip()!r} is not an ISO date and time such as "
                              "2026-03-10T09:00", field="slots") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _length(text: str) -> timedelta | None:
    """``20m``, ``1h``, ``1h30m`` as a duration; None when ``text`` is not one."""
    found = LENGTH.fullmatch(text.strip())
    if not text.strip() or found is None:
        return None
    return timedelta(hours=int(found[1] or 0), minutes=int(found[2] or 0))


def parse_slots(spec: str, tz: tzinfo = UTC) -> Slots:
    """The slots of a spec (see the module docstring), checked by :func:`check_slots`."""
    slots: list[tuple[datetime, datetime]] = []
    for part in (p.strip() for p in spec.split(",")):
        start_text, sep, rest = part.partition("/")
        if not sep:
            raise ValidationError(f"slot {part!r}: write START/END or START/LENGTH*COUNT, "
                                  f"e.g. {SPEC_EXAMPLE}", field="slots")
        start = _moment(start_text, tz)
        length_text, star, count_text = rest.partition("*")
        length = _length(length_text)
        if length is None and not star:
            slots.append((start, _moment(rest, tz)))
            continue
        count = 1 if not star else int(count_text) if count_text.strip().isdigit() else 0
        if length is None or count < 1:
            raise ValidationError(f"slot {part!r}: LENGTH*COUNT is minutes or hours times a "
                                  f"number, e.g. {SPEC_EXAMPLE}", field="slots")
        first = start.astimezone(UTC)  # steps in UTC: a clock change moves no slot
        slots += [((first + i * length).astimezone(start.tzinfo),
                   (first + (i + 1) * length).astimezone(start.tzinfo)) for i in range(count)]
    return check_slots(slots)


def read_slots_file(path: Path, tz: tzinfo = UTC) -> Slots:
    """Slots from a CSV file of ``start,end`` rows (a header row is skipped)."""
    rows = [r for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) if r]
    if rows and rows[0][0].strip().lower() == "start":
        rows = rows[1:]
    slots = []
    for number, row in enumerate(rows, 1):
        if len(row) < 2:
            raise ValidationError(f"{path}: slot {number} needs a start and an end",
                                  field="slots")
        slots.append((_moment(row[0], tz), _moment(row[1], tz)))
    return check_slots(slots)


def read_slots(text: str, tz: tzinfo = UTC) -> Slots:
    """``--slots``: a CSV file when ``text`` names one, else a spec."""
    path = Path(text)
    return read_slots_file(path, tz) if path.is_file() else parse_slots(text, tz)


def check_slots(slots: list[tuple[datetime, datetime]]) -> Slots:
    """``slots`` unchanged when each ends after it starts and starts when the one before has
    ended (in time order, no overlap); else a ValidationError naming the slot (from 1)."""
    if not slots:
        raise ValidationError(f"the event has no slot; e.g. --slots {SPEC_EXAMPLE}",
                              field="slots")
    for number, (start, end) in enumerate(slots, 1):
        if end <= start:
            raise ValidationError(f"slot {number} ({start.isoformat()} to {end.isoformat()}) "
                                  "does not end after it starts", field="slots")
        if number > 1 and start < slots[number - 2][1]:
            raise ValidationError(
                f"slot {number} starts at {start.isoformat()}, before slot {number - 1} ends "
                f"({slots[number - 2][1].isoformat()}): slots must be in time order and must "
                "not overlap", field="slots")
    return tuple(slots)


# ---- participants -----------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One checked row of the sheet. ``available``: 0-based slot indexes."""

    line: int
    profile_id: str
    name: str
    country: str
    offer: str
    seek: str
    available: frozenset[int]
    max_meetings: int | None
    must_meet: tuple[str, ...]
    avoid: tuple[str, ...]


def _error(source: str, line: int, field: str, message: str) -> ValidationError:
    return ValidationError(f"field {field!r}: {message}", field=field,
                           source=f"{source} line {line}")


def _available(cell: str, slots: int) -> frozenset[int]:
    """``1-4;7`` as 0-based indexes; empty: every slot. ValueError names the bad part."""
    if not cell.strip():
        return frozenset(range(slots))
    chosen: set[int] = set()
    for part in re.split(r"[;\s]+", cell.strip()):
        low, dash, high = part.partition("-")
        if not low.isdigit() or dash and not high.isdigit():
            raise ValueError(f"{part!r} is not a slot number or range such as 1-4")
        first, last = int(low), int(high) if dash else int(low)
        if not 1 <= first <= last <= slots:
            raise ValueError(f"{part!r} is not within slots 1 to {slots}")
        chosen.update(range(first - 1, last))
    return frozenset(chosen)


def _names(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split(";") if p.strip())


def read_participants(text: str, slots: int, *, source: str = "participants") -> list[Row]:
    """The checked rows of a participants sheet (the text of the CSV file)."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        what = f"unknown column(s) {', '.join(unknown)}" if unknown else (
            f"missing column(s) {', '.join(missing)}")
        raise ValidationError(f"{what}; the columns are {', '.join(COLUMNS)} (name and seek "
                              "required)", field="columns", source=f"{source} line 1")
    reader.fieldnames = header
    rows = []
    for raw in reader:
        line = reader.line_num
        if None in raw:
            raise _error(source, line, "columns", "more cells than the header has columns "
                         "(quote a text that holds the separator)")
        cell = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        if not any(cell.values()):
            continue
        for required in REQUIRED:
            if not cell[required] and (required == "seek" or not cell["profile_id"]):
                raise _error(source, line, required, "is empty; say what the participant "
                             + ("seeks at this event" if required == "seek" else "is called"))
        try:
            available = _available(cell["available"], slots)
        except ValueError as exc:
            raise _error(source, line, "available", str(exc)) from None
        most = cell["max_meetings"]
        if most and (not most.isdigit() or int(most) < 1):
            raise _error(source, line, "max_meetings", f"{most!r} is not a positive number")
        country = cell["country"]
        if country:
            country = normalize_country(country, field="country", source=f"{source} line {line}")
        rows.append(Row(line, cell["profile_id"], cell["name"], country, cell["offer"],
                        cell["seek"], available, int(most) if most else None,
                        _names(cell["must_meet"]), _names(cell["avoid"])))
    if not rows:
        raise ValidationError("the sheet has no participant", source=source)
    return rows


# ---- who they are -----------------------------------------------------------------------
@dataclass(frozen=True)
class Entrant:
    """A participant with its profile id resolved: ``new`` is the profile to add to the
    index when it has none there (in memory, for this plan only)."""

    id: str
    name: str
    country: str
    offer: str
    seek: str
    available: frozenset[int]
    max_meetings: int
    must_meet: frozenset[str]
    avoid: frozenset[str]
    new: Profile | None = None


def slug(text: str) -> str:
    """A file-name-safe ASCII form of ``text`` (``Śląski Klaster`` -> ``slaski-klaster``)."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def _unique(base: str, taken: Callable[[str], bool]) -> str:
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def resolve(rows: Iterable[Row], lookup: Callable[[str], Profile | None], max_meetings: int,
            *, source: str = "participants") -> list[Entrant]:
    """Give every row a profile id: its ``profile_id`` (``lookup`` finds it in the index, or a
    new profile takes that id), else a new ``event-<name>`` id; and resolve ``must_meet`` and
    ``avoid`` to ids of the sheet. A new profile's description is its offer (else its seek)."""
    rows = list(rows)
    ids: dict[str, int] = {}
    for row in rows:
        pid = row.profile_id or _unique(f"event-{slug(row.name) or 'participant'}",
                                        lambda c: c in ids or lookup(c) is not None)
        if pid in ids:
            raise _error(source, row.line, "profile_id" if row.profile_id else "name",
                         f"{pid!r} is already the participant of line {ids[pid]}")
        ids[pid] = row.line
    by_line = {line: pid for pid, line in ids.items()}
    known = {pid: lookup(pid) for pid in ids}
    names: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for row in rows:
        pid, profile = by_line[row.line], known[by_line[row.line]]
        names[pid] = row.name or (profile.name if profile is not None else pid)
        by_name.setdefault(names[pid].casefold(), []).append(pid)

    def find(row: Row, field: str, token: str) -> str:
        found = [token] if token in ids else by_name.get(token.casefold(), [])
        if len(found) != 1:
            why = "names two participants; use an id" if found else "is no participant"
            raise _error(source, row.line, field, f"{token!r} {why} of the sheet")
        if found[0] == by_line[row.line]:
            raise _error(source, row.line, field, f"{token!r} is this participant itself")
        return found[0]

    out = []
    for row in rows:
        pid = by_line[row.line]
        must = frozenset(find(row, "must_meet", t) for t in row.must_meet)
        avoid = frozenset(find(row, "avoid", t) for t in row.avoid)
        if must & avoid:
            raise _error(source, row.line, "avoid", "names a participant it must meet")
        profile = known[pid]
        new = None
        if profile is None:
            try:
                new = Profile(id=pid, name=row.name, country=row.country,
                              description=row.offer or row.seek, source="event")
            except ValidationError as exc:
                raise _error(source, row.line, exc.field or "name", exc.message) from None
        country = row.country or (profile.country if profile is not None else "")
        out.append(Entrant(pid, names[pid], country, row.offer, row.seek, row.available,
                           row.max_meetings or max_meetings, must, avoid, new))
    return out
