"""How a meeting suggestion reads, for each side: "For what they seek, you rank 2nd of 40 (in
common: hydrogen, storage); for what you seek, they rank 1st of 40 (…)". Pure functions of
the numbers that valued the pair (:class:`engine.event_match.Side`)."""

from __future__ import annotations

from engine.event_match import EventMatrix, Side


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def direction(side: Side, who: str, whom: str) -> str:
    """One direction: for what ``who`` seeks, where ``whom`` ranks among ``who``'s
    candidates, with the terms ``who``'s seek text shares with ``whom``'s offer."""
    text = f"for what {who} seek, {whom} rank {_ordinal(side.rank)} of {side.of}"
    if side.words:
        text += f" (in common: {', '.join(side.words)})"
    return text


def lower_half(side: Side) -> bool:
    return side.rank > (side.of + 1) // 2


def summary(yours: Side, theirs: Side, *, must_meet: bool = False) -> str:
    """Both directions in one sentence, from the participant's point of view; a pair that
    one side ranks in its lower half says so instead of calling it mutual."""
    parts = [direction(theirs, "they", "you"), direction(yours, "you", "they")]
    text = "; ".join(parts)
    text = text[0].upper() + text[1:] + "."
    if must_meet:
        return "On a must-meet list. " + text
    if lower_half(yours) and lower_half(theirs):
        text += " A weak fit: each ranks the other in its lower half."
    elif lower_half(yours) or lower_half(theirs):
        weaker = "they rank you" if lower_half(theirs) else "you rank them"
        text += f" A one-sided fit: {weaker} in the lower half."
    return text


def pair_summary(matrix: EventMatrix, me: str, other: str) -> str:
    """:func:`summary` of the pair from ``me``'s side, read off the event's matrix."""
    i, j = matrix.index(me), matrix.index(other)
    return summary(matrix.side(i, j), matrix.side(j, i), must_meet=matrix.must(me, other))
