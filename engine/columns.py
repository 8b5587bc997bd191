"""Per-slot columns: one array per profile attribute, for filtering and scoring every slot at
once. Built from the profiles, then patched row by row after writes; never changed in place
(a patch returns new arrays), so a copy of the index may share them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

import numpy as np

from engine.attestation import ESTABLISHED
from engine.language import detect
from engine.profiles import Profile
from engine.sources.h2020 import Participation
from engine.taxonomy import ECOSYSTEMS

ECO_BIT = {eco: 1 << i for i, eco in enumerate(ECOSYSTEMS)}
#: Activities in this many latest years of the index count as recent.
RECENT_YEARS = 3
#: Characters of a profile's own text that decide its language (:func:`profile_language`).
LANGUAGE_SAMPLE = 200


@dataclass(frozen=True)
class Columns:
    """Per-slot arrays (removed slots hold empty values and ``alive`` False).

    ``as_of`` is the latest activity year in the index: "now" for the recency signals.
    """

    alive: np.ndarray
    country: np.ndarray
    region: np.ndarray
    kind: np.ndarray
    ecosystems: np.ndarray
    sme: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    n_activities: np.ndarray
    n_recent: np.ndarray
    n_coordinated: np.ndarray
    n_history: np.ndarray
    n_vectors: np.ndarray
    language: np.ndarray
    #: the latest year of an established activity of each slot (0: none)
    latest: np.ndarray
    as_of: int

    def __len__(self) -> int:
        return len(self.alive)


_NAMES = tuple(f.name for f in fields(Columns) if f.name != "as_of")
_TYPES: tuple[Any, ...] = (
    bool, "<U2", "<U8", "<U12", np.int64, bool, np.float64, np.float64,
    np.float32, np.float32, np.float32, np.float32, np.int64, "<U3", np.int64,
)


def eco_bits(ecosystems: Sequence[str]) -> int:
    """The ecosystems as a bit set (the ``ecosystems`` column's encoding)."""
    return sum(ECO_BIT[e] for e in ecosystems)


def own_latest(profile: Profile) -> int:
    """The latest year of an established activity of ``profile`` (0 if none has a dated one).
    Self-declared years do not count: one owner's claim of a project in 2100 would otherwise
    make every other organisation's work look old."""
    return max((a.year for a in profile.activities
                if a.year and a.provenance.source in ESTABLISHED), default=0)


def latest_year(profiles: Sequence[Profile | None]) -> int:
    """The latest year of an established activity of ``profiles`` (this year if none)."""
    return _as_of(np.array([own_latest(p) for p in profiles if p], dtype=np.int64))


def _as_of(latest: np.ndarray) -> int:
    """:func:`latest_year` from the ``latest`` column."""
    return (int(latest.max()) if len(latest) else 0) or date.today().year


def history_counts(history: Sequence[Participation]) -> dict[str, int]:
    """External participations per organisation id."""
    counts: dict[str, int] = {}
    for row in history:
        counts[row.pic] = counts.get(row.pic, 0) + 1
    return counts


def _row(profile: Profile | None, as_of: int, history: Mapping[str, int],
         n_vectors: int, language: str = "") -> tuple[Any, ...]:
    """One slot's values, in field order (``as_of`` excluded)."""
    if profile is None:
        return (False, "", "", "", 0, False, np.nan, np.nan, 0.0, 0.0, 0.0, 0.0, 0, "", 0)
    return (
        True,
        profile.country,
        profile.region,
        profile.kind.value,
        eco_bits(profile.ecosystems),
        profile.sme,
        np.nan if profile.lat is None else profile.lat,
        np.nan if profile.lon is None else profile.lon,
        profile.n_activities,
        sum(1 for a in profile.activities if a.year and a.year > as_of - RECENT_YEARS),
        sum(1 for a in profile.activities if a.role == "coordinator"),
        history.get(profile.id, 0),
        n_vectors,
        language or profile_language(profile),
        own_latest(profile),
    )


def profile_language(profile: Profile) -> str:
    """The language a profile is written in: of its own description, else of its first
    activity's text (CORDIS records have no description; their titles and names are no
    guide), else English. The first :data:`LANGUAGE_SAMPLE` characters decide: on the bundled
    corpus they agree with whole documents, and every load reads all 20,000 profiles."""
    return detect(_own_text(profile)[:LANGUAGE_SAMPLE])


def _own_text(profile: Profile) -> str:
    return profile.description or next((a.text or a.title for a in profile.activities), "")


def build_columns(
    profiles: Sequence[Profile | None], history: Mapping[str, int], n_vectors: Sequence[int]
) -> Columns:
    """The columns of every slot (``n_vectors``: vectors per slot)."""
    as_of = latest_year(profiles)
    languages: dict[str, str] = {}  # partners of one project share its text: detect it once

    def language(profile: Profile | None) -> str:
        if profile is None:
            return ""
        sample = _own_text(profile)[:LANGUAGE_SAMPLE]
        if sample not in languages:
            languages[sample] = detect(sample)
        return languages[sample]

    rows = [_row(p, as_of, history, n, language(p))
            for p, n in zip(profiles, n_vectors, strict=True)]
    arrays = {
        name: np.array([row[i] for row in rows], dtype=dtype)
        for i, (name, dtype) in enumerate(zip(_NAMES, _TYPES, strict=True))
    }
    return Columns(**arrays, as_of=as_of)


def patch_columns(
    columns: Columns,
    profiles: Sequence[Profile | None],
    slots: Sequence[int],
    history: Mapping[str, int],
    count: Callable[[int], int],
) -> Columns:
    """``columns`` with the rows of ``slots`` rewritten (or appended). A write that moves
    "now" (the latest activity year) changes every slot's recency, so it rebuilds them all."""
    size = len(profiles)
    empty = _row(None, columns.as_of, history, 0)
    values = {s: _row(profiles[s], columns.as_of, history, count(s)) for s in slots}
    arrays: dict[str, np.ndarray] = {}
    for i, name in enumerate(_NAMES):
        array = getattr(columns, name)
        pad = np.array([empty[i]] * (size - len(array)), dtype=array.dtype)
        array = np.concatenate([array, pad])  # a new array: the old one may be shared
        for slot, row in values.items():
            array[slot] = row[i]
        arrays[name] = array
    if _as_of(arrays["latest"]) != columns.as_of:
        return build_columns(profiles, history, [count(s) for s in range(len(profiles))])
    return replace(columns, **arrays)
