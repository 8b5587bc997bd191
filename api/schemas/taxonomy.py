"""The vocabularies a client builds forms and legends from: ecosystems, kinds,
collaboration types, countries, and the ranking's signal groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from engine.taxonomy import COLLABORATION_LABELS, COUNTRIES, ECOSYSTEMS, EU27, KIND_LABELS


class Term(BaseModel):
    id: str
    label: str


class CountryTerm(Term):
    eu: bool


class SignalTerm(BaseModel):
    name: str = Field(description="the key in a candidate's signals and contributions")
    label: str
    scale: str = Field(description="what the raw value of the signal measures, and its range")


class SignalGroupTerm(BaseModel):
    id: str = Field(description="the key in a candidate's groups")
    label: str = Field(description="short, for a legend")
    long: str = Field(description="one sentence")
    signals: list[SignalTerm]


class Taxonomy(BaseModel):
    ecosystems: list[Term]
    kinds: list[Term]
    collaboration_types: list[Term]
    countries: list[CountryTerm]
    signal_groups: list[SignalGroupTerm] = Field(
        description="the ranking's signal groups in display order, each with its signals"
    )

    @classmethod
    def of(cls, signal_groups: Sequence[Mapping[str, Any]]) -> Taxonomy:
        """The engine's vocabularies, and ``signal_groups`` as the recommender's signal
        registry describes them (``Registry.describe()``)."""
        return cls(
            ecosystems=[Term(id=k, label=v) for k, v in ECOSYSTEMS.items()],
            kinds=[Term(id=k.value, label=v) for k, v in KIND_LABELS.items()],
            collaboration_types=[
                Term(id=c.value, label=v) for c, v in COLLABORATION_LABELS.items()
            ],
            countries=[
                CountryTerm(id=code, label=name, eu=code in EU27)
                for code, name in sorted(COUNTRIES.items(), key=lambda item: item[1])
            ],
            signal_groups=[SignalGroupTerm.model_validate(g) for g in signal_groups],
        )
