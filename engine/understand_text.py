"""A request text as :mod:`engine.understand` reads it: words in sentences, and the countries
(:mod:`engine.understand_words`) and organisation kinds (:mod:`engine.understand_kinds`) it
names, each at its words."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

from engine.understand_kinds import KINDS
from engine.understand_words import ADJECTIVES, CAPITALISED, NOUNS, WORD, fold


class Token(NamedTuple):
    """A word: folded, as written, its offsets, its sentence, and the text before it."""

    word: str
    raw: str
    start: int
    end: int
    sent: int
    gap: str


class Mention(NamedTuple):
    """A country or kind at words [i, j). For a country, ``value`` is the code when a noun
    names it ("Germany") and ``adj`` when an adjective does ("German", "Germany-based")."""

    i: int
    j: int
    value: str
    adj: str = ""
    non: bool = False  # "non-German"
    based: bool = False  # "Germany-based"


_ABBREVIATIONS = frozenset({"etc", "ca", "bzw", "vs", "cf", "np", "bv", "ex", "napr", "resp"})
_TIGHT = re.compile(r"[ \t\u00a0'’\-–]*")
_LIST_GAP = re.compile(r"[ \t\u00a0,/&]*")
_JOINS = ("-", "–", "‑", "—")


class Text:
    """A text as words in sentences (one ends at "!", "?", ";", a line break, or a full stop
    not after an abbreviation: "e.g.", "z.B."), and the countries and kinds it names."""

    def __init__(self, text: str, joiners: Collection[str], followers: Collection[str]) -> None:
        self.text, self.toks, sent = text, [], 0
        for m in WORD.finditer(text):
            gap = text[self.toks[-1].end if self.toks else 0:m.start()]
            last = self.toks[-1].word if self.toks else ""
            sent += bool(last) and bool(re.search(r"[!?;\n]", gap) or "." in gap and len(
                last) > 1 and last not in _ABBREVIATIONS)
            self.toks.append(Token(fold(m.group()), m.group(), m.start(), m.end(), sent, gap))
        self.words, self.n = [t.word for t in self.toks], len(self.toks)
        self.joiners, self.followers = frozenset(joiners), frozenset(followers)
        self.countries, self.kinds = self._countries(), self._kinds()

    def tight(self, i: int) -> bool:
        """Word i follows word i-1 in one clause (only spaces, an apostrophe or a hyphen)."""
        return 0 < i < self.n and _TIGHT.fullmatch(self.toks[i].gap) is not None

    def prev(self, i: int) -> int:
        return i - 1 if self.tight(i) else -1

    def joined(self, i: int) -> bool:
        return 0 < i < self.n and self.toks[i].gap in _JOINS

    def same(self, a: int, b: int) -> bool:
        return 0 <= min(a, b) and max(a, b) < self.n and self.toks[a].sent == self.toks[b].sent

    def match(self, i: int, table: Collection[tuple[str, ...]], longest: int = 6) -> int:
        """Length of the longest phrase of ``table`` at word i, 0 if none."""
        for size in range(min(longest, self.n - i), 0, -1):
            if tuple(self.words[i:i + size]) in table and all(
                    self.tight(t) for t in range(i + 1, i + size)):
                return size
        return 0

    def ends_at(self, k: int, table: Collection[tuple[str, ...]]) -> int:
        """Start of the longest phrase of ``table`` ending at word k, -1 if none."""
        return next((s for s in range(max(0, k - 5), k + 1) if k >= 0
                     and self.match(s, table, k - s + 1) == k - s + 1), -1)

    def spans_of(self, table: Collection[tuple[str, ...]]) -> list[tuple[int, int]]:
        out, i = [], 0
        while i < self.n:
            if size := self.match(i, table):
                out.append((i, i + size))
            i += max(size, 1)
        return out

    def _countries(self) -> list[Mention]:
        out, i = [], 0
        while i < self.n:
            nn, na = self.match(i, NOUNS, 4), self.match(i, ADJECTIVES, 2)
            if not (size := max(nn, na)) or (
                    self.words[i] in CAPITALISED and not self.toks[i].raw[0].isupper()):
                i += 1
                continue
            j, key = i + size, tuple(self.words[i:i + size])
            noun = NOUNS.get(key, "") if nn == size else ""
            adj = ADJECTIVES.get(key, "") if na == size else ""
            non = self.joined(i) and self.words[i - 1] == "non"
            based = self.joined(j) and self.words[j] in ("based", "basiert")
            # a part of a compound ("Italy–Austria border", "Franco-German") names no partner
            if not (self.joined(i) and not non or self.joined(j) and not based):
                out.append(Mention(i, j + based, "" if based else noun, adj or noun, non, based))
            i = j
        return out

    def _kinds(self) -> list[Mention]:
        out, i = [], 0
        while i < self.n:
            j = i + (size := self.match(i, KINDS))
            modifier = tuple(self.words[i:j]) in KINDS.modifiers and self.tight(j) and (
                self.words[j] not in self.followers)  # "cluster analysis", "university hospital"
            if size and not (self.joined(i) or self.joined(j) or modifier):
                out.append(Mention(i, j, KINDS.get(tuple(self.words[i:j])) or ""))
            i += max(size, 1)
        return out

    def groups(self, items: list[Mention], extra: Collection[str]) -> list[list[Mention]]:
        """Mentions in lists, joined by commas, slashes, :attr:`joiners` and ``extra`` words
        ("in Italy, Spain or in Portugal")."""
        out: list[list[Mention]] = []
        for item in items:
            last = out[-1][-1] if out else None
            between = self.words[last.j:item.i] if last else []
            gaps = "".join(t.gap for t in self.toks[last.j:item.i + 1]) if last else ""
            if last and len(between) <= 3 and self.same(last.j - 1, item.i) and (
                    _LIST_GAP.fullmatch(gaps) and (self.joiners.intersection(between)
                                                   or "," in gaps or "/" in gaps)
                    and all(w in self.joiners or w in extra for w in between)):
                out[-1].append(item)
            else:
                out.append([item])
        return out
