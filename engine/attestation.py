"""Who states that an activity happened, and which of its collaboration ties stand.

An activity describes the organisation that lists it, whoever wrote it, so its text counts for
the content signals. A *tie* (the listing organisation and a partner took part in the same
project) feeds the network signals and the "worked with your partners" reasons, the most
trusted ones; so a tie stands only on a fact:

- the public record (CORDIS Horizon Europe, H2020 history), checked when it is written;
- a curator's entry (the corpus the operator built, or a curator key);
- a self-declaration by the organisation's owner, for each partner that confirmed it (that
  partner's owner key, or a curator).

A self-declared activity is also kept out of every other organisation's project: its graph
column is its own (:func:`column_key`), so two owners who both claim one project id are not
linked until one confirms the other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from engine.errors import ValidationError


class Source(StrEnum):
    CORDIS = "cordis"
    H2020 = "h2020"
    CURATOR = "curator"
    SELF = "self-declared"

    @property
    def label(self) -> str:
        """How an advisor reads it: "CORDIS", "CORDIS (H2020)", "entered by a curator"."""
        return {"cordis": "CORDIS", "h2020": "CORDIS (H2020)",
                "curator": "entered by a curator"}.get(self.value, self.value)


#: sources whose ties stand without confirmation
ESTABLISHED = frozenset({Source.CORDIS, Source.H2020, Source.CURATOR})


@dataclass(frozen=True)
class Confirmation:
    """``partner`` confirmed taking part; ``by``: ``owner`` (the partner's own key) or
    ``curator``; ``at``: ISO 8601 UTC."""

    partner: str
    by: str
    at: str

    def to_dict(self) -> dict[str, str]:
        return {"partner": self.partner, "by": self.by, "at": self.at}


@dataclass(frozen=True)
class Provenance:
    """Where an activity comes from. ``by``: who recorded it (a data file, ``curator``, or
    the owner's profile id); ``at``: when (ISO 8601 UTC; empty for bundled data).

    The default, a curator's entry with no details, is what the engine's own loaders and
    callers mean when they say nothing: the service stamps every activity it is sent."""

    source: Source = Source.CURATOR
    by: str = ""
    at: str = ""
    confirmations: tuple[Confirmation, ...] = ()

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "source", Source(self.source))
        except ValueError:
            known = ", ".join(s.value for s in Source)
            raise ValidationError(
                f"activity.provenance.source {self.source!r} is not one of {known}",
                field="activity.provenance.source",
            ) from None
        items = tuple(
            c if isinstance(c, Confirmation) else Confirmation(**c) for c in self.confirmations
        )
        object.__setattr__(self, "confirmations", items)

    @property
    def is_default(self) -> bool:
        return self == DEFAULT

    @property
    def confirmed(self) -> frozenset[str]:
        return frozenset(c.partner for c in self.confirmations)

    def ties(self, partners: tuple[str, ...]) -> tuple[str, ...]:
        """The partners whose tie with the listing organisation stands."""
        if self.source in ESTABLISHED:
            return partners
        confirmed = self.confirmed
        return tuple(p for p in partners if p in confirmed)

    def confirm(self, confirmation: Confirmation) -> Provenance:
        kept = tuple(c for c in self.confirmations if c.partner != confirmation.partner)
        return replace(self, confirmations=(*kept, confirmation))

    def withdraw(self, partner: str) -> Provenance:
        return replace(
            self, confirmations=tuple(c for c in self.confirmations if c.partner != partner)
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON, without the empty fields (every CORDIS activity carries one)."""
        data: dict[str, Any] = {"source": self.source.value, "by": self.by, "at": self.at,
                                "confirmations": [c.to_dict() for c in self.confirmations]}
        return {k: v for k, v in data.items() if v or k == "source"}

    @classmethod
    def from_dict(cls, data: Any) -> Provenance:
        if isinstance(data, Provenance):
            return data
        if not isinstance(data, dict):
            raise ValidationError("activity.provenance must be an object",
                                  field="activity.provenance")
        unknown = sorted(set(data) - {"source", "by", "at", "confirmations"})
        if unknown:
            raise ValidationError(f"unknown provenance field(s) {unknown}",
                                  field="activity.provenance")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ValidationError(f"activity.provenance: {exc}",
                                  field="activity.provenance") from None


#: what an activity that says nothing of its origin has: a curator's entry
DEFAULT = Provenance()


def column_key(owner: str, activity_id: str, provenance: Provenance) -> str:
    """The collaboration graph's project column of an activity: the project id for an
    established one (shared with everyone in that project), the owner's own column for a
    self-declaration (``self:<owner>:<id>``), which only confirmed partners join."""
    if provenance.source in ESTABLISHED:
        return activity_id
    return f"self:{owner}:{activity_id}"
