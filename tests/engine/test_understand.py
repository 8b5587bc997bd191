"""Request understanding (engine.understand): constraints written in words become filters and
preferences, in eleven languages, and a country named without a cue is none."""

from __future__ import annotations

import pytest

from engine.profiles import PartnerRequest
from engine.taxonomy import Kind
from engine.understand import Constraint, understand
from engine.understand_words import Vocabulary


def read(text: str, **kwargs: object) -> set[tuple[str, object]]:
    return {(c.kind, c.value) for c in understand(text, **kwargs).constraints}  # type: ignore[arg-type]


NEGATIONS = [
    ("outside Germany", "DE"), ("not from France", "FR"), ("excluding Spain", "ES"),
    ("no partners from Italy", "IT"), ("except Poland", "PL"),
    ("außerhalb Deutschlands", "DE"), ("nicht aus Frankreich", "FR"),
    ("ohne deutsche Partner", "DE"), ("hors de France", "FR"), ("sauf l'Espagne", "ES"),
    ("pas de partenaires français", "FR"), ("fuera de España", "ES"), ("excepto Italia", "IT"),
    ("no de Francia", "FR"), ("al di fuori dell'Italia", "IT"), ("non dalla Germania", "DE"),
    ("tranne la Spagna", "ES"), ("poza Niemcami", "DE"), ("nie z Niemiec", "DE"),
    ("z wyjątkiem Francji", "FR"), ("buiten Nederland", "NL"), ("niet uit Duitsland", "DE"),
    ("fora de Portugal", "PT"), ("exceto Espanha", "ES"), ("utanför Sverige", "SE"),
    ("inte från Tyskland", "DE"), ("mimo Německo", "DE"), ("kromě Francie", "FR"),
    ("în afara Germaniei", "DE"), ("cu excepția Franței", "FR"),
    ("We seek a medical textiles cluster for a wound-care pilot, outside Germany.", "DE"),
    ("Wir suchen Partner, aber keine Partner aus Frankreich.", "FR"),
    ("Nous ne cherchons pas de partenaires en France.", "FR"),
    ("We don't want partners from France.", "FR"),
    ("non-German partners are preferred", "DE"),
    # an exclusion cue before a place word ("außer aus", "except from"), in each language
    ("Wir suchen Partner außer aus Frankreich.", "FR"),
    ("We seek partners except from France.", "FR"), ("Buscamos socios excepto de Francia.", "FR"),
    ("Cerchiamo partner tranne dalla Francia.", "FR"),
    ("Nous cherchons des partenaires sauf en France.", "FR"),
    ("We zoeken partners behalve uit Frankrijk.", "FR"),
    ("Vi söker partner utom från Frankrike.", "FR"),
    ("Procuramos parceiros exceto de França.", "FR"),
    ("Wir suchen Partner außerhalb von Deutschland.", "DE"),
    ("Cerchiamo partner fuori dal Portogallo.", "PT"),
    ("Cerchiamo partner al di fuori dei Paesi Bassi.", "NL"),
    ("Căutăm parteneri din afara Germaniei.", "DE"),
    # a negated kind noun before the place word ("bez firm z", "żadnych firm z")
    ("Szukamy firm, ale bez firm z Niemiec.", "DE"),
    ("Szukamy partnerów, ale żadnych firm z Francji.", "FR"),
    ("Buscamos socios, pero ninguna empresa de Francia.", "FR"),
    ("Cerchiamo partner, ma nessuna azienda dalla Francia.", "FR"),
    # inflected names: the Czech accusative and genitive, the German genitive
    ("Hledáme partnery mimo Litvu.", "LT"), ("Hledáme partnery kromě Velké Británie.", "GB"),
    ("Wir suchen Partner außerhalb des Vereinigten Königreichs.", "GB"),
]


@pytest.mark.parametrize(("text", "code"), NEGATIONS)
def test_negations_exclude_the_country(text: str, code: str) -> None:
    assert ("exclude_country", code) in read(text)
    assert not {k for k, v in read(text) if v == code and k != "exclude_country"}


@pytest.mark.parametrize("text", [
    "We need partners in Germany, but not from Germany.",
    "Partners in Italy, Spain or France, except France.",
    "Partner aus Deutschland, aber nicht aus Deutschland.",
    "preferably in Italy, never mind: outside Italy",
    "Germany-based partners are welcome, no partners from Germany.",
])
def test_a_negated_country_is_never_an_inclusion_or_preference(text: str) -> None:
    found = read(text)
    excluded = {v for k, v in found if k == "exclude_country"}
    assert excluded
    assert not {v for k, v in found if k in ("include_country", "prefer_country")} & excluded


@pytest.mark.parametrize("text", [
    "preferably not from France", "idealerweise nicht aus Frankreich", "ideally outside Germany",
])
def test_a_hedged_negation_is_dropped_not_guessed(text: str) -> None:
    assert read(text) == set()


INCLUSIONS = [
    ("in Italy", {"IT"}), ("from Germany or Austria", {"DE", "AT"}), ("based in Spain", {"ES"}),
    ("partners in Poland", {"PL"}), ("aus Deutschland", {"DE"}), ("en France", {"FR"}),
    ("in Italia", {"IT"}), ("w Polsce", {"PL"}), ("z Niemiec", {"DE"}), ("em Portugal", {"PT"}),
    ("i Sverige", {"SE"}), ("v Česku", {"CZ"}), ("din România", {"RO"}),
    ("We are looking for SMEs in the Netherlands.", {"NL"}),
    ("Wir suchen Partner aus der Schweiz.", {"CH"}),
    ("Buscamos socios en España o Portugal, pero no en Francia.", {"ES", "PT"}),
    ("Cerchiamo partner in Italia e in Spagna.", {"IT", "ES"}),
    ("Szukamy partnerów z Niemiec lub Austrii.", {"DE", "AT"}),
    ("We zoeken partners in België en Nederland.", {"BE", "NL"}),
    ("Procuramos parceiros em Portugal ou Espanha.", {"PT", "ES"}),
    ("Vi söker partner i Sverige och Finland.", {"SE", "FI"}),
    ("Hledáme partnery v Česku a na Slovensku.", {"CZ", "SK"}),
    ("Căutăm parteneri din România sau Bulgaria.", {"RO", "BG"}),
    ("We need German partners.", {"DE"}), ("Wir suchen deutsche Partner.", {"DE"}),
    ("Nous cherchons des partenaires italiens.", {"IT"}), ("Buscamos socios españoles.", {"ES"}),
    ("Cerchiamo partner tedeschi.", {"DE"}), ("Szukamy polskich partnerów.", {"PL"}),
    ("We zoeken Franse partners.", {"FR"}), ("only Italian partners", {"IT"}),
    ("Wir sind ein Cluster aus Bayern und suchen Partner in Frankreich.", {"FR"}),
    ("We are an SME based in Spain looking for partners in Italy.", {"IT"}),
    ("Partner in Italia cercasi.", {"IT"}), ("We would like to find partners in Sweden.", {"SE"}),
    ("We need SMEs in Germany that export to France.", {"DE"}),
    ("Partner gesucht: Forschungseinrichtungen in Österreich.", {"AT"}),
    ("Szukamy firm z Niemiec.", {"DE"}), ("Szukamy niemieckich firm.", {"DE"}),
    ("Hledáme partnery z Velké Británie.", {"GB"}), ("Hledáme partnery z Islandu.", {"IS"}),
    ("Hledáme německé partnery.", {"DE"}), ("Hledáme italské univerzity.", {"IT"}),
]


@pytest.mark.parametrize(("text", "codes"), INCLUSIONS)
def test_inclusions(text: str, codes: set[str]) -> None:
    found = read(text)
    assert {v for k, v in found if k == "include_country"} == codes
    assert not {k for k, _ in found if k == "prefer_country"}


PREFERENCES = [
    ("preferably in Italy or Germany", {"IT", "DE"}), ("ideally from Spain", {"ES"}),
    ("vorzugsweise aus Italien", {"IT"}), ("de préférence en France", {"FR"}),
    ("preferiblemente en España", {"ES"}), ("preferibilmente in Italia", {"IT"}),
    ("najlepiej z Polski", {"PL"}), ("bij voorkeur in België", {"BE"}),
    ("de preferência em Portugal", {"PT"}), ("helst i Sverige", {"SE"}),
    ("Partners from Austria are welcome.", {"AT"}),
    ("partners from EU countries such as Italy or Spain", {"IT", "ES"}),
    ("polscy partnerzy mile widziani", {"PL"}),
]


@pytest.mark.parametrize(("text", "codes"), PREFERENCES)
def test_hedged_inclusions_are_preferences_not_filters(text: str, codes: set[str]) -> None:
    found = read(text)
    assert {v for k, v in found if k == "prefer_country"} == codes
    assert not {k for k, _ in found if k in ("include_country", "exclude_country")}


def test_germany_based_partners_are_welcome_is_a_preference_at_most() -> None:
    assert read("Germany-based partners are welcome but not required") <= {
        ("prefer_country", "DE")}


def test_lists_give_one_item_per_country_from_one_phrase() -> None:
    text = "in Italy, Spain or Portugal"
    items = understand(text).constraints
    assert [c.value for c in items] == ["IT", "ES", "PT"]
    assert {c.kind for c in items} == {"include_country"}
    assert {c.text for c in items} == {text}
    assert read("neither France nor Spain") == {("exclude_country", "FR"),
                                                ("exclude_country", "ES")}
    assert read("outside Germany and Austria") == {("exclude_country", "DE"),
                                                   ("exclude_country", "AT")}


KINDS = [
    ("We need research organisations.", {("include_kind", "research")}),
    ("We are looking for universities and SMEs.", {("include_kind", "university"),
                                                   ("sme", True)}),
    ("preferably SMEs", {("prefer_kind", "sme")}),
    ("We seek cluster organisations.", {("include_kind", "cluster")}),
    ("We need companies or public authorities.", {("include_kind", "company"),
                                                  ("include_kind", "public")}),
    ("Wir suchen Forschungseinrichtungen und KMU.", {("include_kind", "research"),
                                                    ("sme", True)}),
    ("Nous cherchons des organismes de recherche et des PME.", {("include_kind", "research"),
                                                               ("sme", True)}),
    ("Nous recherchons des pôles de compétitivité.", {("include_kind", "cluster")}),
    ("Buscamos organismos de investigación y pymes.", {("include_kind", "research"),
                                                      ("sme", True)}),
    ("Buscamos universidades.", {("include_kind", "university")}),
    ("Cerchiamo enti di ricerca.", {("include_kind", "research")}),
    ("Szukamy instytutów badawczych i MŚP.", {("include_kind", "research"), ("sme", True)}),
    ("Szukamy klastrów lub uczelni.", {("include_kind", "cluster"),
                                       ("include_kind", "university")}),
    ("We zoeken onderzoeksinstellingen en mkb-bedrijven.", {("include_kind", "research"),
                                                            ("sme", True)}),
    ("Procuramos universidades.", {("include_kind", "university")}),
    ("Vi söker forskningsinstitut.", {("include_kind", "research")}),
    ("Hledáme výzkumné organizace.", {("include_kind", "research")}),
    ("Căutăm organizații de cercetare.", {("include_kind", "research")}),
    ("SMEs are welcome.", {("prefer_kind", "sme")}),
    ("Research organisations wanted.", {("include_kind", "research")}),
    ("Wir suchen Cluster in Bayern.", {("include_kind", "cluster")}),
    # a list that also names what no kind covers: the kinds become preferences, not a filter
    ("El Clúster AgroDigital busca clústeres y asociaciones agroalimentarias.",
     {("prefer_kind", "cluster")}),
    ("Cerchiamo cluster del turismo, università ed enti di formazione.",
     {("prefer_kind", "cluster"), ("prefer_kind", "university")}),
    ("Buscamos socios que ayuden a nuestras empresas.", set()),
    ("We seek partners that support SMEs.", set()),
    ("We need SMEs that export to Germany.", {("sme", True)}),
    ("Vi söker SMF i Sverige.", {("sme", True), ("include_country", "SE")}),
    ("Buscamos pymes en Madrid y asociaciones.", {("prefer_kind", "sme")}),
]


@pytest.mark.parametrize(("text", "expected"), KINDS)
def test_kinds(text: str, expected: set[tuple[str, object]]) -> None:
    assert read(text) == expected


R, U, CL, CO, PU = (("include_kind", k) for k in (
    "research", "university", "cluster", "company", "public"))
SME = ("sme", True)
#: The forms a request really writes: Slavic genitive and accusative plurals after a search verb,
#: the German dative after "nach", singulars, Romance plurals, Romanian forms with the article.
INFLECTED_KINDS = [
    ("Szukamy organizacji badawczych i MŚP z Włoch.", {R, SME, ("include_country", "IT")}),
    ("Poszukujemy ośrodków badawczych i instytutów naukowych.", {R}),
    ("Szukamy jednostki naukowej.", {R}), ("Potrzebujemy firm lub klastrów.", {CO, CL}),
    ("Szukamy uniwersytetów i szkół wyższych.", {U}), ("Szukamy politechniki.", {U}),
    ("Szukamy małych i średnich firm.", {SME}), ("Szukamy władz lokalnych i gmin.", {PU}),
    ("Wir suchen nach Forschungsinstituten.", {R}), ("Wir suchen ein Forschungsinstitut.", {R}),
    ("Wir suchen nach kleinen und mittleren Unternehmen.", {SME}),
    ("Wir suchen Fachhochschulen und öffentliche Verwaltungen.", {U, PU}),
    ("Buscamos un centro de investigación y una universidad.", {R, U}),
    ("Buscamos una empresa de ingeniería.", {CO}),
    ("Nous cherchons des instituts de recherche et une université.", {R, U}),
    ("Il nous faut des entreprises ou des clusters.", {CO, CL}),
    ("Cerchiamo istituti di ricerca e un ateneo.", {R, U}),
    ("Ci servono aziende o cluster.", {CO, CL}),
    ("Hledáme výzkumnou organizaci a vysoké školy.", {R, U}),
    ("Potřebujeme výzkumná centra.", {R}), ("Hledáme dvě až tři výzkumná pracoviště.", {R}),
    ("Hledáme firmu nebo podnik.", {CO}), ("Hledáme malé a střední firmy.", {SME}),
    ("Hledáme veřejné orgány a samosprávy.", {PU}),
    ("Căutăm institute naționale de cercetare-dezvoltare.", {R}),
    ("Căutăm universități și întreprinderi mici și mijlocii.", {U, SME}),
    ("Căutăm autoritățile locale.", {PU}),
    ("Procuramos centros de pesquisa e instituições de ensino superior.", {R, U}),
    ("We zoeken onderzoekscentra.", {R}), ("Vi söker forskningscentrum och högskolor.", {R, U}),
    ("We seek research institutions and academic partners.", {R, U}),
]


@pytest.mark.parametrize(("text", "expected"), INFLECTED_KINDS)
def test_kinds_in_the_forms_a_request_uses(text: str, expected: set[tuple[str, object]]) -> None:
    assert read(text) == expected


@pytest.mark.parametrize("text", [
    # the instrumental and the locative name a partner's partners, not the partner sought
    "Szukamy partnerów do współpracy z uczelniami i firmami.",
    "Hledáme partnery pro spolupráci s výzkumnými ústavy.",
    "Hledáme partnery se zkušenostmi s výzkumnou organizací.",
    "Wir suchen Partner, die mit Hochschulen zusammenarbeiten.",
    "Szukamy partnerów do projektu badawczego.",
    "Jesteśmy firmą z Polski i szukamy partnerów.", "Naše firma hledá partnery.",
    "Suntem o universitate din România și căutăm parteneri.",
    # words a stem would take from another language or meaning
    "We need firm commitments from all partners.", "We need startup capital.",
    "Necesitamos un compromiso firme de los socios.",
    "Necesitamos la firma del representante legal.", "Cerchiamo partner ad Atene.",
    "Szukamy partnerów znających języki obce.", "Hledáme spolky.",
])
def test_kind_words_that_are_no_wish(text: str) -> None:
    assert not {k for k, _ in read(text) if k in ("include_kind", "prefer_kind", "sme")}


@pytest.mark.parametrize(("text", "expected"), [
    ("We seek food processors, clusters and research labs.",
     {("prefer_kind", "cluster"), ("prefer_kind", "research")}),
    ("Poszukujemy przetwórców żywności, klastrów i laboratoriów badawczych.",
     {("prefer_kind", "cluster"), ("prefer_kind", "research")}),
    ("Gesucht werden Lebensmittelverarbeiter, Cluster und Forschungslabore.",
     {("prefer_kind", "cluster"), ("prefer_kind", "research")}),
    ("We seek SMEs in Italy and clusters.", {SME, CL, ("include_country", "IT")}),
])
def test_a_list_with_other_things_before_the_kinds_prefers_them(
        text: str, expected: set[tuple[str, object]]) -> None:
    assert read(text) == expected


def test_kind_values_are_taxonomy_kinds() -> None:
    values = {c.value for text, _ in KINDS + INFLECTED_KINDS for c in understand(text).constraints
              if c.kind in ("include_kind", "prefer_kind")}
    assert values <= {k.value for k in Kind} | {"sme"}


def test_a_stem_takes_only_the_endings_of_its_language() -> None:
    words = Vocabulary({"research": {"pl": "organizacj* badawcz*", "en": "research labs"}},
                       {"pl": "|i|ych"}, "")
    assert words.get(("organizacji", "badawczych")) == "research"
    assert ("organizacj", "badawcz") in words and ("research", "labs") in words
    assert words.get(("organizacjami", "badawczymi")) is None
    assert ("organizacji",) not in words and ("research",) not in words


TRICKY = [
    "We need partners in Frankfurt and Munich.",
    "Our pilot site is in Indiana.",
    "A project on German energy policy.",
    "Cross-border cooperation in the Italy–Austria border region.",
    "We translate the manuals into Polish and Czech.",
    "We have worked with partners in France before.",
    "We are a cluster based in Spain.",
    "A cluster in Germany seeks partners for a hydrogen pilot.",
    "Lessons learned in Italy show that SMEs struggle.",
    "We seek an HPC cluster manager.",
    "We need partners with experience in Spain.",
    "Our Polish partners recommended this call.",
    "Made in Germany quality matters to us.",
    "We do not only seek partners in Germany but also elsewhere.",
    "Danish design meets Italian craftsmanship.",
    "Workshop in Paris, France, next May.",
    "We are looking for a partner to help us enter the Spanish market.",
    "Companies in Germany face high energy prices.",
    "Notre projet porte sur la politique énergétique allemande.",
    "Das Projekt untersucht die deutsch-französische Zusammenarbeit.",
    "There are no partners from Italy in the consortium yet.",
    "polish the turkey processing line",
    "We want to work with universities on this.",
    "Wir arbeiten seit Jahren mit Partnern in Österreich zusammen.",
    "Francesca coordinates the Franco-Italian pilot near Germanton.",
    "In Germany, the Energiewende created many opportunities.",
    "Partners in Italy, however, often lack funding.",
    "Our cluster is located in the Netherlands.",
    "A Horizon Europe project in France needs partners.",
]


@pytest.mark.parametrize("text", TRICKY)
def test_no_constraint_without_a_clear_cue(text: str) -> None:
    assert read(text) == set()


@pytest.mark.parametrize(("text", "expected"), [
    ("OUTSIDE GERMANY", ("exclude_country", "DE")),
    ("ausserhalb deutschlands", ("exclude_country", "DE")),
    ("cu exceptia Frantei", ("exclude_country", "FR")),
    ("partnerzy w Wegrzech", ("include_country", "HU")),
    ("Partners in POLAND", ("include_country", "PL")),
])
def test_case_and_diacritics_do_not_matter(text: str, expected: tuple[str, str]) -> None:
    assert read(text) == {expected}


@pytest.mark.parametrize("text", [
    "We seek SMEs in Italy, preferably research organisations, outside Germany.",
    "  Wir suchen KMU aus Österreich;\nkeine Partner aus Frankreich.",
    "Buscamos socios en España o Portugal, pero no en Francia.",
    "Szukamy uczelni, najlepiej z Polski — poza Niemcami.",
])
def test_offsets_point_at_the_words(text: str) -> None:
    items = understand(text).constraints
    assert items
    for c in items:
        assert text[c.start:c.end] == c.text and c.text.strip() == c.text
    assert [c.start for c in items] == sorted(c.start for c in items)


def test_text_holds_the_cue_and_the_country() -> None:
    (c,) = understand("We seek partners, but no partners from Italy please.").constraints
    assert c.text == "no partners from Italy"
    (c,) = understand("Idealmente: de preferência em Portugal.").constraints
    assert c.text == "de preferência em Portugal"


REQUEST = "We seek SMEs in Italy, preferably research organisations, not from France."


def test_apply_merges_hard_constraints_and_returns_preferences() -> None:
    applied = understand(REQUEST).apply(PartnerRequest(text=REQUEST))
    assert applied.request.countries == ("IT",)
    assert applied.request.exclude_countries == ("FR",)
    assert applied.request.sme_only is True
    assert applied.preferred_kinds == ("research",)
    assert applied.overridden == ()


def test_fields_the_caller_sent_win() -> None:
    request = PartnerRequest(text=REQUEST, countries=("DE",), kinds=(Kind.CLUSTER,))
    applied = understand(REQUEST).apply(request)
    assert applied.request.countries == ("DE",)
    assert applied.request.exclude_countries == ("FR",)
    assert applied.request.kinds == (Kind.CLUSTER,)
    assert {c.key for c in applied.overridden} == {"include_country:IT",
                                                   "prefer_kind:research"}
    items = {i["key"]: i["applied"] for i in applied.to_dict()["items"]}
    assert items == {"sme:true": True, "include_country:IT": False,
                     "prefer_kind:research": False, "exclude_country:FR": True}


def test_an_explicit_empty_field_wins_too() -> None:
    applied = understand(REQUEST).apply(PartnerRequest(text=REQUEST),
                                        sent={"countries", "sme_only"})
    assert applied.request.countries == () and applied.request.sme_only is False
    assert applied.request.exclude_countries == ("FR",)


def test_contradictions_with_the_caller_are_not_applied() -> None:
    text = "We need partners in Italy, preferably in Spain, outside France."
    request = PartnerRequest(text=text, exclude_countries=("IT", "ES"), countries=("FR",))
    applied = understand(text).apply(request, sent={"exclude_countries"})
    assert applied.request.countries == ("FR",)
    assert applied.request.exclude_countries == ("IT", "ES")
    assert applied.preferred_countries == ()
    assert {c.key for c in applied.overridden} == {
        "include_country:IT", "prefer_country:ES", "exclude_country:FR"}


def test_ignored_items_are_set_aside_and_a_negation_stays_negated() -> None:
    text = "We seek partners from Italy, but not from Germany."
    u = understand(text, ignore=frozenset({"exclude_country:DE"}))
    assert read(text, ignore=frozenset({"exclude_country:DE"})) == {("include_country", "IT")}
    assert [c.key for c in u.ignored] == ["exclude_country:DE"]
    assert u.to_dict()["ignored"] == ["exclude_country:DE"]
    assert u.apply(PartnerRequest(text=text)).request.exclude_countries == ()


def test_to_dict_items_for_the_api() -> None:
    (item,) = understand("preferably SMEs").to_dict()["items"]
    assert item == {"key": "prefer_kind:sme", "kind": "prefer_kind", "value": "sme",
                    "label": "Preferably: SME", "text": "preferably SMEs", "start": 0, "end": 15,
                    "hard": False, "applied": True}
    labels = {c.key: c.label for c in understand(REQUEST).constraints}
    assert labels == {"sme:true": "SME", "include_country:IT": "In Italy",
                      "prefer_kind:research": "Preferably: Research organisation",
                      "exclude_country:FR": "Not in France"}


def test_keys_are_stable() -> None:
    assert Constraint("exclude_country", "DE", "outside Germany", 0, 15).key == (
        "exclude_country:DE")
    assert Constraint("sme", True, "SMEs", 0, 4).key == "sme:true"
    assert understand("").constraints == ()


def test_applied_to_dict_reports_preferences_and_what_is_in_force() -> None:
    text = "We seek universities, ideally in Austria or Slovenia, not from Hungary."
    data = understand(text).apply(PartnerRequest(text=text, exclude_countries=("SI",))).to_dict()
    assert data["preferred_countries"] == ["AT"]
    assert data["preferred_kinds"] == []
    assert data["ignored"] == []
    applied = {i["key"]: i["applied"] for i in data["items"]}
    assert applied == {"include_kind:university": True, "prefer_country:AT": True,
                       "prefer_country:SI": False, "exclude_country:HU": False}
    assert all(text[i["start"]:i["end"]] == i["text"] for i in data["items"])


def test_an_ignored_preference_leaves_the_rest() -> None:
    text = "preferably in Italy or Germany"
    u = understand(text, ignore={"prefer_country:IT"})
    assert [c.value for c in u.constraints] == ["DE"] and [c.value for c in u.ignored] == ["IT"]
    assert u.apply(PartnerRequest(text=text)).preferred_countries == ("DE",)


@pytest.mark.parametrize("text", [
    "The tools will be used not only in Ukraine but across Europe.",
    "We seek partners not only in Spain.",
    "Wir suchen Partner, nicht nur in Deutschland.",
    "Szukamy partnerów nie tylko w Polsce.",
])
def test_not_only_neither_excludes_nor_restricts(text: str) -> None:
    """Found in a real CORDIS objective ("not only in Ukraine, but all over the world"),
    which an early version read as "exclude Ukraine"."""
    assert understand(text).constraints == ()
