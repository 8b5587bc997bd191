"""The organisation kinds of :mod:`engine.understand` (:class:`engine.taxonomy.Kind` values, and
"sme") in the eleven languages, as a partner search writes them: "organizacji badawczych",
"Forschungsinstituten", "výzkumných ústavů", "institute de cercetare", "enti di ricerca".

Inflected languages name a stem ("organizacj*", :class:`engine.understand_words.Vocabulary`)
with the endings of the cases a wish takes: nominative, genitive and accusative ("szukamy
firm", "potrzebujemy uczelni", "hledáme univerzity"), not the instrumental, dative or locative
a partner's partner takes ("współpraca z uczelniami", "s firmami", "w firmach"). German keeps
its dative ("suchen nach Forschungsinstituten"): "mit", "von", "bei" block it. Where a stem
would name other words ("Atene", Athens; "impreso", printed), the forms are listed instead, and
a form another language uses for something else is left out ("firme", Spanish for firm; Czech
"spolky", associations). A kind word is no wish without a cue next to it (:mod:`engine.understand`).
"""

from __future__ import annotations

from engine.understand_words import Vocabulary

#: Folded endings of a stem ("|a|y": the stem alone, "-a" or "-y"), by language.
ENDINGS = {
    "de": "|e|en|n|s|es|er|ern",
    "pl": "|a|e|i|y|o|u|ie|ow|ego|ej|ych|ich|iego|iej",  # nom., gen., acc.
    "cs": "|a|e|i|y|u|o|ou|ych|ich|eho|iho",  # nom., gen., acc.: "podniků", "výzkumnou"
    "ro": "|a|e|i|ii|le|ea|ele|ile|ul|uri|urile",  # nom., acc., with the article or without
}

KIND_NAMES: dict[str, dict[str, str]] = {
    "research": {
        "en": """research organi[s|z]ation[|s], research institut[e|es|ion|ions], research
        cent[re|res|er|ers], research and technology organi[s|z]ation[|s], research
        laborator[y|ies], research labs, RTO[|s], technology cent[re|res|er|ers]""",
        "de": """Forschungs[einrichtung|institut|organisation|institution]*,
        Forschungszent[rum|ren|rums], Forschungslabor[|e|en|s]""",
        "fr": """[organisme|institut|centre|laboratoire|établissement|organisation][|s] de
        recherche, centre[|s] technologique[|s]""",
        "es": """[organismo|centro|instituto|organismos|centros|institutos|entidad|entidades|
        organización|organizaciones|laboratorio|laboratorios] de investigación, centro[|s]
        tecnológico[|s]""",
        "it": """[ente|enti|istituto|istituti|centro|centri|organismo|organismi|organizzazione|
        organizzazioni|laboratorio|laboratori] di ricerca""",
        "pt": """[organismo|instituto|centro|entidade|laboratório][|s] de [investigação|
        pesquisa], [instituição|instituições|organização|organizações] de [investigação|
        pesquisa], centro[|s] tecnológico[|s]""",
        "nl": """onderzoeks[instelling|instellingen|instituut|instituten|organisatie|
        organisaties|centrum|centra], kennisinstelling[|en]""",
        "sv": """forsknings[institut|institutet|instituten|organisation|organisationer|
        institution|institutioner|centrum|centra|center]""",
        "pl": """[organizacj*|instytut*|instytucj*|jednostk*|jednostek|placówk*|placówek]
        [badawcz*|naukow*|naukowo-badawcz*], [ośrodk*|ośrodek|centr*|centrum|laboratori*]
        [badawcz*|naukowo-badawcz*]""",
        "cs": """[výzkumn*|vědeck*] [organizac*|instituc*|ústav*|pracovišť*], výzkumn*
        [centr*|center|centrum]""",
        "ro": """[organizați*|institut*|centr*|instituți*|institut* național*] de
        cercetare[|-dezvoltare]""",
    },
    "university": {
        "en": """universit[y|ies], higher education institution[|s], academia, academic
        institution[|s], academic partners""",
        "de": "Universität*, Hochschul*, Fachhochschul*",
        "fr": "universit[é|és], établissement[|s] d'enseignement supérieur",
        "es": "universidad[|es], instituciones de educación superior",
        "it": "università, atene[o|i], politecnic[o|i]",
        "pt": "universidade[|s], instituições de ensino superior",
        "nl": "universiteit[|en], hogeschool, hogescholen",
        "sv": "universitet[|et|en], högskol[a|an|or|orna], lärosäte[|t|n|na]",
        "pl": "uczelni*, uniwersytet*, politechnik*, szkoł* wyższ*",  # "szkół": "szkol"
        "cs": "univerzit*, vysok* škol*",
        "ro": "universităț*",
    },
    "cluster": {
        "en": "cluster[|s], cluster organi[s|z]ation[|s]",
        "de": "Cluster*, Cluster[organisation|initiative]*",
        "fr": """clusters, pôle[|s] de compétitivité, pôle[|s] d'innovation, grappe[|s]
        d'entreprises""",
        "es": "clúster[|es], clusters, agrupaci[ón|ones] empresarial[|es] innovador[a|as]",
        "it": "cluster, distrett[o|i] tecnologic[o|i], pol[o|i] di innovazione",
        "pt": "cluster[|s], polo[|s] de [competitividade|inovação]",
        "nl": "cluster[|s], clusterorganisatie[|s]",
        "sv": "kluster[|n|et], klusterorganisation[|er]",
        "pl": "klastr*, klaster, [organizacj*|inicjatyw*] klastrow*",
        "cs": "klastr*, klastrov* organizac*",
        "ro": "cluster*, pol[|i|ul|ii] de competitivitate",
    },
    "company": {
        "en": """companies, enterprises, firms, businesses, industr[ial|y] partners, start-ups,
        startups""",
        "de": "Unternehmen, Firmen, Industriepartner*, Start-ups, Startups",
        "fr": "entreprise[|s], partenaires industriels, start-up[|s]",
        "es": "empresa[|s], compañía[|s], socios industriales, start-ups, startups",
        "it": "aziend[a|e], impres[a|e], partner industriali, startup, start-up",
        "pt": "empresa[|s], parceiros industriais, startups, start-ups",
        "nl": "bedrijf, bedrijven, onderneming[|en], start-ups",
        "sv": "företag[|en|et], bolag[|en|et]",
        "pl": """firm, firmy, przedsiębiorstw*, spółk[a|i|ę], start-up[y|ów], startup[y|ów],
        partner* przemysłow*""",
        "cs": "firm[y|u], firem, podnik*, start-up[y|ů], startup[y|ů], průmyslov* partner*",
        "ro": "compani*, firmele, întreprinder*, start-up-uri, parteneri industriali",
    },
    "sme": {
        "en": "SME[|s|'s], small and medium[-sized|] [enterprises|companies], small businesses",
        "de": "KMU[|s], klein* und mittler* Unternehmen, mittelständisch* Unternehmen",
        "fr": "PME[|s], petites et moyennes entreprises",
        "es": "pyme[|s], pequeñas y medianas empresas",
        "it": "PMI, piccole e medie [imprese|aziende]",
        "pt": "PME[|s], pequenas e médias empresas",
        "nl": "mkb[|-bedrijven|'ers], kmo[|'s]",
        "sv": "SMF, små och medelstora företag[|en]",
        "pl": "MŚP, mał* i średn* [przedsiębiorstw*|firm|firmy]",
        "cs": "MSP, mal* a středn* [podnik*|firmy|firem]",
        "ro": "IMM[|-uri], întreprinder* mic* și mijloci*",
    },
    "public": {
        "en": """public authorit[y|ies], public bodies, public administrations, public
        institutions, [local|regional] authorities, municipalities""",
        "de": """Behörde*, öffentlich* [Einrichtung|Verwaltung]*, Kommune*,
        Stadtverwaltung*, Gebietskörperschaft*""",
        "fr": """autorités publiques, organismes publics, collectivités [territoriales|locales],
        administrations publiques, municipalités""",
        "es": """[autoridades|administraciones|entidades|instituciones] públicas, organismos
        públicos, ayuntamientos, municipios""",
        "it": """autorità pubbliche, enti pubblici, pubbliche amministrazioni, amministrazioni
        pubbliche, enti locali""",
        "pt": """[autoridades|entidades|administrações|instituições] públicas, organismos
        públicos, municípios, câmaras municipais""",
        "nl": "overheden, overheids[instanties|instellingen], gemeenten",
        "sv": "myndighet[|er|erna], kommuner[|na]",
        "pl": """[władz*|instytucj*|administracj*] [publiczn*|lokaln*|samorządow*], samorząd*,
        jednostk* samorządu terytorialnego, gmin*""",
        "cs": "veřejn* [instituc*|orgán*|správ*], samospráv*",
        "ro": """[autorităț*|instituți*|administrați*] [public*|local*], primări[i|ile]""",
    },
}

#: The kinds as :class:`engine.understand_words.Vocabulary` reads them; singular words that
#: are often the first half of another noun ("cluster analysis", "firm commitment") name a
#: kind only when no other noun follows.
KINDS = Vocabulary(KIND_NAMES, ENDINGS, "cluster, university, company, sme, pme, kmu, academia, "
                   "firm, startup")
