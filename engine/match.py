"""What a ranking returns: ``Match``, one recommended profile with the numbers that ranked it,
and ``Explanation``, why it is in the list (built by :mod:`engine.explain`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.profiles import Profile


@dataclass(frozen=True)
class Explanation:
    """Why a candidate is in the list.

    ``contributions``: feature -> weight x (value - its mean over the list)
    (they sum to the match's score minus its baseline). ``groups``: the same summed per
    signal group. ``evidence``: per group, the data behind it. ``summary``:
    one sentence for an advisor to read out.
    """

    summary: str
    contributions: dict[str, float]
    groups: dict[str, float]
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "contributions": dict(self.contributions),
            "groups": dict(self.groups),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Match:
    """One recommended profile.

    ``score`` is the fused score (sum of weight x value over the features, minus a
    diversity penalty). ``baseline`` is the score of the typical candidate of the list:
    every feature at its mean over the candidates shown (over the best
    :data:`engine.rank.REFERENCE` when fewer are shown). ``contributions`` say what sets this
    candidate apart from it: feature -> weight x (value - mean), plus ``diversity`` (a
    penalty <= 0) when results were diversified; they sum to ``score - baseline``, and a
    term every candidate shown shares (a requester's country indicators) is no contribution.
    ``signals`` holds
    each feature's raw value on its own scale (see :mod:`engine.builtin_signals`);
    ``best_items`` are the profile's best-matching vectors as (item index, cosine), best
    first. ``explanation`` is set when the caller asked for one.
    """

    profile: Profile
    score: float
    rank: int
    signals: dict[str, float]
    contributions: dict[str, float]
    best_items: tuple[tuple[int, float], ...] = ()
    explanation: Explanation | None = None
    baseline: float = 0.0

    @property
    def profile_id(self) -> str:
        return self.profile.id
