"""The words of :mod:`engine.understand`: its cue words by role (:data:`CUE_WORDS`: "outside",
"poza", "we seek"), country names in English, German, French, Spanish, Italian, Polish, Dutch,
Portuguese, Swedish, Czech and Romanian with the cases a partner search uses ("Deutschlands",
"Niemiec", "Německu", "Germaniei"), country adjectives in the first seven and Czech (inflected
by rule, :func:`_inflect`), and :class:`Vocabulary`, phrases of words and stems (for the kinds of
:mod:`engine.understand_kinds`). Keys are folded word tuples (:func:`fold`); English names come
from :mod:`engine.taxonomy` and :mod:`engine.mentions`; a form two countries would share names
neither.
"""

from __future__ import annotations

import re
from itertools import product

from engine.mentions import ADJECTIVES as EN_ADJECTIVES
from engine.mentions import OTHER_COUNTRY_NAMES
from engine.mentions import fold as _fold
from engine.taxonomy import COUNTRIES

Phrases = frozenset[tuple[str, ...]]

WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
_STEMMED = re.compile(WORD.pattern + r"\*?")  # "badawcz*": a stem (:class:`Vocabulary`)
_EXTRA = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ı": "i"})


def fold(text: str) -> str:
    """:func:`engine.mentions.fold` plus the letters NFKD keeps ("ł", "ß")."""
    return _fold(text).translate(_EXTRA)


def words(phrase: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in WORD.findall(phrase))


def phrases(text: str) -> Phrases:
    """Comma-separated phrases as folded word tuples; "SME[|s]" stands for "SME, SMEs"."""
    return frozenset(words(x) for p in text.split(",") for x in expand(p) if words(x))


#: Cue words by role (:mod:`engine.understand` says how each is read); "bienvenu[s|es]" stands
#: for "bienvenus, bienvenues".
CUE_WORDS: dict[str, str] = {
    "loc": """in, from, within, inside, aus, im, innerhalb, en, au, aux, de, d, du, des, dans, del,
    desde, da, dal, dalla, dall, dai, nel, nella, nell, nei, negli, w, we, z, ze, na, uit, em, no,
    nos, do, dos, i, från, inom, v, ve, din""",
    "excl": """outside, outside of, excluding, except, except for, other than, außer,
    außerhalb [|von], ausgenommen, mit Ausnahme von, hors, hors de, en dehors de, sauf, excepté,
    à l'exception de, fuera de, excepto, salvo, a excepción de, excluyendo, no de, no en, al di
    fuori d[i|el|ella|ell|ei|egli|elle], fuori, tranne, eccetto, esclus[o|a], ad eccezione di,
    poza, spoza, [z|za] wyjątkiem, oprócz, buiten, behalve, uitgezonderd, met uitzondering van,
    fora d[e|a|o], exceto, com exceção de, excluindo, utanför, utom, förutom, med undantag av,
    mimo, kromě, s výjimkou, vyjma, [în|din] afar[a|ă de], cu excepția, exceptând, nu din, nu
    de""",
    "neg": """not, nicht, pas, non, nie, niet, não, inte, ej, ne, neither, weder, ni, ani, nem,
    nici, varken, pero no, y no, dar nu, și nu""",
    "neg_det": """no, without, kein[|e|en], ohne, aucun[|e], sans, pas d[e|], ningun[|a], sin,
    nessun[|a], senza, żadnych, żadnego, bez, geen, zonder, nenhum[|a], sem, inga, ingen, utan,
    žádn[é|ých], nici[un|o], fără, [don't|do not] [want|need|seek], not [looking for|seeking]""",
    "only": """only, exclusively, solely, nur, ausschließlich, uniquement, seulement, solo, sólo,
    solamente, únicamente, soltanto, esclusivamente, tylko, wyłącznie, alleen, uitsluitend, apenas,
    somente, exclusivamente, endast, bara, enbart, pouze, jen, výhradně, doar, numai""",
    "hedge": """preferably, ideally, if possible, where possible, preferred, prefer, for example,
    e.g., such as, vorzugsweise, bevorzugt, idealerweise, möglichst, gerne, wenn möglich, zum
    Beispiel, z.B., de préférence, idéalement, si possible, par exemple, préférons,
    preferiblemente, preferentemente, idealmente, de preferencia, si es posible, por ejemplo,
    preferimos, preferibilmente, possibilmente, se possibile, ad esempio, per esempio, preferiamo,
    najlepiej, idealnie, jeśli to możliwe, na przykład, np., prefer[ujemy|owane|owani], bij
    voorkeur, liefst, idealiter, indien mogelijk, bijvoorbeeld, de preferência, preferencialmente,
    se possível, helst, företrädesvis, gärna, om möjligt, till exempel, t.ex., föredrar, nejlépe,
    přednostně, ideálně, pokud možno, například, preferujeme, preferabil, de preferință, ideal,
    dacă este posibil, de exemplu, preferăm""",
    "post_hedge": """welcome[|d], a plus, an advantage, an asset, desirable, nice to have, not
    [required|mandatory|necessary], optional, willkommen, erwünscht, wünschenswert, von Vorteil,
    ein Plus, bienvenu[s|es], souhaités, souhaitable, un plus, un atout, bienvenidos, deseable,
    graditi, benvenuti, un vantaggio, mile widzian[i|e], welkom, gewenst, een pluspunt, bem-vindos,
    desejável, uma vantagem, välkomna, meriterande, vítán[i|y], výhodou, bineven[iți|ite], un
    avantaj, prefera[ți|te]""",
    "seek": """seek[|s|ing], look[|ing] for, search[|ing] for, need[|s], want[|s], require[|s],
    invite, would like, 'd like, such[e|en|t], möchten, benötigen, brauchen, auf der Suche nach,
    [re|]cherch[ons|e], à la recherche de, besoin de, il nous faut, busca[|mos|n], necesita[|mos],
    queremos, en busca de, se busca[|n], cerchiamo, vorremmo, si cercano, ricerchiamo, ci
    serv[e|ono], abbiamo bisogno di, alla ricerca di, szuka[|my], poszukuje[|my], potrzebujemy,
    zoek[|en|t], op zoek naar, procura[|mos], precisamos, à procura de, em busca de, söker, letar
    efter, behöver, hledá[|me], potřebujeme, sháníme, căutăm, caută, avem nevoie de, în căutarea""",
    "post_seek": """sought, wanted, needed, required, gesucht, benötigt, recherché[s|es],
    cercasi, buscad[os|as], cercat[i|e], poszukiwan[i|e], potrzebni, gezocht, nodig, procurados,
    sökes, hledán[i|y], căuta[ți|te]""",
    "context": """we are, we're, I am, our, my, worked, collaborated, experience, previously,
    already, existing, current, we have, wir [sind|haben], unser[|e|en], nous [sommes|avons],
    notre, somos, tenemos, nuestr[o|a|os|as], siamo, abbiamo, nostr[o|a|i|e], jesteśmy, mamy,
    nasz[|a|e], w[ij|e] zijn, we hebben, onze, temos, noss[o|a|os|as], vi [är|har], vår[|t|a],
    jsme, máme, náš, naše, suntem, avem, nostru, noastră, there [are|is], so far, currently""",
    "not_only": """not only, not just, nicht nur, pas seulement, non solo, no solo, nie tylko, niet
    alleen, não só, inte bara, nejen, nu doar, nu numai""",
    "anchor": """based, located, situated, headquartered, established, registered, active,
    operating, come, coming, ansässig[|e|en], Sitz, kommen, stammen, basés, situés, établis,
    implantés, ubicados, situados, radicados, basados, sede, procedentes, basati, situati,
    provenienti, siedzibą, pochodzący, gevestigd, afkomstig, sediados, baseados, localizados,
    baserade, belägna, verksamma, sídlící, sídlem, sediul, stabilite""",
    "partner": """partner[|s|n|a|zy|ów|ami|y|i|ů], partenaire[|s], soci[o|os|a|as],
    parceir[o|os|a|as], partener[|i|ii], organi[s|z]ation[|s], Organisationen, organizaciones,
    organizzazioni, organizacj[e|i], organisaties, organizações, organisationer, organizace,
    organizații, institutions, Einrichtungen, entities, entidades, participants, members, membres,
    miembros""",
    "article": """the, a, an, some, any, other, der, die, das, den, dem, des, le, la, les, l, el,
    los, las, il, lo, gli, i, o, os, as, het, un, une, uno, una, einige, kilka, enkele, alguns""",
    "block": """with, on, about, of, for, to, by, at, in, from, that, which, who, mit, über, für,
    von, zu, bei, avec, sur, pour, par, entre, dans, qui, con, sobre, para, por, que, su, per, tra,
    che, dla, przez, któr[y|e|zy], met, over, voor, door, om, com, med, av, som, pro, kter[ý|é|í],
    s, cu, despre, pentru, care""",
}

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
    LT Litauen[|s]/Lituani[e|a|ei]/Litw[a|y|ie]/Litouwen/Litv[a|y|ě|u]/Lietuva;
    LU Luxemb[urg|urgs|ourg|urgo|urgului]/Lussemburgo/Luksemburg[|a|u|iem]/Lucembursk[o|a|u]/
    Lëtzebuerg; MT Malt[a|as|e|y|ei|u]/Malcie; NL Niederlande[|n]/Pays-Bas/Hollande/Países Bajos/
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
    GB Großbritannien[|s]/Vereinigte[s|n] Königreich[|s]/Royaume-Uni/Grande-Bretagne/Reino Unido/
    Gran Bretaña/Regno Unito/Gran Bretagna/Wielka Brytania/Wielkiej Brytanii/Verenigd Koninkrijk/
    Groot-Brittannië/Grã-Bretanha/Storbritannien/Förenade kungariket/Spojen[é|ého] království/
    Velk[á|é] Británie/Velk[é|ou] Británii/Regatul Unit/Regatului Unit/Marea Britanie/
    Marii Britanii/England/Scotland/Wales/Northern Ireland; IS Island[e|ia|a|ii|ei|u]/IJsland;"""

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
    "cs": """rakouský; belgický; bulharský; chorvatský; kyperský; český; dánský; estonský; finský;
    francouzský; německý; řecký; maďarský; irský; italský; lotyšský; litevský; lucemburský;
    maltský; nizozemský; polský; portugalský; rumunský; slovenský; slovinský; španělský; švédský;
    norský; švýcarský; britský""",
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
    if lang == "cs":  # "německé partnery", "německých firem", "německá univerzita"
        return {stem + s for s in ("y", "a", "e", "ych", "eho")}
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
    return [(code, [x for f in entry.split("/") if f.strip() for x in expand(f.strip())])
            for code, entry in zip(codes, entries, strict=True)]


def expand(form: str) -> list[str]:
    m = re.search(r"\[([^]]*)\]", form)
    return [x for alt in m.group(1).split("|") for x in expand(form[:m.start()] + alt + form[
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

class Vocabulary:
    """Phrases of words and stems, and what each names: in ``names[value][lang]``, "stem*"
    stands for the stem plus one of the ``endings`` of its language, so "organizacj* badawcz*"
    names "organizacji badawczych". ``modifiers``: phrases that are the first half of another
    noun when one follows ("cluster analysis", "university hospital")."""

    def __init__(self, names: dict[str, dict[str, str]], endings: dict[str, str],
                 modifiers: str) -> None:
        self.table: dict[tuple[str, ...], str] = {}
        self.forms: dict[str, set[str]] = {}  # a written word -> the stems it is a form of
        for value, texts in names.items():
            for lang, text in texts.items():
                for phrase in (x for p in text.split(",") for x in expand(p.strip())):
                    if key := tuple(self._word(w, lang, endings) for w in _STEMMED.findall(phrase)):
                        self.table[key] = value
        self.modifiers = phrases(modifiers)
        first = {key[0] for key in self.table}
        # the written words a phrase can begin with: a quick "no" for every other word
        self.starts = first | {w for w, stems in self.forms.items() if stems & first}

    def _word(self, word: str, lang: str, endings: dict[str, str]) -> str:
        if not word.endswith("*"):
            return fold(word)
        stem = fold(word[:-1])
        for ending in endings[lang].split("|"):
            self.forms.setdefault(stem + ending, set()).add(stem + "*")
        return stem + "*"

    def get(self, key: tuple[str, ...]) -> str | None:
        """What the folded words ``key`` name, None if nothing."""
        if not key or key[0] not in self.starts:
            return None
        return next((self.table[k] for k in product(*((w, *self.forms.get(w, ())) for w in key))
                     if k in self.table), None)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and self.get(key) is not None


#: Words that join the items of a list ("Italy, Spain or Portugal").
CONNECTORS = frozenset(words("""or, and, as well as, nor, oder, und, sowie, bzw, noch, ou, et, ainsi
que, ni, o, u, y, e, ed, oppure, ne, lub, albo, oraz, i, czy, ani, of, en, eller, och, samt, nebo,
a, či, sau, și, nici, ori"""))
