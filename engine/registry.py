"""The signal registry: each ranking signal declared once, with its name, group, scale, label,
hand-set weight and the function that computes it.

Feature assembly, the signal groups, training, explanations, ``/v1/taxonomy`` and the UI all
read a :class:`Registry`. The engine's own signals are :data:`engine.builtin_signals.BUILTIN`;
a researcher adds one without touching engine internals::

    registry = BUILTIN.with_signal(Signal(
        "eu_funding", group="experience", scale="log1p(EUR m)", label="EU funding",
        compute=lambda batch: np.log1p(my_column[batch.slots]),
    ))
    rec = Recommender(encoder, signals=registry)

A registry is an immutable value: ``with_signal`` returns a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.errors import ValidationError

if TYPE_CHECKING:
    from engine.batch import Batch

#: The penalty diversification adds; not a signal, but a group the workspace shows.
DIVERSITY = "diversity"


@dataclass(frozen=True)
class SignalGroup:
    """A group of signals as an advisor sees it: ``label`` short, ``long`` a sentence."""

    id: str
    label: str
    long: str


@dataclass(frozen=True)
class Signal:
    """One ranking feature.

    ``compute`` maps a :class:`engine.batch.Batch` (candidate slots of one request) to one
    float32 value per slot. ``pooled`` signals are computed once the first stage is complete
    (they read ``batch.seeds``). ``preference`` signals are set by the user's preferences and
    never learned from history. ``weight`` is the hand-set weight (ranking without training).
    ``positive`` signals have a known direction (more relevance is never worse): training
    never gives them a negative weight. ``history`` signals read a profile's project history,
    unknown (not 0) for a profile without any: ``"record"`` ones read its own record or its
    place in the network and are filled in (:func:`engine.unknown.fill_unknown`); ``"link"``
    ones count recorded links with the requester, which a newcomer is never credited with.
    """

    name: str
    group: str
    scale: str
    label: str
    compute: Callable[[Batch], np.ndarray] = field(compare=False, repr=False)
    weight: float = 0.0
    pooled: bool = False
    preference: bool = False
    positive: bool = False
    history: str = ""


@dataclass(frozen=True)
class Registry:
    """Signals in a fixed order, and the groups they belong to (in display order)."""

    groups: tuple[SignalGroup, ...]
    signals: tuple[Signal, ...]

    def __post_init__(self) -> None:
        names = [s.name for s in self.signals]
        if len(set(names)) != len(names):
            raise ValidationError(f"signal names must be unique, got {names}", field="signals")
        known = {g.id for g in self.groups}
        for signal in self.signals:
            if signal.group not in known:
                raise ValidationError(
                    f"signal {signal.name!r} names unknown group {signal.group!r}; groups: "
                    f"{', '.join(sorted(known))}", field="group",
                )
            if signal.name == DIVERSITY:
                raise ValidationError("'diversity' is reserved for the diversity penalty",
                                      field="name")

    def __iter__(self) -> Iterator[Signal]:
        return iter(self.signals)

    def __len__(self) -> int:
        return len(self.signals)

    def __contains__(self, name: object) -> bool:
        return any(s.name == name for s in self.signals)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.signals)

    @property
    def preference(self) -> tuple[str, ...]:
        """Signals set by the user, not learnable from history."""
        return tuple(s.name for s in self.signals if s.preference)

    @property
    def history(self) -> tuple[str, ...]:
        """Signals that read a profile's project history."""
        return tuple(s.name for s in self.signals if s.history)

    @property
    def record(self) -> tuple[str, ...]:
        """History signals filled in for a profile without history."""
        return tuple(s.name for s in self.signals if s.history == "record")

    @property
    def positive(self) -> tuple[str, ...]:
        """Signals whose learned weight may not be negative."""
        return tuple(s.name for s in self.signals if s.positive)

    @property
    def hand_weights(self) -> dict[str, float]:
        """Hand-set weights: a reasonable ranking without training."""
        return {s.name: s.weight for s in self.signals}

    def members(self, group: str) -> tuple[str, ...]:
        """Names of the signals of ``group``, in registry order."""
        return tuple(s.name for s in self.signals if s.group == group)

    def group_of(self, name: str) -> str:
        """The group of a signal; ``diversity`` (and anything unknown) is its own group."""
        return next((s.group for s in self.signals if s.name == name), name)

    def check(self, names: Mapping[str, Any] | tuple[str, ...], what: str) -> None:
        """Raise if ``names`` holds a signal this registry does not know."""
        unknown = sorted(set(names) - set(self.names))
        if unknown:
            raise ValidationError(
                f"unknown signal(s) {unknown} in {what}; signals: {', '.join(self.names)}",
                field="weights",
            )

    def with_signal(self, signal: Signal) -> Registry:
        """A registry with ``signal`` added (or replacing the one of that name)."""
        kept = tuple(s for s in self.signals if s.name != signal.name)
        return Registry(self.groups, (*kept, signal))

    def compute(self, batch: Batch, *, pooled: bool) -> dict[str, np.ndarray]:
        """Every signal of one stage (``pooled`` or not) for ``batch``, in registry order."""
        return {
            s.name: np.asarray(s.compute(batch))
            for s in self.signals if s.pooled == pooled
        }

    def group_sums(self, contributions: Mapping[str, float]) -> dict[str, float]:
        """Contributions summed per group (``diversity`` stays its own group)."""
        groups: dict[str, float] = {}
        for name, value in contributions.items():
            group = self.group_of(name)
            groups[group] = groups.get(group, 0.0) + value
        return groups

    def describe(self) -> list[dict[str, Any]]:
        """The groups with their signals, as ``/v1/taxonomy`` publishes them (the diversity
        penalty last, as its own group)."""
        out = [
            {"id": g.id, "label": g.label, "long": g.long,
             "signals": [{"name": s.name, "label": s.label, "scale": s.scale}
                         for s in self.signals if s.group == g.id]}
            for g in self.groups
        ]
        out.append({"id": DIVERSITY, "label": "Diversity", "long": "Variety penalty (MMR / caps)",
                    "signals": [{"name": DIVERSITY, "label": "diversity penalty",
                                 "scale": "minus the MMR penalty, in score units"}]})
        return out
