"""The words of :mod:`engine.understand`: country names in English, German, French, Spanish,
Italian, Polish, Dutch, Portuguese, Swedish, Czech and Romanian with the cases a partner search
uses ("Deutschlands", "Niemiec", "Německu", "Germaniei"), country adjectives in the first seven
(inflected by rule, :func:`_inflect`), organisation kinds, and a text read as words (:class:`Text`).
Keys are folded word tuples (:func:`fold`); English names come from :mod:`engine.taxonomy` and
:mod:`engine.mentions`; a form two countries would share names neither.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

from engine.mentions import ADJECTIVES as EN_ADJECTIVES
from engine.mentions import OTHER_COUNTRY_NAMES
from engine.mentions import fold as _fold
from engine.taxonomy import COUNTRIES

Phrases = frozenset[tuple[str, ...]]

WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
_EXTRA = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ı": "i"})


def fold(text: str) -> str:
    """:func:`engine.mentions.fold` plus the letters NFKD keeps ("ł", "ß")."""
    return _fold(text).translate(_EXTRA)


def words(phrase: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in WORD.findall(phrase))


def phrases(text: str) -> Phrases:
    """Comma-separated phrases as folded word tuples; "SME[|s]" stands for "SME, SMEs"."""
    return frozenset(words(x) for p in text.split(",") for x in _expand(p) if words(x))


#: Country names in the 10 languages besides English and in their own: "XX name/name; ...",
#: where "Deutschland[|s]" stands for "Deutschland/Deutschlands".
NAMES = """
    AT Österr[eich|eichs|ike]/Autriche/Austri[a|i|ei]/Oostenrijk/Rakousk[o|a|u];
    BE Belgi[en|ens|que|o|a|i|ë|ei]/Bélgica; BG Bulgari[en|ens|e|a|je|ei]/Bułgarii/Bulharsk[o|a|u]/
    България; HR Kroati[en|ens|ë]/Croa[tie|cia|zia|ția|ției]/
    Chor[wacja|wacji|vatsko|vatska|vatsku]/Hrvatska; CY Zypern[|s]/Chypre/Chipre/Cipr[o|u|ului]/
    Cypr[|u|ze|em|us]/Cypern/Kypr[|u]/Κύπρος; CZ Tschechien[|s]/Tschechische Republik/
    Tschechischen Republik/Tchéquie/République tchèque/Chequia/República Checa/Cechia/
    Repubblica Ceca/Czech[y||ach|ami]/Tsjechië/República Tcheca/Tjeckien/Česk[o|a|u]/
    Česká republika/České republiky/České republice/Cehi[a|ei]; DK Dänemark[|s]/Dinamarca/
    Dani[marca|a|i]/Denemarken/Danmark/Dánsk[o|a|u]/Danemarc[a|ei]; EE Estland[|s]/
    Eston[ie|ia|ii|sko|ska|sku|iei]/Eesti; FI Finnland[|s]/Finland[e|ia|ii||a|ei]/Finsk[o|a|u]/
    Suomi; FR Fran[kreich|kreichs|ce|cia|cja|cji|krijk|ça|krike|cie|cii|ța|ței];
    DE Deutschland[|s]/Allemagne/Aleman[ia|ha]/Germani[a|ei]/Niem[cy|iec|czech|cami]/Duitsland/
    Tyskland/Německ[o|a|u]; GR Grie[chenland|chenlands|kenland]/Grèce/Grec[ia|ja|ji|iei]/Grekland/
    Řeck[o|a|u]/Ελλά[δα|ς]; HU Ungar[n|ns|ia|iei]/Hong[rie|arije]/Hungría/Ungheria/
    Węgr[y|zech|ami]/Węgier/Ungern/Maďarsk[o|a|u]/Magyarország; IE Irland[|s|e|a|ia|ii|ei]/Ierland/
    Irsk[o|a|u]/Éire/Republic of Ireland; IT Itali[en|ens|e|a|ei]/Włoch[y||ami]/Włoszech/Itálii;
    LV Lett[land|lands|onie|onia]/Letoni[a|ei]/Łotw[a|y|ie]/Letland/Lotyšsk[o|a|u]/Latvija;
    LT Litauen[|s]/Lituani[e|a|ei]/Litw[a|y|ie]/Litouwen/Litv[a|y|ě]/Lietuva;
    LU Luxemb[urg|urgs|ourg|urgo|urgului]/Lussemburgo/Luksemburg[|a|u|iem]/Lucembursk[o|a|u]/
    Lëtzebuerg; MT Malt[a|as|e|y|ei]/Malcie; NL Niederlande[|n]/Pays-Bas/Hollande/Países Bajos/
    Holand[a|ia|ii]/Paesi Bassi/Oland[a|ei]/Niderland[y|ów|ach|ami]/Nederl[and|änderna]/
    Países Baixos/Nizozemsk[o|a|u]/Țările de Jos/Țărilor de Jos; PL Polen[|s]/Polo[gne|nia|niei]/
    Pols[ka|ki|ce|ko|ku]; PT Port[ugal|ugals|ogallo|ugalia|ugalii|ugalsko|ugalska|ugalsku|ugaliei];
    RO Rumänien[|s]/Roumanie/Rumanía/Romania/Rumun[ia|ii|sko|ska|sku]/Roemenië/Roménia/României;
    SK Slowak[ei|ije]/Slov[aquie|acchia|akien|ensko|enska|ensku|acia|aciei]/Eslovaquia/
    Słowacj[a|i]/Slovak Republic; SI Slowenien[|s]/
    Slov[énie|enia|enien|insko|inska|insku|eniei|enija]/Eslovenia/Słoweni[a|i];
    ES Span[ien|iens|je|ia|iei]/Espa[gne|ña|nha]/Spagna/Hiszpani[a|i]/Španělsk[o|a|u];
    SE Schweden[|s]/Suède/Suecia/Svezia/Szwecj[a|i]/Zweden/Sverige/Švédsk[o|a|u]/Suedi[a|ei];
    NO Norweg[en|ens|ia|ii]/Norv[ège|egia|egiei]/Noruega/Noorwegen/Norge/Norsk[o|a|u]; CH Schweiz/
    Suisse/Suiza/Svizzera/Szwajcari[a|i]/Zwitserland/Suíça/Švýcarsk[o|a|u]/Elveți[a|ei];
    GB Großbritannien[|s]/Vereinigtes Königreich/Vereinigten Königreich/Royaume-Uni/
    Grande-Bretagne/Reino Unido/Gran Bretaña/Regno Unito/Gran Bretagna/Wielka Brytania/
    Wielkiej Brytanii/Verenigd Koninkrijk/Groot-Brittannië/Grã-Bretanha/Storbritannien/
    Förenade kungariket/Spojené království/Spojeného království/Velká Británie/Velké Británii/
    Regatul Unit/Regatului Unit/Marea Britanie/Marii Britanii/England/Scotland/Wales/
    Northern Ireland; IS Island[e|ia|a|ii|ei]/IJsland;"""

#: Country adjectives per language, masculine singular, in the order of :data:`ORDER`.
ORDER = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE NO CH GB"
ADJECTIVE_STEMS: dict[str, str] = {
    "de": """österreichisch; belgisch; bulgarisch; kroatisch; zyprisch; tschechisch; dänisch;
    estnisch; finnisch; französisch; deutsch; griechisch; ungarisch; irisch; italienisch; lettisch;
    litauisch; luxemburgisch; maltesisch; niederländisch/holländisch; polnisch; portugiesisch;
    rumänisch; slowakisch; slowenisch; spanisch; schwedisch; norwegisch; schweizerisch/schweizer;
    britisch""",
    "fr": """autrichien; belge; bulgare; croate; chypriote; tchèque; danois; estonien; finlandais;
    français; allemand; grec; hongrois; irlandais; italien; letton; lituanien; luxembourgeois;
    maltais; néerlandais/hollandais; polonais; portugais; roumain; slovaque; slovène; espagnol;
    suédois; norvégien; suisse; britannique""",
    "es": """austriaco; belga; búlgaro; croata; chipriota; checo; danés; estonio; finlandés;
    francés; alemán; griego; húngaro; irlandés; italiano; letón; lituano; luxemburgués; maltés;
    neerlandés/holandés; polaco; portugués; rumano; eslovaco; esloveno; español; sueco; noruego;
    suizo; británico""",
    "it": """austriaco; belga; bulgaro; croato; cipriota; ceco; danese; estone; finlandese;
    francese; tedesco; greco; ungherese; irlandese; italiano; lettone; lituano; lussemburghese;
    maltese; olandese/neerlandese; polacco; portoghese; rumeno; slovacco; sloveno; spagnolo;
    svedese; norvegese; svizzero; britannico""",
    "pl": """austriacki; belgijski; bułgarski; chorwacki; cypryjski; czeski; duński; estoński;
    fiński; francuski; niemiecki; grecki; węgierski; irlandzki; włoski; łotewski; litewski;
    luksemburski; maltański; holenderski/niderlandzki; polski; portugalski; rumuński; słowacki;
    słoweński; hiszpański; szwedzki; norweski; szwajcarski; brytyjski""",
    "nl": """Oostenrijks; Belgisch; Bulgaars; Kroatisch; Cypriotisch; Tsjechisch; Deens; Estisch;
    Finse; Frans; Duits; Grieks; Hongaars; Iers; Italiaans; Letse; Litouws; Luxemburgs; Maltees;
    Nederlands/Hollands; Poolse; Portugees; Roemeens; Slowaaks; Sloveens; Spaans; Zweeds; Noors;
    Zwitsers; Britse""",
}


def _inflect(lang: str, form: str) -> set[str]:
    """Folded forms of a masculine singular adjective: "deutsche(n) Partner", "polscy partnerzy",
    "socios españoles", "partner tedeschi" (a few forms no language has do no harm)."""
    f = fold(form)
    stem = f[:-1]
    if lang in ("de", "nl"):
        return {f + s for s in ("", "e", "en", "er", "es", "em")} if lang == "de" else {
            f, f[:-2] + "se" if f.endswith("ees") else f + "e"}
    if lang == "fr":
        ends = {"n": ("", "s", "ne", "nes"), "e": ("", "s"), "s": ("", "e", "es"),
                "c": ("", "s", "que", "ques")}.get(f[-1], ("", "s", "e", "es"))
        return {f + s for s in ends}
    if lang == "it":
        return {"o": {f, stem + "i", stem + "a", stem + "e", stem + "hi", stem + "he"},
                "e": {f, stem + "i"}, "a": {f, stem + "i", stem + "e", stem + "he"}}[f[-1]]
    if lang == "pl":
        return {stem + s for s in ("i", "a", "ie", "ich", "im", "imi", "iego", "iej")} | {
            stem[:-1] + "cy"}
    if f.endswith("o"):  # es
        return {f, f + "s", stem + "a", stem + "as"}
    if f[-1] in "ae":
        return {f, f + "s"}
    return {f, f + "es", f + "a", f + "as"}


def _table(pairs: list[tuple[str, str]]) -> dict[tuple[str, ...], str]:
    """Folded phrase -> code; a phrase two countries would share names neither."""
    table: dict[tuple[str, ...], str] = {}
    clashes: set[tuple[str, ...]] = set()
    for code, form in pairs:
        key = words(form)
        if key and table.setdefault(key, code) != code:
            clashes.add(key)
    return {key: code for key, code in table.items() if key not in clashes}


def _entries(table: str, codes: list[str] | None = None) -> list[tuple[str, list[str]]]:
    """(code, forms) of "XX form/form; ..." or, with ``codes``, of "form/form; ..."."""
    entries = [e.strip() for e in " ".join(table.split()).split(";") if e.strip()]
    if codes is None:
        codes, entries = [e[:2] for e in entries], [e[3:] for e in entries]
    return [(code, [x for f in entry.split("/") if f.strip() for x in _expand(f.strip())])
            for code, entry in zip(codes, entries, strict=True)]


def _expand(form: str) -> list[str]:
    m = re.search(r"\[([^]]*)\]", form)
    return [x for alt in m.group(1).split("|") for x in _expand(form[:m.start()] + alt + form[
        m.end():])] if m else [form]


#: English names left out: ordinary words or other places ("Monaco" is Munich in Italian).
_SKIPPED = {"jersey", "guernsey", "chad", "monaco"}

NOUNS = _table(
    [(code, name) for code, name in COUNTRIES.items() if fold(name) not in _SKIPPED]
    + [(code, n) for code, names in OTHER_COUNTRY_NAMES.items() for n in names]
    + [(code, form) for code, forms in _entries(NAMES) for form in forms]
)
ADJECTIVES = _table(
    [(code, a) for code, names in EN_ADJECTIVES.items() for a in names]
    + [(code, form) for lang, table in ADJECTIVE_STEMS.items()
       for code, stems in _entries(table, ORDER.split()) for stem in stems
       for form in _inflect(lang, stem)]
)
#: Written in lower case these are ordinary words ("polish the surface", "turkey meat").
CAPITALISED = frozenset({"polish", "turkey", "china"})

#: Organisation kinds (:class:`engine.taxonomy.Kind` values, and "sme") and their names.
KIND_NAMES: dict[str, str] = {
    "research": """research organi[s|z]ation[|s], research institut[e|es|ion|ions], research
    cent[re|res|er|ers], RTOs, Forschungs[einrichtungen|institute|organisationen|zentren],
    [organismes|instituts|centres] de recherche, [organismos|centros|institutos] de investigación,
    centros tecnológicos, [enti|istituti|centri|organismi] di ricerca, instytuty badawcze,
    instytutów badawczych, jednostki badawcze, jednostek badawczych,
    onderzoeks[instellingen|instituten], kennisinstellingen, [organismos|institutos|centros] de
    investigação, forsknings[institut|organisationer], výzkumné organizace, výzkumných organizací,
    výzkumné ústavy, [organizații|institute] de cercetare""",
    "university": """universit[y|ies], higher education institutions, academia, Universitäten,
    Hochschulen, universités, universidades, università, atenei, uczeln[ie|i], uniwersytety,
    universiteiten, hogescholen, universitet[|en], högskolor, lärosäten, univerzity, vysoké
    školy, universități, universitățile""",
    "cluster": """cluster[|s], cluster organi[s|z]ations, Clusterorganisationen, pôles de
    compétitivité, clúster[|es], agrupaciones empresariales innovadoras, distretti tecnologici,
    klastr[y|ów|ů], clusterorganisaties, polos de competitividade, kluster, cluster[e|ele]""",
    "company": """companies, enterprises, firms, businesses, industr[ial|y] partners, start-ups,
    startups, Unternehmen, Firmen, Industriepartner, entreprises, partenaires industriels, empresas,
    aziende, imprese, partner industriali, firmy, przedsiębiorstw[a|], bedrijven, ondernemingen,
    företag, podnik[y|ů], companii, firme""",
    "sme": """SME[|s|'s], small and medium[-sized|] enterprises, KMU[|s], kleine und mittlere
    Unternehmen, PME[|s], petites et moyennes entreprises, pyme[|s], pequeñas y medianas empresas,
    PMI, piccole e medie imprese, MŚP, małe i średnie przedsiębiorstwa, małych i średnich
    przedsiębiorstw, mkb[|-bedrijven], kmo[|'s], pequenas e médias empresas, SMF, små och
    medelstora företag, malé a střední podniky, malých a středních podniků, IMM[|-uri]""",
    "public": """public authorit[y|ies], public bodies, public administrations, [local|regional]
    authorities, municipalities, Behörden, öffentliche Einrichtungen, Kommunen, autorités
    publiques, organismes publics, collectivités territoriales, [autoridades|administraciones|
    entidades] públicas, organismos públicos, autorità pubbliche, enti pubblici, pubbliche
    amministrazioni, władze publiczne, instytucje publiczne, overheden, overheidsinstanties,
    gemeenten, municípios, myndigheter, kommuner, veřejné instituce, [autorități|instituții]
    publice""",
}
KINDS: dict[tuple[str, ...], str] = {
    key: kind for kind, names in KIND_NAMES.items() for key in phrases(names)}
#: Singular English kind words that are often the first half of another noun ("cluster
#: analysis", "university hospital"): a kind only when no other noun follows.
MODIFIERS = phrases("cluster, university, company, sme, pme, kmu, academia")
#: Words that join the items of a list ("Italy, Spain or Portugal").
CONNECTORS = frozenset(words("""or, and, as well as, nor, oder, und, sowie, bzw, noch, ou, et, ainsi
que, ni, o, u, y, e, ed, oppure, ne, lub, albo, oraz, i, czy, ani, of, en, eller, och, samt, nebo,
a, či, sau, și, nici, ori"""))


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
            modifier = tuple(self.words[i:j]) in MODIFIERS and self.tight(j) and (
                self.words[j] not in self.followers)  # "cluster analysis", "university hospital"
            if size and not (self.joined(i) or self.joined(j) or modifier):
                out.append(Mention(i, j, KINDS[tuple(self.words[i:j])]))
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
