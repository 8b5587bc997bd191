"""Request boilerplate: the words every partner request uses, whatever its topic.

"We seek partners for a joint Horizon proposal" says nothing about which partner fits: the
lexical index drops these words as it drops stop words (see :mod:`engine.analyzer`), so
"seek" or "projekt" never ranks a candidate or shows up as a shared term. Lists are whole
lower-case words (the inflections written out, no stemming: a stem would also drop real topic
words, "cooperative" with "cooperation"), per language, for the request's language and
English. Phrases ("wir suchen", "nous cherchons") are dropped word by word: their other word
is a stop word.

Kept out on purpose: words that also name topics in the same language ("recherche" is French
for research, "commune" a municipality). Kept in, at a small cost: English "joint" (also a
knee joint) and "collaboration" (also human-robot collaboration), because requests use them
far more often in the boilerplate sense. "Europe" and "European" are boilerplate too in a
European partner search (in English they are also in more than half of the profiles).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: ISO 639-1 code -> boilerplate words of that language.
BOILERPLATE: dict[str, frozenset[str]] = {
    "en": _words("""seek seeks seeking sought look looks looking partner partners project
        projects consortium consortia proposal proposals horizon call calls collaboration
        collaborations collaborate cooperation co-operation cooperate joint europe european"""),
    "de": _words("""suchen sucht gesucht partner partnern partners partnerin partnerinnen
        projekt projekte projekts projektes projekten konsortium konsortien vorschlag
        projektvorschlag antrag ausschreibung aufruf horizont zusammenarbeit kooperation
        kooperationen gemeinsam gemeinsame gemeinsamen gemeinsamer gemeinsames europa
        europäisch europäische europäischen europäischer europäisches"""),
    "fr": _words("""cherchons cherche recherchons partenaire partenaires projet projets
        consortium consortiums proposition propositions appel appels collaboration
        collaborations coopération coopérations conjoint conjointe conjoints commun communs
        europe européen européenne européens européennes"""),
    "es": _words("""buscamos busca buscando socio socios socia socias proyecto proyectos
        consorcio consorcios propuesta propuestas convocatoria convocatorias horizonte
        colaboración colaboraciones cooperación conjunto conjunta conjuntos conjuntas europa
        europeo europea europeos europeas"""),
    "it": _words("""cerchiamo cerca cercando partner progetto progetti consorzio consorzi
        proposta proposte bando bandi orizzonte collaborazione collaborazioni cooperazione
        congiunto congiunta congiunti congiunte europa europeo europea europei europee"""),
    "pl": _words("""szukamy szuka poszukujemy poszukuje partner partnera partnerów partnerzy
        partnerami partnerem partnerom partnerach partnerów projekt projektu projekty
        projektów projektem projekcie konsorcjum ramach wniosek wniosku nabór naboru konkurs
        konkursu horyzont współpraca współpracy współpracę współpracą wspólny wspólnego
        wspólnie wspólna wspólnej wspólnym europa europy europie europejski europejskiej
        europejskich europejskiego europejska europejskie"""),
    "pt": _words("""procuramos procura partner parceiro parceiros parceira parceiras projeto
        projetos projecto projectos consórcio proposta propostas concurso convite horizonte
        colaboração colaborações cooperação conjunto conjunta europa europeu europeia europeus
        europeias"""),
    "nl": _words("""zoeken zoekt gezocht partner partners project projecten consortium
        voorstel oproep samenwerking samenwerken gezamenlijk gezamenlijke europa europese"""),
    "sv": _words("""söker partner partners partnern projekt projektet konsortium förslag
        utlysning samarbete samarbeta gemensamt gemensam gemensamma"""),
    "da": _words("""søger partner partnere projekt projektet konsortium forslag indkaldelse
        samarbejde fælles"""),
    "fi": _words("""etsimme etsii kumppani kumppania kumppaneita kumppaneja kumppanin hanke
        hankkeen hankkeeseen projekti projektin konsortio hakemus haku yhteistyö
        yhteistyötä yhteistyön yhteinen"""),
    "cs": _words("""hledáme hledá partner partnera partnery partnerů projekt projektu
        projekty konsorcium návrh výzva výzvy spolupráce spolupráci společný společného"""),
    "sk": _words("""hľadáme hľadá partner partnera partnerov partnerov projekt projektu
        projekty konzorcium návrh výzva výzvy spolupráca spoluprácu spolupráce spoločný"""),
    "hu": _words("""keresünk keres partner partnert partnereket partnerek projekt projektet
        projektben konzorcium pályázat pályázati felhívás együttműködés együttműködést
        közös"""),
    "ro": _words("""căutăm caută partener parteneri partenerii proiect proiectul proiecte
        proiectului consorțiu consorțiul propunere apel colaborare colaborarea cooperare
        comun comună"""),
    "el": _words("""αναζητούμε ζητούμε εταίρο εταίρους εταίροι εταίρων έργο έργου έργα
        κοινοπραξία πρόταση πρόσκληση συνεργασία συνεργασίας κοινό κοινή"""),
    "sl": _words("""iščemo išče partner partnerja partnerje partnerjev projekt projekta
        projekte konzorcij predlog razpis sodelovanje sodelovanja skupni"""),
    "hr": _words("""tražimo traži partner partnera partnere partnera projekt projekta
        projekte konzorcij prijedlog natječaj poziv suradnja suradnju suradnje zajednički"""),
    "bg": _words("""търсим търси партньор партньори партньора проект проекта проекти
        консорциум предложение покана сътрудничество съвместен съвместно"""),
    "lt": _words("""ieškome ieško partnerio partnerių partnerius projektas projekto projektų
        konsorciumas pasiūlymas kvietimas bendradarbiavimas bendradarbiavimo bendras"""),
    "lv": _words("""meklējam meklē partneri partnerus partneru projekts projekta projektu
        konsorcijs priekšlikums uzaicinājums sadarbība sadarbību kopīgs"""),
    "et": _words("""otsime otsib partner partnerit partnereid partnerite projekt projekti
        projektid konsortsium taotlus taotlusvoor koostöö koostööd ühine"""),
    "ga": _words("""comhpháirtí comhpháirtithe tionscadal tionscadail comhoibriú"""),
    "no": _words("""søker partner partnere prosjekt prosjektet prosjekter konsortium forslag
        utlysning samarbeid felles"""),
    "tr": _words("""arıyoruz ortak ortaklar ortakları proje projesi projeler konsorsiyum
        teklif çağrı işbirliği ortaklık"""),
    "uk": _words("""шукаємо партнер партнера партнерів партнери проєкт проект проєкту
        проекту консорціум пропозиція заявка співпраця співпраці спільний"""),
}
BOILERPLATE["sr"] = BOILERPLATE["bs"] = BOILERPLATE["hr"]
