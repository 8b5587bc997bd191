"""The data model: organisations that can be recommended (``Profile``), what they did
(``Activity``) and what a requester seeks (``PartnerRequest``).

Every type is a frozen dataclass with ``to_dict``/``from_dict`` (plain JSON types) and validates
itself on construction, so an invalid object never exists. Errors name the field.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import MISSING, asdict, dataclass, fields, replace
from typing import Any

from engine.attestation import Provenance
from engine.errors import ValidationError
from engine.taxonomy import (
    CollaborationType,
    Kind,
    normalize_collaboration,
    normalize_country,
    normalize_ecosystem,
    normalize_kind,
)

MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 500


def _text(value: Any, name: str, *, required: bool = False, limit: int = MAX_TEXT_CHARS) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string, got {type(value).__name__}", field=name)
    value = value.strip()
    if required and not value:
        raise ValidationError(f"{name} must not be empty", field=name)
    if len(value) > limit:
        raise ValidationError(f"{name} is {len(value)} characters; at most {limit}", field=name)
    return value


def _fields(item: Any) -> dict[str, Any]:
    """A dataclass's fields as a shallow dict (``asdict`` deep-copies every value: 20k
    profiles took seconds to fingerprint, serialise and save)."""
    return {f.name: getattr(item, f.name) for f in fields(item)}


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValidationError(f"{name} must be a list of strings", field=name)
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise ValidationError(f"{name} must contain strings only", field=name)
        if item.strip() and item.strip() not in out:
            out.append(item.strip())
    return tuple(out)


@dataclass(frozen=True)
class Activity:
    """A past project or collaboration of an organisation.

    ``partners`` are the ids of the other organisations in it; ``role`` is the organisation's
    own role (``coordinator``, ``participant``, ``associatedPartner``, ``thirdParty``, ``member``);
    ``provenance``: who states it, which partner ties stand (:mod:`engine.attestation`)."""

    id: str
    title: str
    text: str = ""
    year: int | None = None
    partners: tuple[str, ...] = ()
    role: str = "participant"
    ecosystems: tuple[str, ...] = ()
    provenance: Provenance = Provenance()

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", _text(self.id, "activity.id", required=True, limit=200))
        object.__setattr__(self, "provenance", Provenance.from_dict(self.provenance))
        title = _text(self.title, "activity.title", limit=MAX_TITLE_CHARS)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "text", _text(self.text, "activity.text"))
        if not (self.title or self.text):
            raise ValidationError("an activity needs a title or a text", field="activity.title")
        if self.year is not None:
            if isinstance(self.year, bool) or not isinstance(self.year, int):
                raise ValidationError("activity.year must be an integer", field="activity.year")
            if not 1950 <= self.year <= 2100:
                raise ValidationError(
                    f"activity.year {self.year} is outside 1950-2100", field="activity.year"
                )
        object.__setattr__(self, "partners", _strings(list(self.partners), "activity.partners"))
        object.__setattr__(
            self,
            "ecosystems",
            tuple(normalize_ecosystem(e, field="activity.ecosystems") for e in self.ecosystems),
        )

    @property
    def document(self) -> str:
        """The text that is embedded for this activity: title and text."""
        return f"{self.title}. {self.text}".strip(". ") if self.text else self.title

    @property
    def ties(self) -> tuple[str, ...]:  # the partners whose tie stands (engine.attestation)
        return self.provenance.ties(self.partners)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON, without a default provenance (older documents keep their fingerprint)."""
        data = {**_fields(self), "partners": list(self.partners),
                "ecosystems": list(self.ecosystems)}
        provenance = data.pop("provenance")
        return data if provenance.is_default else data | {"provenance": provenance.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Activity:
        return cls(**_known(cls, data, "activity"))


@dataclass(frozen=True)
class Profile:
    """An organisation that can be recommended as a partner.

    ``country`` is ISO 3166 alpha-2; ``region`` is a NUTS-2 code with ``region_name``;
    ``ecosystems`` are ids from :data:`engine.taxonomy.ECOSYSTEMS`. ``contacts`` are personal
    data: kept on the profile for authorised readers, never part of any text that is indexed.
    """

    id: str
    name: str
    kind: Kind = Kind.OTHER
    country: str = ""
    sme: bool = False
    acronym: str = ""
    region: str = ""
    region_name: str = ""
    city: str = ""
    lat: float | None = None
    lon: float | None = None
    url: str = ""
    ecosystems: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    description: str = ""
    activities: tuple[Activity, ...] = ()
    source: str = ""
    contacts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "id", _text(self.id, "id", required=True, limit=200))
        set_(self, "name", _text(self.name, "name", required=True, limit=MAX_TITLE_CHARS))
        set_(self, "kind", normalize_kind(str(self.kind)))
        if self.country:
            set_(self, "country", normalize_country(self.country))
        if not isinstance(self.sme, bool):
            raise ValidationError("sme must be true or false", field="sme")
        for name in ("acronym", "region", "region_name", "city", "url", "source"):
            set_(self, name, _text(getattr(self, name), name, limit=MAX_TITLE_CHARS))
        set_(self, "description", _text(self.description, "description"))
        for name, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
            value = getattr(self, name)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValidationError(f"{name} must be a number", field=name)
                if not low <= value <= high:
                    raise ValidationError(f"{name} {value} is outside {low}..{high}", field=name)
                set_(self, name, float(value))
        set_(
            self,
            "ecosystems",
            tuple(dict.fromkeys(
                normalize_ecosystem(e) for e in _strings(self.ecosystems, "ecosystems")
            )),
        )
        set_(self, "keywords", _strings(self.keywords, "keywords"))
        set_(self, "contacts", _strings(self.contacts, "contacts"))
        activities = tuple(
            a if isinstance(a, Activity) else Activity.from_dict(a) for a in self.activities
        )
        seen: set[str] = set()
        for activity in activities:
            if activity.id in seen:
                raise ValidationError(
                    f"activity id {activity.id!r} appears twice", field="activities"
                )
            seen.add(activity.id)
        set_(self, "activities", activities)

    @property
    def n_activities(self) -> int:
        return len(self.activities)

    def chunks(self, max_chars: int = 1000) -> list[str]:
        """The self-description split into passages that fit the encoder's 256-token window.

        Splits on sentence ends, packing sentences up to ``max_chars`` characters; the
        keywords join the last passage. A profile without a description has no passages:
        its keywords then only reach the lexical index. (Embedding a "name: keywords" text
        for each of the 30k CORDIS organisations would add 30k texts to encode on every
        build, as their keywords change with the cut-off, for no measurable gain.)
        """
        if not self.description:
            return []
        text = " ".join(filter(None, [self.description, " ".join(self.keywords)])).strip()
        sentences = [s.strip() for s in text.replace("\n", " ").split(". ") if s.strip()]
        chunks: list[str] = []
        current = ""
        for sentence in sentences:
            candidate = f"{current}. {sentence}" if current else sentence
            if current and len(candidate) > max_chars:
                chunks.append(current)
                current = sentence
            else:
                current = candidate
        if current:
            chunks.append(current)
        return [f"{self.name}: {chunk}" for chunk in chunks]

    def public(self) -> Profile:
        """This profile without personal contact data."""
        return replace(self, contacts=())

    def to_dict(self) -> dict[str, Any]:
        data = _fields(self)
        data["kind"] = self.kind.value
        data["activities"] = [a.to_dict() for a in self.activities]
        for name in ("ecosystems", "keywords", "contacts"):
            data[name] = list(getattr(self, name))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        return cls(**_known(cls, data, "profile"))

    def fingerprint(self) -> str:
        """A stable hash of everything that can change a ranking (contacts excluded)."""
        data = self.to_dict()
        data.pop("contacts")
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PartnerRequest:
    """What a requester seeks.

    ``countries`` restricts candidates to those countries; ``exclude_countries`` removes some;
    ``kinds`` restricts partner kinds; ``ecosystems`` are wanted sectors (a preference, and a
    filter when ``ecosystem_filter`` is set). ``positive_ids``/``negative_ids`` are example
    profiles: "more like these, not like those". ``cross_border`` in [-1, 1] prefers partners
    abroad (positive) or at home (negative) relative to the requester's country.
    ``prefer_countries``/``prefer_kinds`` are soft preferences ("preferably in Italy",
    "ideally SMEs": a kind value or ``sme``): they raise matching candidates, never filter.
    """

    text: str
    title: str = ""
    requester_id: str | None = None
    collaboration_type: CollaborationType = CollaborationType.RESEARCH_INNOVATION
    kinds: tuple[Kind, ...] = ()
    countries: tuple[str, ...] = ()
    exclude_countries: tuple[str, ...] = ()
    ecosystems: tuple[str, ...] = ()
    ecosystem_filter: bool = False
    positive_ids: tuple[str, ...] = ()
    negative_ids: tuple[str, ...] = ()
    cross_border: float = 0.0
    sme_only: bool = False
    prefer_countries: tuple[str, ...] = ()
    prefer_kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "title", _text(self.title, "title", limit=MAX_TITLE_CHARS))
        set_(self, "text", _text(self.text, "text"))
        if not (self.text or self.title):
            raise ValidationError(
                "the request text is empty: describe the partner you seek", field="text"
            )
        if self.requester_id is not None:
            set_(self, "requester_id", _text(self.requester_id, "requester_id", limit=200) or None)
        set_(self, "collaboration_type", normalize_collaboration(str(self.collaboration_type)))
        set_(self, "kinds", tuple(normalize_kind(str(k), field="kinds") for k in _strings(
            [str(k) for k in self.kinds], "kinds")))
        for name in ("countries", "exclude_countries", "prefer_countries"):
            set_(self, name, tuple(dict.fromkeys(
                normalize_country(c, field=name) for c in _strings(getattr(self, name), name))))
        overlap = set(self.countries) & set(self.exclude_countries)
        if overlap:
            raise ValidationError(
                f"countries {sorted(overlap)} are both targeted and excluded",
                field="exclude_countries",
            )
        set_(self, "prefer_kinds", tuple(dict.fromkeys(
            k if k == "sme" else normalize_kind(k, field="prefer_kinds").value
            for k in _strings([str(k) for k in self.prefer_kinds], "prefer_kinds"))))
        set_(self, "ecosystems", tuple(dict.fromkeys(
            normalize_ecosystem(e) for e in _strings(self.ecosystems, "ecosystems"))))
        set_(self, "positive_ids", _strings(self.positive_ids, "positive_ids"))
        set_(self, "negative_ids", _strings(self.negative_ids, "negative_ids"))
        if isinstance(self.cross_border, bool) or not isinstance(self.cross_border, int | float):
            raise ValidationError("cross_border must be a number in [-1, 1]", field="cross_border")
        if not -1.0 <= self.cross_border <= 1.0:
            raise ValidationError("cross_border must be in [-1, 1]", field="cross_border")
        set_(self, "cross_border", float(self.cross_border))

    @property
    def document(self) -> str:
        """The text that is embedded for the request: title and text, as for an activity."""
        return f"{self.title}. {self.text}".strip(". ") if self.text else self.title

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["collaboration_type"] = self.collaboration_type.value
        data["kinds"] = [k.value for k in self.kinds]
        listed = ("countries", "exclude_countries", "ecosystems", "positive_ids", "negative_ids",
                  "prefer_countries", "prefer_kinds")
        for name in listed:
            data[name] = list(getattr(self, name))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PartnerRequest:
        return cls(**_known(cls, data, "request"))


def _known(cls: type, data: dict[str, Any], what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError(f"a {what} must be a JSON object")
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValidationError(
            f"unknown {what} field(s) {unknown}; known fields: {sorted(names)}", field=unknown[0]
        )
    missing = [
        f.name for f in fields(cls)
        if f.name not in data and f.default is MISSING and f.default_factory is MISSING
    ]
    if missing:
        raise ValidationError(f"{what} is missing required field(s) {missing}", field=missing[0])
    return data


__all__ = ["Activity", "Kind", "PartnerRequest", "Profile"]
