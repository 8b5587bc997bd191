"""CORDIS Horizon Europe projects and participants -> organisation profiles.

A profile's activities are the projects the organisation took part in. With a ``cutoff``,
only projects that start strictly before it are read at all, so nothing from a later project
can reach a profile, a count, a vocabulary or a graph built from these profiles.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tqdm.auto import tqdm

from engine.attestation import Provenance, Source
from engine.errors import ValidationError
from engine.profiles import Activity, Profile
from engine.taxonomy import (
    dominant_ecosystems,
    ecosystems_in_text,
    kind_from_cordis,
    normalize_country,
)

csv.field_size_limit(1 << 30)

PROJECT_FIELDS = ("project_id", "title", "objective", "start_date")
PARTICIPANT_FIELDS = ("project_id", "org_pic", "legal_name", "activity_type", "role", "country")
#: Roles that make an organisation a member of a consortium (the benchmark's beneficiaries).
BENEFICIARY_ROLES = frozenset({"coordinator", "participant"})
FROM_CORDIS = Provenance(Source.CORDIS)


@dataclass(frozen=True)
class Project:
    """One CORDIS project: the fields the engine uses."""

    id: str
    acronym: str
    title: str
    objective: str
    start: date
    keywords: tuple[str, ...]
    ecosystems: tuple[str, ...]


@dataclass(frozen=True)
class Participation:
    """One (project, organisation, role) row."""

    project_id: str
    pic: str
    legal_name: str
    short_name: str
    activity_type: str
    role: str
    sme: bool
    country: str
    city: str
    nuts2: str
    nuts2_name: str
    lat: float | None
    lon: float | None
    url: str


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """Rows of a (gzipped) CSV with ``file:line`` labels; fails on missing columns."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(
                f"missing column(s) {missing}; expected at least {list(required)}",
                field=missing[0],
                source=f"{path}:1",
            )
        header = list(reader.fieldnames or [])
        start = reader.line_num + 1
        for row in reader:
            source = f"{path}:{start}"
            if None in row:  # more values than columns: an unquoted comma, most often
                extra = row[None]  # type: ignore[index]
                raise ValidationError(
                    f"row has {len(header) + len(extra)} fields, the header {len(header)}: "
                    f"values beyond the last column {header[-1]!r}; quote values with commas",
                    field=header[-1],
                    source=source,
                )
            short = [name for name in header if row[name] is None]
            if short:  # fewer values than columns: csv fills the rest with None
                raise ValidationError(
                    f"row has {len(header) - len(short)} fields, the header {len(header)}: "
                    f"no values from column {short[0]!r} on",
                    field=short[0],
                    source=source,
                )
            yield source, row
            start = reader.line_num + 1


def _date(value: str, field: str, source: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ValidationError(
            f"{field} {value!r} is not a date (YYYY-MM-DD)", field=field, source=source
        ) from None


def _required(row: dict[str, str], field: str, source: str) -> str:
    value = (row.get(field) or "").strip()
    if not value:
        raise ValidationError(f"{field} is empty", field=field, source=source)
    return value


def read_projects(path: Path, cutoff: date | None = None) -> dict[str, Project]:
    """Projects by id; with ``cutoff``, only those starting before it."""
    projects: dict[str, Project] = {}
    for source, row in _rows(path, PROJECT_FIELDS):
        project_id = _required(row, "project_id", source)
        start = _date(_required(row, "start_date", source), "start_date", source)
        if cutoff is not None and start >= cutoff:
            continue
        keywords = tuple(k.strip() for k in (row.get("keywords") or "").split(",") if k.strip())
        vocabulary = " | ".join(
            row.get(name) or ""
            for name in ("euroscivoc", "topic_title", "topic_keywords", "keywords")
        )
        projects[project_id] = Project(
            id=project_id,
            acronym=(row.get("acronym") or "").strip(),
            title=_required(row, "title", source),
            objective=(row.get("objective") or "").strip(),
            start=start,
            keywords=keywords,
            ecosystems=tuple(sorted(ecosystems_in_text(vocabulary))),
        )
    return projects


def _coordinates(value: str, source: str) -> tuple[float | None, float | None]:
    if not value.strip():
        return None, None
    try:
        lat, lon = (float(x) for x in value.split(","))
    except ValueError:
        raise ValidationError(
            f"geolocation {value!r} is not 'lat,lon'", field="geolocation", source=source
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def read_participants(path: Path, project_ids: set[str] | None = None) -> list[Participation]:
    """Participation rows, restricted to ``project_ids`` when given."""
    rows: list[Participation] = []
    for source, row in _rows(path, PARTICIPANT_FIELDS):
        project_id = _required(row, "project_id", source)
        if project_ids is not None and project_id not in project_ids:
            continue
        country = (row.get("country") or "").strip()
        lat, lon = _coordinates(row.get("geolocation") or "", source)
        rows.append(
            Participation(
                project_id=project_id,
                pic=_required(row, "org_pic", source),
                legal_name=_required(row, "legal_name", source),
                short_name=(row.get("short_name") or "").strip(),
                activity_type=(row.get("activity_type") or "").strip(),
                role=_required(row, "role", source),
                sme=(row.get("sme") or "").strip().lower() == "true",
                country=normalize_country(country, source=source) if country else "",
                city=(row.get("city") or "").strip().title(),
                nuts2=(row.get("nuts2") or "").strip(),
                nuts2_name=(row.get("nuts2_name") or "").strip(),
                lat=lat,
                lon=lon,
                url=(row.get("url") or "").strip(),
            )
        )
    return rows


def build_profiles(
    projects: dict[str, Project],
    participations: list[Participation],
    *,
    roles: frozenset[str] = BENEFICIARY_ROLES,
    progress: bool = False,
) -> list[Profile]:
    """One profile per organisation that took part in any of ``projects`` in one of ``roles``
    (by default the beneficiaries, coordinator or participant: the benchmark's candidates).

    Organisation fields come from its most recent participation; activities are its projects,
    oldest first, each listing the other organisations in that project (same roles) as
    partners.
    """
    members: dict[str, list[str]] = defaultdict(list)
    by_org: dict[str, list[Participation]] = defaultdict(list)
    for p in participations:
        if p.project_id in projects and p.role in roles:
            members[p.project_id].append(p.pic)
            by_org[p.pic].append(p)
    profiles: list[Profile] = []
    for pic, rows in tqdm(by_org.items(), desc="profiles", unit="org", disable=not progress):
        rows = sorted(rows, key=lambda r: (projects[r.project_id].start, r.project_id))
        latest = rows[-1]
        seen: dict[str, Activity] = {}
        for row in rows:
            if row.project_id in seen:  # an organisation listed twice in one project
                continue
            project = projects[row.project_id]
            seen[row.project_id] = Activity(
                id=project.id,
                title=project.title,
                text=project.objective,
                year=project.start.year,
                partners=tuple(dict.fromkeys(m for m in members[project.id] if m != pic)),
                role=row.role,
                ecosystems=project.ecosystems,
                provenance=FROM_CORDIS,
            )
        activities = tuple(seen.values())
        keyword_counts = Counter(
            k.lower() for a in activities for k in projects[a.id].keywords
        )
        located = next((r for r in reversed(rows) if r.lat is not None), latest)
        profiles.append(
            Profile(
                id=pic,
                name=latest.legal_name,
                acronym=latest.short_name,
                kind=kind_from_cordis(latest.activity_type, latest.legal_name),
                country=latest.country,
                sme=latest.sme,
                region=latest.nuts2,
                region_name=latest.nuts2_name,
                city=latest.city,
                lat=located.lat,
                lon=located.lon,
                url=latest.url,
                ecosystems=dominant_ecosystems(a.ecosystems for a in activities),
                keywords=tuple(k for k, _ in keyword_counts.most_common(10)),
                activities=activities,
                source="cordis",
            )
        )
    return profiles


def load_cordis(
    projects_path: Path,
    participants_path: Path,
    *,
    cutoff: date | None = None,
    progress: bool = False,
) -> list[Profile]:
    """Profiles from CORDIS files, using only projects that start before ``cutoff``."""
    projects = read_projects(projects_path, cutoff)
    participations = read_participants(participants_path, set(projects))
    return build_profiles(projects, participations, progress=progress)
