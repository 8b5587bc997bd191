"""The name index: how a request can name each profile (usable acronym, name key, place keys;
see :mod:`engine.mentions`), and the inverted lookup from those keys to slots, so a request's
named organisations and places are found for every slot at once. An immutable value:
``updated`` returns a new index and shares what did not change."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.mentions import Mentions, name_key, place_keys, usable_acronym
from engine.profiles import Profile

#: How a request can name a profile: usable acronym, name key, place keys.
NameKeys = tuple[str, str, tuple[str, ...]]


def name_keys(profile: Profile, common_word: Callable[[str], bool]) -> NameKeys:
    """How a request can name ``profile``; ``common_word`` tells acronyms that are also
    everyday words (which are not used)."""
    return (
        usable_acronym(profile.acronym, common_word),
        name_key(profile.name),
        place_keys(profile.city, profile.region_name),
    )


def _lookup_keys(keys: NameKeys) -> list[str]:
    """The entries of the lookup for one profile's keys."""
    acronym, name, places = keys
    out = [f"acronym:{acronym}"] if acronym else []
    if name:
        out.append(f"name:{name}")
    return out + [f"place:{place}" for place in places]


@dataclass(frozen=True)
class NameIndex:
    """``keys``: slot -> its name keys; ``lookup``: "acronym:"/"name:"/"place:" key -> slots."""

    keys: Mapping[int, NameKeys]
    lookup: Mapping[str, frozenset[int]]

    @classmethod
    def build(
        cls, profiles: Sequence[Profile | None], common_word: Callable[[str], bool]
    ) -> NameIndex:
        keys = {s: name_keys(p, common_word) for s, p in enumerate(profiles) if p is not None}
        lookup: dict[str, set[int]] = {}
        for slot, slot_keys in keys.items():
            for key in _lookup_keys(slot_keys):
                lookup.setdefault(key, set()).add(slot)
        return cls(keys, {key: frozenset(found) for key, found in lookup.items()})

    def updated(
        self,
        profiles: Sequence[Profile | None],
        slots: Sequence[int],
        common_word: Callable[[str], bool],
    ) -> NameIndex:
        """The index after ``slots`` were written (``profiles[slot]`` None: removed)."""
        keys = dict(self.keys)
        lookup = dict(self.lookup)
        for slot in slots:
            old = keys.pop(slot, None)
            for key in _lookup_keys(old) if old is not None else ():
                lookup[key] = lookup[key] - {slot}
                if not lookup[key]:
                    del lookup[key]
            profile = profiles[slot]
            if profile is not None:
                keys[slot] = name_keys(profile, common_word)
                for key in _lookup_keys(keys[slot]):
                    lookup[key] = lookup.get(key, frozenset()) | {slot}
        return NameIndex(keys, lookup)

    def named_slots(self, mentions: Mentions) -> tuple[np.ndarray, np.ndarray]:
        """(slots the request names by acronym or full name, slots whose place it names),
        sorted."""
        organisations: set[int] = set()
        places: set[int] = set()
        for gram in mentions.exact:
            organisations |= self.lookup.get(f"acronym:{gram}", frozenset())
        for gram in mentions.folded:
            organisations |= self.lookup.get(f"name:{gram}", frozenset())
            places |= self.lookup.get(f"place:{gram}", frozenset())
        return (np.array(sorted(organisations), dtype=np.int64),
                np.array(sorted(places), dtype=np.int64))

    def said(self, mentions: Mentions, slot: int, display_name: str) -> tuple[str, str]:
        """How the request names the organisation in ``slot`` (its acronym, or
        ``display_name`` for its full name) and its place (the place key); "" if not. The
        words behind a match, for explanations."""
        acronym, name, places = self.keys[slot]
        said = mentions.organisation(acronym, name)
        if said and said == name:
            said = display_name
        return said, mentions.place(places)
