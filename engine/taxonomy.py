"""Controlled vocabularies: industrial ecosystems, organisation kinds, collaboration types,
countries, and the documented mapping from CORDIS vocabularies to ecosystems.

The ecosystem mapping is a list of term patterns per ecosystem, matched against a project's
EuroSciVoc paths, topic title, topic keywords and free keywords (see ``docs/taxonomy.md``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from engine.errors import ValidationError


class Kind(StrEnum):
    """What kind of organisation a profile is."""

    CLUSTER = "cluster"
    COMPANY = "company"
    RESEARCH = "research"
    UNIVERSITY = "university"
    PUBLIC = "public"
    OTHER = "other"


KIND_LABELS: dict[Kind, str] = {
    Kind.CLUSTER: "Cluster organisation",
    Kind.COMPANY: "Company",
    Kind.RESEARCH: "Research organisation",
    Kind.UNIVERSITY: "University / higher education",
    Kind.PUBLIC: "Public body",
    Kind.OTHER: "Other",
}


class CollaborationType(StrEnum):
    """The kind of collaboration a partner request seeks (EEN and ECCP partnership types)."""

    RESEARCH_INNOVATION = "research_innovation"
    BUSINESS_PARTNERSHIP = "business_partnership"
    TECHNOLOGY_TRANSFER = "technology_transfer"
    INTERNATIONALISATION = "internationalisation"
    SKILLS_TRAINING = "skills_training"
    JOINT_FUNDING = "joint_funding"


COLLABORATION_LABELS: dict[CollaborationType, str] = {
    CollaborationType.RESEARCH_INNOVATION: "Research & innovation project",
    CollaborationType.BUSINESS_PARTNERSHIP: "Business partnership",
    CollaborationType.TECHNOLOGY_TRANSFER: "Technology transfer",
    CollaborationType.INTERNATIONALISATION: "Internationalisation / market access",
    CollaborationType.SKILLS_TRAINING: "Skills & training",
    CollaborationType.JOINT_FUNDING: "Joint funding application",
}

#: The 14 industrial ecosystems of the EU Industrial Strategy, id -> label.
ECOSYSTEMS: dict[str, str] = {
    "aerospace_defence": "Aerospace & defence",
    "agri_food": "Agri-food",
    "construction": "Construction",
    "cultural_creative": "Cultural & creative industries",
    "digital": "Digital",
    "electronics": "Electronics",
    "energy_intensive": "Energy-intensive industries",
    "renewables": "Energy – renewables",
    "health": "Health",
    "mobility": "Mobility – Transport – Automotive",
    "proximity": "Proximity, social economy & civil security",
    "retail": "Retail",
    "textiles": "Textiles",
    "tourism": "Tourism",
}

#: Term patterns per ecosystem (regular expressions, matched case-insensitively on word starts).
ECOSYSTEM_TERMS: dict[str, tuple[str, ...]] = {
    "aerospace_defence": (
        r"aerospace", r"aeronaut", r"aircraft", r"aviation", r"outer space", r"spacecraft",
        r"space (?:technolog|science|system|mission|research|debris|weather|segment|sector)",
        r"satellit", r"launcher",
        r"defen[cs]e", r"military", r"drone", r"unmanned aerial", r"astronom", r"earth observation",
    ),
    "agri_food": (
        r"agricultur", r"agri-?food", r"agronom", r"food", r"farm", r"crop", r"livestock",
        r"animal (husbandry|and dairy)", r"dairy", r"fisher", r"aquacultur", r"forestry",
        r"soil", r"horticultur", r"viticultur", r"nutrition", r"bioeconom",
    ),
    "construction": (
        r"construction", r"building", r"civil engineering", r"architect", r"urban planning",
        r"housing", r"cement", r"concrete", r"infrastructure", r"renovation",
    ),
    "cultural_creative": (
        r"cultur", r"creative", r"arts?\b", r"museum", r"heritage", r"media", r"film",
        r"music", r"design\b", r"literature", r"history", r"language", r"journalism",
        r"video game", r"audiovisual",
    ),
    "digital": (
        r"computer", r"software", r"artificial intelligence", r"machine learning", r"data",
        r"internet", r"digital", r"cyber", r"cloud", r"telecommunication", r"\b5g", r"\b6g",
        r"blockchain", r"quantum comput", r"robot", r"information (science|technolog)",
        r"high performance computing", r"\bhpc\b", r"\bict\b",
    ),
    "electronics": (
        r"electronic", r"semiconductor", r"microelectronic", r"photonic", r"optic", r"sensor",
        r"chip", r"integrated circuit", r"nanoelectronic", r"laser", r"electrical engineering",
    ),
    "energy_intensive": (
        r"steel", r"chemical (industr|engineer|process)", r"chemical sciences", r"petrochem",
        r"metallurg", r"paper", r"pulp", r"glass", r"ceramic", r"plastic", r"polymer",
        r"refiner", r"mining", r"raw material", r"cement", r"industrial decarboni",
        r"carbon capture", r"circular economy",
    ),
    "renewables": (
        r"renewable", r"solar", r"photovolta", r"wind (energy|power|turbine)", r"hydrogen",
        r"geotherm", r"bioenerg", r"biofuel", r"energy storage", r"batter", r"fuel cell",
        r"smart grid", r"energy (system|transition|efficien)", r"ocean energy", r"hydropower",
        r"heat pump", r"electricity",
    ),
    "health": (
        r"health", r"medic", r"clinic", r"disease", r"cancer", r"oncolog", r"pharma", r"drug",
        r"vaccin", r"immun", r"patient", r"hospital", r"diagnos", r"therap", r"neuro",
        r"cardio", r"biotechnolog", r"genom", r"public health", r"infectio", r"epidemi",
        r"mental", r"ageing", r"biomedic",
    ),
    "mobility": (
        r"transport", r"automotive", r"vehicle", r"mobility", r"railway", r"\brail", r"maritime",
        r"shipping", r"vessel", r"logistic", r"traffic", r"electric vehicle", r"aviation",
        r"port\b", r"road", r"autonomous driving",
    ),
    "proximity": (
        r"social (econom|innovation|inclusion|science)", r"civil (security|protection|society)",
        r"security", r"crime", r"disaster", r"crisis", r"emergency", r"migra", r"citizen",
        r"democra", r"inequalit", r"poverty", r"education", r"gender", r"community",
        r"cooperative", r"sociolog", r"political science",
    ),
    "retail": (
        r"retail", r"e-?commerce", r"consumer", r"marketing", r"supply chain", r"wholesale",
        r"packaging", r"shop",
    ),
    "textiles": (
        r"textile", r"fibre", r"fiber", r"fabric", r"cloth", r"apparel", r"fashion", r"garment",
        r"leather", r"footwear", r"wool", r"cotton",
    ),
    "tourism": (
        r"touris", r"hospitality", r"travel", r"cultural route", r"destination", r"recreation",
    ),
}

_ECOSYSTEM_PATTERNS: dict[str, re.Pattern[str]] = {
    eco: re.compile(r"(?<![a-z])(?:" + "|".join(terms) + ")", re.IGNORECASE)
    for eco, terms in ECOSYSTEM_TERMS.items()
}

#: Patterns in an organisation's name that mark a cluster organisation, across EU languages.
CLUSTER_NAME_PATTERN = re.compile(
    r"\bclust-er\b|\bcl[uú]ster(?:s|ul)?\b|\bklast(?:er|r|eris)\b|\bklaszter|\bklynge\b|\bkluster\b"
    r"|\bp[oô]les? de comp[eé]t|\bdistretto\b|\bbiodistretto\b|\bclusterul\b|\bclusters\b",
    re.IGNORECASE,
)

#: CORDIS writes a few countries with codes that differ from ISO 3166 alpha-2.
CORDIS_COUNTRY_FIXES: dict[str, str] = {"EL": "GR", "UK": "GB"}

#: ISO 3166-1 alpha-2 code -> English short name (plus XK, Kosovo, as the EU uses it).
COUNTRIES: dict[str, str] = {
    "AD": "Andorra", "AE": "United Arab Emirates", "AF": "Afghanistan",
    "AG": "Antigua and Barbuda", "AI": "Anguilla", "AL": "Albania", "AM": "Armenia",
    "AO": "Angola", "AQ": "Antarctica", "AR": "Argentina", "AS": "American Samoa",
    "AT": "Austria", "AU": "Australia", "AW": "Aruba", "AX": "Åland Islands", "AZ": "Azerbaijan",
    "BA": "Bosnia and Herzegovina", "BB": "Barbados", "BD": "Bangladesh", "BE": "Belgium",
    "BF": "Burkina Faso", "BG": "Bulgaria", "BH": "Bahrain", "BI": "Burundi", "BJ": "Benin",
    "BL": "Saint Barthélemy", "BM": "Bermuda", "BN": "Brunei Darussalam", "BO": "Bolivia",
    "BQ": "Bonaire, Sint Eustatius and Saba", "BR": "Brazil", "BS": "Bahamas", "BT": "Bhutan",
    "BV": "Bouvet Island", "BW": "Botswana", "BY": "Belarus", "BZ": "Belize", "CA": "Canada",
    "CC": "Cocos (Keeling) Islands", "CD": "Congo, The Democratic Republic of the",
    "CF": "Central African Republic", "CG": "Congo", "CH": "Switzerland", "CI": "Côte d'Ivoire",
    "CK": "Cook Islands", "CL": "Chile", "CM": "Cameroon", "CN": "China", "CO": "Colombia",
    "CR": "Costa Rica", "CU": "Cuba", "CV": "Cabo Verde", "CW": "Curaçao",
    "CX": "Christmas Island", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany", "DJ": "Djibouti",
    "DK": "Denmark", "DM": "Dominica", "DO": "Dominican Republic", "DZ": "Algeria",
    "EC": "Ecuador", "EE": "Estonia", "EG": "Egypt", "EH": "Western Sahara", "ER": "Eritrea",
    "ES": "Spain", "ET": "Ethiopia", "FI": "Finland", "FJ": "Fiji",
    "FK": "Falkland Islands (Malvinas)", "FM": "Micronesia, Federated States of",
    "FO": "Faroe Islands", "FR": "France", "GA": "Gabon", "GB": "United Kingdom",
    "GD": "Grenada", "GE": "Georgia", "GF": "French Guiana", "GG": "Guernsey", "GH": "Ghana",
    "GI": "Gibraltar", "GL": "Greenland", "GM": "Gambia", "GN": "Guinea", "GP": "Guadeloupe",
    "GQ": "Equatorial Guinea", "GR": "Greece",
    "GS": "South Georgia and the South Sandwich Islands", "GT": "Guatemala", "GU": "Guam",
    "GW": "Guinea-Bissau", "GY": "Guyana", "HK": "Hong Kong",
    "HM": "Heard Island and McDonald Islands", "HN": "Honduras", "HR": "Croatia", "HT": "Haiti",
    "HU": "Hungary", "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IM": "Isle of Man",
    "IN": "India", "IO": "British Indian Ocean Territory", "IQ": "Iraq", "IR": "Iran",
    "IS": "Iceland", "IT": "Italy", "JE": "Jersey", "JM": "Jamaica", "JO": "Jordan",
    "JP": "Japan", "KE": "Kenya", "KG": "Kyrgyzstan", "KH": "Cambodia", "KI": "Kiribati",
    "KM": "Comoros", "KN": "Saint Kitts and Nevis", "KP": "North Korea", "KR": "South Korea",
    "KW": "Kuwait", "KY": "Cayman Islands", "KZ": "Kazakhstan", "LA": "Laos", "LB": "Lebanon",
    "LC": "Saint Lucia", "LI": "Liechtenstein", "LK": "Sri Lanka", "LR": "Liberia",
    "LS": "Lesotho", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "LY": "Libya",
    "MA": "Morocco", "MC": "Monaco", "MD": "Moldova", "ME": "Montenegro",
    "MF": "Saint Martin (French part)", "MG": "Madagascar", "MH": "Marshall Islands",
    "MK": "North Macedonia", "ML": "Mali", "MM": "Myanmar", "MN": "Mongolia", "MO": "Macao",
    "MP": "Northern Mariana Islands", "MQ": "Martinique", "MR": "Mauritania", "MS": "Montserrat",
    "MT": "Malta", "MU": "Mauritius", "MV": "Maldives", "MW": "Malawi", "MX": "Mexico",
    "MY": "Malaysia", "MZ": "Mozambique", "NA": "Namibia", "NC": "New Caledonia", "NE": "Niger",
    "NF": "Norfolk Island", "NG": "Nigeria", "NI": "Nicaragua", "NL": "Netherlands",
    "NO": "Norway", "NP": "Nepal", "NR": "Nauru", "NU": "Niue", "NZ": "New Zealand",
    "OM": "Oman", "PA": "Panama", "PE": "Peru", "PF": "French Polynesia",
    "PG": "Papua New Guinea", "PH": "Philippines", "PK": "Pakistan", "PL": "Poland",
    "PM": "Saint Pierre and Miquelon", "PN": "Pitcairn", "PR": "Puerto Rico",
    "PS": "Palestine, State of", "PT": "Portugal", "PW": "Palau", "PY": "Paraguay",
    "QA": "Qatar", "RE": "Réunion", "RO": "Romania", "RS": "Serbia", "RU": "Russian Federation",
    "RW": "Rwanda", "SA": "Saudi Arabia", "SB": "Solomon Islands", "SC": "Seychelles",
    "SD": "Sudan", "SE": "Sweden", "SG": "Singapore",
    "SH": "Saint Helena, Ascension and Tristan da Cunha", "SI": "Slovenia",
    "SJ": "Svalbard and Jan Mayen", "SK": "Slovakia", "SL": "Sierra Leone", "SM": "San Marino",
    "SN": "Senegal", "SO": "Somalia", "SR": "Suriname", "SS": "South Sudan",
    "ST": "Sao Tome and Principe", "SV": "El Salvador", "SX": "Sint Maarten (Dutch part)",
    "SY": "Syria", "SZ": "Eswatini", "TC": "Turks and Caicos Islands", "TD": "Chad",
    "TF": "French Southern Territories", "TG": "Togo", "TH": "Thailand", "TJ": "Tajikistan",
    "TK": "Tokelau", "TL": "Timor-Leste", "TM": "Turkmenistan", "TN": "Tunisia", "TO": "Tonga",
    "TR": "Türkiye", "TT": "Trinidad and Tobago", "TV": "Tuvalu", "TW": "Taiwan",
    "TZ": "Tanzania", "UA": "Ukraine", "UG": "Uganda",
    "UM": "United States Minor Outlying Islands", "US": "United States", "UY": "Uruguay",
    "UZ": "Uzbekistan", "VA": "Holy See (Vatican City State)",
    "VC": "Saint Vincent and the Grenadines", "VE": "Venezuela", "VG": "Virgin Islands, British",
    "VI": "Virgin Islands, U.S.", "VN": "Vietnam", "VU": "Vanuatu", "WF": "Wallis and Futuna",
    "WS": "Samoa", "XK": "Kosovo", "YE": "Yemen", "YT": "Mayotte", "ZA": "South Africa",
    "ZM": "Zambia", "ZW": "Zimbabwe",
}

EU27: frozenset[str] = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)


def normalize_country(code: str, *, field: str = "country", source: str | None = None) -> str:
    """Return the ISO alpha-2 code for ``code`` (accepting CORDIS's EL/UK), or raise."""
    value = code.strip().upper()
    value = CORDIS_COUNTRY_FIXES.get(value, value)
    if value not in COUNTRIES:
        raise ValidationError(
            f"unknown country code {code!r} in {field}; use an ISO 3166 alpha-2 code such as "
            f"DE, FR, ES (valid codes: {', '.join(sorted(COUNTRIES))})",
            field=field,
            source=source,
        )
    return value


def normalize_ecosystem(value: str, *, field: str = "ecosystems", source: str | None = None) -> str:
    """Return the ecosystem id for an id or label (case-insensitive), or raise listing them."""
    key = value.strip()
    if key in ECOSYSTEMS:
        return key
    folded = key.casefold()
    for eco, label in ECOSYSTEMS.items():
        if folded in (eco.casefold(), label.casefold()):
            return eco
    raise ValidationError(
        f"unknown ecosystem {value!r} in {field}; valid ecosystems: "
        + ", ".join(f"{eco} ({label})" for eco, label in ECOSYSTEMS.items()),
        field=field,
        source=source,
    )


def normalize_kind(value: str, *, field: str = "kind", source: str | None = None) -> Kind:
    """Return the :class:`Kind` for a kind id, or raise listing the valid ones."""
    try:
        return Kind(value.strip().lower())
    except ValueError:
        raise ValidationError(
            f"unknown kind {value!r} in {field}; valid kinds: {', '.join(k.value for k in Kind)}",
            field=field,
            source=source,
        ) from None


def normalize_collaboration(value: str, *, field: str = "collaboration_type") -> CollaborationType:
    """Return the :class:`CollaborationType` for an id, or raise listing the valid ones."""
    try:
        return CollaborationType(value.strip().lower())
    except ValueError:
        raise ValidationError(
            f"unknown collaboration type {value!r}; valid types: "
            + ", ".join(c.value for c in CollaborationType),
            field=field,
        ) from None


def ecosystems_in_text(text: str) -> set[str]:
    """The ecosystems whose term patterns occur in ``text``."""
    return {eco for eco, pattern in _ECOSYSTEM_PATTERNS.items() if pattern.search(text)}


def dominant_ecosystems(
    per_activity: Iterable[Iterable[str]], *, min_share: float = 0.2, limit: int = 4
) -> tuple[str, ...]:
    """An organisation's ecosystems: those tagged on at least ``min_share`` of its activities
    (always the most frequent one), most frequent first, at most ``limit``."""
    counts: Counter[str] = Counter()
    n = 0
    for ecos in per_activity:
        n += 1
        counts.update(set(ecos))
    if not n:
        return ()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    kept = [eco for i, (eco, c) in enumerate(ranked) if i == 0 or c / n >= min_share]
    return tuple(kept[:limit])


def kind_from_cordis(activity_type: str, name: str) -> Kind:
    """Kind from a CORDIS activity type (HES, REC, PRC, PUB, OTH) and the legal name.

    A name that matches :data:`CLUSTER_NAME_PATTERN` makes a cluster organisation whatever the
    activity type, except universities and research bodies (which run "cluster" projects).
    """
    code = activity_type.strip().upper()
    if code not in {"HES", "REC"} and CLUSTER_NAME_PATTERN.search(name):
        return Kind.CLUSTER
    return {
        "HES": Kind.UNIVERSITY,
        "REC": Kind.RESEARCH,
        "PRC": Kind.COMPANY,
        "PUB": Kind.PUBLIC,
    }.get(code, Kind.OTHER)
