"""Horizon 2020 participation history (``data/h2020/h2020.csv.gz``): who worked with whom
before Horizon Europe. Rows carry no names or texts, only ``rcn`` (project record), ``pic``
(the same organisation id as CORDIS Horizon Europe), role and start date.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from engine.errors import ValidationError

FIELDS = ("rcn", "pic", "role", "start_date")


@dataclass(frozen=True)
class Participation:
    """One H2020 participation: project record, organisation, role, start year."""

    project: str
    pic: str
    role: str
    year: int


def load_h2020(path: Path, *, cutoff: date | None = None) -> list[Participation]:
    """Participations in projects that start before ``cutoff`` (all without one).

    Rows whose start date is ``NA`` (7 of 144,726 in the bundled file) are skipped: they
    cannot be shown to precede a cut-off.
    """
    rows: list[Participation] = []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in FIELDS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(
                f"missing column(s) {missing}", field=missing[0], source=f"{path}:1"
            )
        for line, row in enumerate(reader, start=2):
            source = f"{path}:{line}"
            for name in FIELDS:
                if not (row.get(name) or "").strip():
                    raise ValidationError(f"{name} is empty", field=name, source=source)
            if row["start_date"].strip() == "NA":
                continue  # a few records have no dates: they cannot be placed before a cut-off
            try:
                start = date.fromisoformat(row["start_date"].strip()[:10])
            except ValueError:
                raise ValidationError(
                    f"start_date {row['start_date']!r} is not a date (YYYY-MM-DD)",
                    field="start_date",
                    source=source,
                ) from None
            if cutoff is not None and start >= cutoff:
                continue
            rows.append(
                Participation(
                    project=f"h2020:{row['rcn'].strip()}",
                    pic=row["pic"].strip(),
                    role=row["role"].strip(),
                    year=start.year,
                )
            )
    return rows
