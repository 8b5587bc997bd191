"""Request understanding: constraints a request writes in words ("outside Germany", "preferably
SMEs", "nicht aus Frankreich", "socios españoles") read as filters and preferences, each with the
words it was read from. Rules over word tables (:mod:`engine.understand_words`: cue words and
countries; :mod:`engine.understand_kinds`: organisation kinds, with the cases inflected languages
use) and a text read as words (:mod:`engine.understand_text`), no model: a country or kind is a
constraint only with a cue next to it. Exclude: "outside", "hors de", "poza", "außer aus"; "not
from", "nie z"; "no partners from", "pas de partenaires français". Include: a place word ("in",
"aus", "w") after a partner or kind noun, "based", a search verb or "only", or alone ("in Italy,
Spain or Portugal"); a country adjective at a partner noun after a search verb ("we seek German
partners") or "only". Kinds: after a search verb with no preposition between ("szukamy
organizacji badawczych", not "we worked with universities"); preferred only when the list names
something no kind covers too ("clusters and associations", "food processors, clusters and
research labs"). Prefer: hedged before ("preferably") or after ("... welcome"). Precision over
recall (a wrong filter hides every good partner): no cue, no constraint ("German energy
policy", "Frankfurt"); hedged negations, words about the requester ("we are based in Spain", "our
partners in France") and "not only" are skipped; a negated country is never included."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, replace
from typing import Any, NamedTuple

from engine import understand_words as W
from engine.profiles import PartnerRequest
from engine.taxonomy import COUNTRIES, KIND_LABELS, Kind
from engine.understand_text import Mention, Text

#: The request field each hard constraint merges into; the other kinds are preferences.
FIELDS = {"include_country": "countries", "exclude_country": "exclude_countries",
          "include_kind": "kinds", "sme": "sme_only"}
_VERBS = {"include_country": "In", "exclude_country": "Not in", "prefer_country": "Preferably in"}
_WEAKER = {"include_country": "prefer_country", "include_kind": "prefer_kind", "sme": "prefer_kind"}


@dataclass(frozen=True)
class Constraint:
    """``kind``: include_, exclude_, prefer_country (``value``: ISO code), include_, prefer_kind
    (a :class:`Kind` value or "sme"), sme (True); ``text``: ``request[start:end]``."""

    kind: str
    value: str | bool
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """A stable id for the UI chip: "exclude_country:DE", "sme:true"."""
        return f"{self.kind}:{'true' if self.value is True else self.value}"

    @property
    def label(self) -> str:
        if self.kind in _VERBS:
            return f"{_VERBS[self.kind]} {COUNTRIES[str(self.value)]}"
        name = "SME" if self.value in ("sme", True) else KIND_LABELS[Kind(self.value)]
        return f"Preferably: {name}" if self.kind == "prefer_kind" else name

    def to_dict(self, applied: bool = True) -> dict[str, Any]:
        return {"key": self.key, **asdict(self), "label": self.label, "hard": self.kind in FIELDS,
                "applied": applied}


@dataclass(frozen=True)
class Understanding:
    """What :func:`understand` read, in text order; ``ignored``: the items set aside."""
    text: str
    constraints: tuple[Constraint, ...] = ()
    ignored: tuple[Constraint, ...] = ()

    def values(self, kind: str) -> list[Any]:
        return [c.value for c in self.constraints if c.kind == kind]

    def apply(self, request: PartnerRequest, sent: Collection[str] | None = None) -> Applied:
        """``request`` with the hard constraints merged in. The caller wins: not applied are
        constraints on fields in ``sent`` (default: the non-empty ones), and contradictions."""
        given = set(sent) if sent is not None else {
            f for f in FIELDS.values() if getattr(request, f)}
        countries, excluded = list(request.countries), list(request.exclude_countries)
        kinds = [k.value for k in request.kinds]
        if "countries" not in given:
            countries += [c for c in self.values("include_country") if c not in excluded]
        if "exclude_countries" not in given:
            excluded += [c for c in self.values("exclude_country") if c not in countries]
        if "kinds" not in given:
            kinds += self.values("include_kind")
        merged = replace(
            request, countries=tuple(dict.fromkeys(countries)),
            exclude_countries=tuple(dict.fromkeys(excluded)),
            kinds=tuple(Kind(k) for k in dict.fromkeys(kinds)),
            sme_only=request.sme_only or "sme_only" not in given and bool(self.values("sme")))
        force = {"include_country": merged.countries, "exclude_country": merged.exclude_countries,
                 "include_kind": [k.value for k in merged.kinds], "sme": [merged.sme_only],
                 "prefer_country": tuple(c for c in self.values("prefer_country") if c not in
                                         excluded and (not countries or c in countries)),
                 "prefer_kind": tuple(k for k in self.values("prefer_kind")
                                      if k == "sme" or not kinds or k in kinds)}
        overridden = tuple(c for c in self.constraints
                           if c.value not in force[c.kind] or FIELDS.get(c.kind) in given)
        return Applied(merged, force["prefer_country"], force["prefer_kind"], self, overridden)

    def to_dict(self, overridden: Collection[Constraint] = ()) -> dict[str, Any]:
        return {"items": [c.to_dict(c not in overridden) for c in self.constraints],
                "ignored": [c.key for c in self.ignored]}


class Applied(NamedTuple):
    """The merged request, the preferences, and the items not in force (``overridden``)."""

    request: PartnerRequest
    preferred_countries: tuple[str, ...]
    preferred_kinds: tuple[str, ...]
    understanding: Understanding
    overridden: tuple[Constraint, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.understanding.to_dict(self.overridden),
                "preferred_countries": list(self.preferred_countries),
                "preferred_kinds": list(self.preferred_kinds)}


def understand(text: str, ignore: Collection[str] = frozenset()) -> Understanding:
    """The constraints written in ``text``; those whose :attr:`Constraint.key` is in
    ``ignore`` (chips the user removed) are set aside in :attr:`Understanding.ignored`."""
    found = sorted(_Reader(text).read(), key=lambda c: (c.start, c.end))
    # an exclusion wins over an inclusion or preference, an inclusion over a preference
    beaten = {f"{k}_country:{c.value}" for c in found if c.kind == "exclude_country" for k in (
        "include", "prefer")} | {f"{_WEAKER[c.kind]}:{'sme' if c.value is True else c.value}"
                                 for c in found if c.kind in _WEAKER}
    kept: dict[str, Constraint] = {}
    for c in found:
        if c.key not in beaten:
            kept.setdefault(c.key, c)
    return Understanding(text, tuple(c for c in kept.values() if c.key not in ignore),
                         tuple(c for c in kept.values() if c.key in ignore))


C: dict[str, W.Phrases] = {role: W.phrases(text) for role, text in W.CUE_WORDS.items()}
_ARTICLES, _LOC, _BLOCK = ({w for p in C[r] for w in p} for r in ("article", "loc", "block"))
_POLARITY = {"excl": "exclude", "neg": "exclude", "neg_det": "exclude", "only": "include",
             "hedge": "prefer", "loc": "loc", "context": "exclude"}  # of a kind: "our SMEs"
_HEDGES = ("hedge", "post_hedge")


class _Reader(Text):
    """The cues of one text, and the constraints they make of its countries and kinds."""

    def __init__(self, text: str) -> None:
        super().__init__(text, W.CONNECTORS, W.CONNECTORS | _LOC | _BLOCK)
        self.spans = {role: self.spans_of(C[role]) for role in (
            "seek", "post_seek", "hedge", "post_hedge", "context", "not_only")}
        self.neutral: set[int] = set()  # words of country phrases: no block between verb and kind
        self.loose: set[int] = set()  # sentences whose list of kinds names other things too

    def read(self) -> list[Constraint]:
        out: list[Constraint] = []
        for group in self.groups([c for c in self.countries if c.value], _LOC | _ARTICLES):
            polarity, start = self.lead(group[0].i, ("excl", "loc", "neg", "only", "hedge"),
                                        _ARTICLES)
            if polarity == "loc":
                polarity, start = self.placed(start, group[-1].j)
            out += self.country(polarity, start, group[-1].j, [c.value for c in group])
        for group in self.groups([c for c in self.countries if c.adj], _ARTICLES):
            polarity, start, end = self.adjective(group)
            out += self.country(polarity, start, end, [c.adj for c in group])
        groups = self.groups(self.kinds, _ARTICLES)
        self.loose = {self.toks[g[0].i].sent for g in groups if self.listed(g[0].i, g[-1].j)}
        return out + [c for group in groups for c in self.kind(group)]

    def listed(self, i: int, j: int) -> bool:
        """The kinds at words i..j-1 are in a list with something no kind names, after them
        ("clusters and associations") or before them ("food processors, clusters and ...")."""
        if self.same(j - 1, j) and self.words[j] in W.CONNECTORS:
            return not self.match(j + 1, W.NOUNS, 4)
        if i == 0:
            return False
        k = i - 1 - (self.words[i - 1] in W.CONNECTORS)  # the last word of the item before
        return self.same(k, i) and k not in self.neutral and (k < i - 1 or "," in self.toks[i].gap)

    def ending(self, k: int, roles: tuple[str, ...]) -> tuple[str, int]:
        return next(((r, s) for r in roles if (s := self.ends_at(k, C[r])) >= 0), ("", -1))

    def noun_ending(self, m: int) -> int:
        return next((k.i for k in self.kinds if k.j - 1 == m), self.ending(m, ("partner",))[1])

    def lead(self, i: int, roles: tuple[str, ...], skip: Collection[str] = ()) -> tuple[str, int]:
        k = self.prev(i)
        for _ in range(2):
            role, start = self.ending(k, roles)
            if role:
                return _POLARITY[role], start
            if k < 0 or skip and self.words[k] not in skip:
                break
            k = self.prev(k)
        return "", i

    def placed(self, s: int, end: int) -> tuple[str, int]:
        """A place word at s counts after a cue or a partner noun, or alone ("Partners in X.")."""
        start, first, found, m = s, s, set(), self.prev(s)
        for _ in range(4):
            role, p = self.ending(m, ("excl", "neg", "only", "hedge", "anchor", "seek"))
            noun = -1 if role else self.noun_ending(m)
            if noun >= 0 and (q := self.lead(noun, ("neg_det", "neg"))[1]) != noun:
                found, start = found | {"neg"}, q  # "no partners from"
            if not role and noun < 0:
                break
            found.add(role or "noun")
            first, m = (p, self.prev(p)) if role else (noun, -1)
            start = p if role in ("excl", "neg", "only", "hedge") else start
        if found & {"excl", "neg"}:  # "außer aus Frankreich", "except in France"
            return "" if "hedge" in found else "exclude", start
        wanted = "only" in found or any(self.same(a, s) for r in (
            "seek", "post_seek", "hedge", "post_hedge") for a, _ in self.spans[r])
        ok = self.alone(s, end) or found and (wanted or self.alone(first, end))
        return ("prefer" if "hedge" in found else "include") if ok else "", start

    def alone(self, i: int, end: int) -> bool:  # words i..end-1 make a sentence (or end one)
        return (not self.same(i - 1, i) or ":" in self.toks[i].gap) and not self.same(end - 1, end)

    def adjective(self, group: list[Mention]) -> tuple[str, int, int]:
        first, last = group[0], group[-1]
        size = self.tight(last.j) and (self.match(last.j, C["partner"]) or next(
            (k.j - k.i for k in self.kinds if k.i == last.j), 0))  # the noun after them
        before, after = self.noun_ending(self.prev(first.i)), last.j + size if size else -1
        if after < 0 and before < 0:
            return "", first.i, last.j
        lo, hi = before if before >= 0 else first.i - first.non, max(after, last.j)
        polarity, start = self.lead(lo, ("neg_det", "neg", "only", "hedge"))
        if first.non:
            polarity, start = "exclude", lo
        if not polarity and (first.based or self.sought(lo) or self.after(hi, ("post_seek",), 3)):
            polarity = "include"
        return polarity or self.after(hi, _HEDGES, 8) and "prefer", start, hi

    def country(self, polarity: str, start: int, end: int, codes: list[str]) -> list[Constraint]:
        if not polarity or self.guarded(start, end, polarity) or polarity == "exclude" and (
                self.after(end, _HEDGES, 1) or self.lead(start, ("hedge",))[0]):
            return []
        if polarity == "include" and self.hedged(start, end, {c.i for c in self.countries}):
            polarity = "prefer"
        self.neutral.update(range(start, end))
        return [self.make(f"{polarity}_country", code, start, end) for code in codes]

    def kind(self, group: list[Mention]) -> list[Constraint]:
        i, j, stop = group[0].i, group[-1].j, {k.i for k in self.kinds}
        polarity, start = self.lead(i, ("neg_det", "neg", "excl", "only", "hedge", "context"))
        if not polarity and (self.sought(i) or self.after(j, ("post_seek",), 3)):
            polarity = "include"
        if polarity == "include" and (self.hedged(start, j, stop) or self.toks[i].sent in self.loose
                                      ) or not polarity and self.after(j, _HEDGES, 8, stop):
            polarity = "prefer"  # and an unwanted kind ("no universities") has no filter (yet)
        return [self.make("sme", True, start, j) if k.value == "sme" and polarity == "include"
                else self.make(f"{polarity}_kind", k.value, start, j) for k in group
                ] if polarity in ("include", "prefer") else []

    def make(self, kind: str, value: str | bool, start: int, end: int) -> Constraint:
        a, b = self.toks[start].start, self.toks[end - 1].end
        return Constraint(kind, value, self.text[a:b], a, b)

    def sought(self, i: int) -> bool:
        """A search verb before word i in its sentence, and no preposition between."""
        return any(e <= i and i - e <= 12 and self.same(s, i) and not any(
            self.words[t] in _BLOCK and t not in self.neutral for t in range(e, i))
            for s, e in self.spans["seek"] + self.spans["post_seek"])

    def after(self, j: int, roles: tuple[str, ...], limit: int, stop: Collection[int] = ()) -> bool:
        starts = {s for role in roles for s, _ in self.spans[role]}
        for t in range(j, min(j + limit, self.n)):
            if not self.same(t, j - 1) or set(self.toks[t].gap) & set(",–(") or t in stop:
                return False
            if t in starts:
                return True
        return False

    def hedged(self, start: int, end: int, stop: Collection[int]) -> bool:
        return self.after(end, _HEDGES, 8, stop) or any(
            e <= start and start - e <= 8 and self.same(s, start) for s, e in self.spans["hedge"])

    def guarded(self, start: int, end: int, polarity: str) -> bool:
        """Words about the requester before the phrase, and no search verb after them; for an
        inclusion, "not only", or a search verb only after it ("a cluster in X seeks ...")."""
        seeks = [s for s, _ in self.spans["seek"] if self.same(s, start)]
        last = max((s for s in seeks if s < start), default=-1)
        if any(e <= start and start - e <= 8 and s > last and self.same(s, start) and not any(
                c in self.toks[t].gap for t in range(s + 1, start + 1) for c in ",:(")
               for s, e in self.spans["context"]):
            return True
        if any(self.same(s, start) and e <= start + 2 for s, e in self.spans["not_only"]):
            return True  # "not only in Spain" neither excludes nor restricts (a CORDIS text)
        return polarity != "exclude" and (
            any(self.same(s, start) for s, _ in self.spans["not_only"])
            or last < 0 and any(s >= end for s in seeks))
