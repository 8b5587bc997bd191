"""What a request names: organisations, places and countries written in its text.

A request that says "pilot sites in Valencia and Rome" or "building on our work with SINTEF"
carries information that text similarity does not weigh: it names who and where. Each match is
a 0/1 signal per candidate (declared in :mod:`engine.builtin_signals`):

- ``named``: the request names the organisation by its acronym, as written (case kept), or by
  its full name (case ignored). An acronym that is also a common word of the corpus ("FAIR",
  "SAFE") names nobody and is skipped (:func:`usable_acronym`).
- ``named_place``: the request names the organisation's city or NUTS-2 region, in its own
  spelling (accents and case folded: "Munchen", "MÜNCHEN") or in a common English form
  (:data:`EXONYMS`: "Munich", "Catalonia").
- ``named_country``: the request names the organisation's country, by its English name or
  adjective ("Spain", "Spanish").

Matching is by whole words: the request's word sequences (up to :data:`MAX_WORDS` words) are
collected once into sets, so a candidate costs a few set lookups.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from engine.taxonomy import COUNTRIES

MAX_WORDS = 6
#: A place name shorter than this is not matched ("Ede", "Zug" collide with abbreviations).
MIN_PLACE_CHARS = 4

_WORD = re.compile(r"[^\W_](?:[\w&'\-]*[^\W_])?")

#: English adjectives of European and neighbouring countries ("Spanish pilot sites").
ADJECTIVES: dict[str, tuple[str, ...]] = {
    "AT": ("Austrian",), "BE": ("Belgian",), "BG": ("Bulgarian",), "CH": ("Swiss",),
    "CY": ("Cypriot",), "CZ": ("Czech",), "DE": ("German",), "DK": ("Danish",),
    "EE": ("Estonian",), "ES": ("Spanish",), "FI": ("Finnish",), "FR": ("French",),
    "GB": ("British",), "GR": ("Greek",), "HR": ("Croatian",), "HU": ("Hungarian",),
    "IE": ("Irish",), "IL": ("Israeli",), "IS": ("Icelandic",), "IT": ("Italian",),
    "LT": ("Lithuanian",), "LU": ("Luxembourgish",), "LV": ("Latvian",), "MT": ("Maltese",),
    "NL": ("Dutch",), "NO": ("Norwegian",), "PL": ("Polish",), "PT": ("Portuguese",),
    "RO": ("Romanian",), "RS": ("Serbian",), "SE": ("Swedish",), "SI": ("Slovenian",),
    "SK": ("Slovak", "Slovakian"), "TR": ("Turkish",), "UA": ("Ukrainian",),
}
#: Other English names of countries, besides :data:`engine.taxonomy.COUNTRIES`.
OTHER_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "CZ": ("Czech Republic",), "GB": ("UK", "Britain", "Great Britain"), "TR": ("Turkey",),
    "NL": ("Holland",), "US": ("USA",), "MK": ("Macedonia",),
}

#: Common English names of European cities and regions whose own spelling differs, keyed by
#: the folded own spelling as CORDIS writes it (cities in the local language, NUTS-2 names).
EXONYMS: dict[str, tuple[str, ...]] = {
    "roma": ("rome",), "munchen": ("munich",), "athina": ("athens",), "milano": ("milan",),
    "napoli": ("naples",), "torino": ("turin",), "firenze": ("florence",),
    "venezia": ("venice",), "genova": ("genoa",), "padova": ("padua",), "lisboa": ("lisbon",),
    "bruxelles": ("brussels",), "brussel": ("brussels",), "wien": ("vienna",),
    "praha": ("prague",), "warszawa": ("warsaw",), "krakow": ("cracow",),
    "kobenhavn": ("copenhagen",), "goteborg": ("gothenburg",), "koln": ("cologne",),
    "nurnberg": ("nuremberg",), "hannover": ("hanover",), "sevilla": ("seville",),
    "zaragoza": ("saragossa",), "bucuresti": ("bucharest",), "beograd": ("belgrade",),
    "thessaloniki": ("salonika",), "den haag": ("the hague",), "s-gravenhage": ("the hague",),
    "antwerpen": ("antwerp",), "gent": ("ghent",), "leuven": ("louvain",),
    "geneve": ("geneva",), "lefkosia": ("nicosia",),
    "cataluna": ("catalonia",), "catalunya": ("catalonia",), "pais vasco": ("basque country",),
    "andalucia": ("andalusia",), "oberbayern": ("bavaria",), "niederbayern": ("bavaria",),
    "lombardia": ("lombardy",), "toscana": ("tuscany",), "piemonte": ("piedmont",),
    "sicilia": ("sicily",), "sardegna": ("sardinia",), "puglia": ("apulia",),
    "bretagne": ("brittany",), "attiki": ("attica",), "ile-de-france": ("paris region",),
    "comunidad de madrid": ("madrid",), "comunitat valenciana": ("valencia",),
    "prov vlaams-brabant": ("flemish brabant",), "prov antwerpen": ("antwerp",),
    "hovedstaden": ("capital region of denmark",), "helsinki-uusimaa": ("helsinki",),
}


def fold(text: str) -> str:
    """Lower case without accents: "MÜNCHEN" and "München" both give "munchen"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def _grams(words: list[str]) -> set[str]:
    return {
        " ".join(words[i:i + n])
        for n in range(1, MAX_WORDS + 1)
        for i in range(len(words) - n + 1)
    }


def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name in COUNTRIES.items():
        for form in (name, *ADJECTIVES.get(code, ()), *OTHER_COUNTRY_NAMES.get(code, ())):
            names[form] = code
    return names


_COUNTRY_BY_NAME = _country_names()


def _words(text: str) -> str:
    """``text`` as folded words joined by single spaces: the form of a request's grams."""
    return " ".join(fold(word) for word in _WORD.findall(text))


#: Postal and district suffixes of CORDIS city names: "Paris Cedex 16", "Praha 4", "Lyon 7Eme".
_CITY_SUFFIX = re.compile(r"(?: cedex\b.*| \d+\w*)+$")
#: "Frankfurt am Main", "Freiburg im Breisgau", "Garching bei München": also the first part.
_QUALIFIED = re.compile(r"^(.+?) (?:am|an der|an|im|in der|bei|ob der) ")


def place_keys(*names: str) -> tuple[str, ...]:
    """The folded forms under which a city or region can be named: each own spelling
    ("Bruxelles / Brussel", "'s-Gravenhage (Den Haag)"), without postal or district suffixes,
    the town of a qualified German name, and their English exonyms; short names are left
    out."""
    keys: list[str] = []
    for name in names:
        for part in re.split(r"[/()]", name):
            own = _CITY_SUFFIX.sub("", _words(part))
            qualified = _QUALIFIED.match(own)
            forms = [own, qualified.group(1)] if qualified else [own]
            for form in forms:
                for key in (form, *EXONYMS.get(form, ())):
                    if len(key) >= MIN_PLACE_CHARS and key not in keys:
                        keys.append(key)
    return tuple(keys)


def name_key(name: str) -> str:
    """The folded full name under which a request can name an organisation ("" for a
    one-word name: that is matched as an acronym, with its case)."""
    folded = _words(name)
    return folded if " " in folded else ""


def usable_acronym(acronym: str, common: Callable[[str], bool]) -> str:
    """``acronym`` if a request naming it most likely names the organisation, else "".

    Skipped: names shorter than 3 characters, names without a capital letter (a CORDIS
    short name "sustainable"), and single words that ``common`` says are ordinary words of
    the corpus ("FAIR", "SAFE", "WHO").
    """
    acronym = " ".join(_WORD.findall(acronym))
    if len(acronym) < 3 or acronym == acronym.lower():
        return ""
    if " " not in acronym and common(acronym.lower()):
        return ""
    return acronym


@dataclass(frozen=True)
class Mentions:
    """The word sequences of one request text, as written and folded."""

    exact: frozenset[str]
    folded: frozenset[str]
    countries: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Mentions:
        words = _WORD.findall(text)
        exact = _grams(words)
        return cls(
            exact=frozenset(exact),
            folded=frozenset(_grams([fold(word) for word in words])),
            countries=frozenset(_COUNTRY_BY_NAME[g] for g in exact if g in _COUNTRY_BY_NAME),
        )

    def organisation(self, acronym: str, name: str) -> str:
        """Which of an organisation's usable acronym (:func:`usable_acronym`) and name key
        (:func:`name_key`) the request names, acronym first, or ""."""
        if acronym and acronym in self.exact:
            return acronym
        if name and name in self.folded:
            return name
        return ""

    def place(self, keys: Iterable[str]) -> str:
        """The first of a candidate's place keys (:func:`place_keys`) the request names."""
        return next((key for key in keys if key in self.folded), "")
