"""Which reasons a summary gives and which shared terms it shows.

A match's contributions say what sets it apart from the typical candidate of its list
(:mod:`engine.rank`). A reason is a signal group that lifts the candidate above typical
through something it has *more* of with a positive weight: a smaller record than typical
lifts a candidate under the learned damping of very large organisations, but "fewer
projects" is no reason an advisor would accept (it read as company size). A reason must add
a real share of the candidate's lift ("it works in Digital" for +0.001 read as careless).
Countries, kinds of organisation and the words constraints are read from ("outside
Germany", "klastrów") are never shown as terms in common: they are constraints, not topics.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.match import Match
from engine.understand_kinds import KINDS
from engine.understand_words import ADJECTIVES, CUE_WORDS, NOUNS, fold, phrases

#: A reason must add at least this share of the candidate's whole lift above typical.
MIN_REASON = 0.1
#: Country names and adjectives of one word, in every supported language.
PLACE_WORDS = frozenset(k[0] for table in (NOUNS, ADJECTIVES) for k in table if len(k) == 1)
#: ... and the words a request's constraints are read from ("outside", "preferably").
HIDDEN_TERMS = PLACE_WORDS | {w for text in CUE_WORDS.values() for p in phrases(text) for w in p}


def in_play(match: Match) -> set[str]:
    """The features that count for ``match``: weighted (they have a contribution) and
    non-zero for this candidate."""
    return {f for f in match.contributions if match.signals.get(f, 0.0) != 0.0}


def supporting(match: Match, weights: Mapping[str, float], unknown: set[str]) -> set[str]:
    """The features in play, known, with a positive weight, on which the candidate is above
    typical: the only ones a reason may rest on."""
    return {f for f in in_play(match) - unknown
            if match.contributions[f] > 0 and weights.get(f, 0.0) > 0}


def reasons_of(support: Mapping[str, float], groups: Mapping[str, float],
               lift: float) -> dict[str, float]:
    """The groups a summary may name, largest first, from what their supporting features
    add (``support``): at most three, none below :data:`MIN_REASON` of ``lift``, everything
    that lifts the candidate above typical ("it has coordinated 1 project" for +0.014 of a
    +0.23 record that was mostly smaller than typical), and none whose bar (``groups``) is
    below typical ("it has coordinated 57 projects" beside Experience -0.68)."""
    ranked = sorted((g for g, v in support.items() if v > 0 and groups.get(g, 0.0) > 0),
                    key=lambda g: -support[g])
    return {g: support[g] for g in ranked[:3] if support[g] >= MIN_REASON * lift}


def is_topic(term: str) -> bool:
    """Whether a shared index term may be shown as a topic in common."""
    word = fold(term)
    return word not in HIDDEN_TERMS and (word,) not in KINDS
