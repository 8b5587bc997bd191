"""Shared fixtures for the unit tier: the deterministic ``HashEncoder`` (never the real model),
a small hand-made set of profiles, a recommender fitted on them, and tiny CORDIS files."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Sequence
from pathlib import Path

import anyio
import pytest

from engine.embed import HashEncoder
from engine.profiles import Activity, Profile
from engine.recommender import Recommender
from engine.taxonomy import Kind

# anyio imports its file module lazily, when the first static file is served, i.e. in a
# server thread. Under pytest that import is assertion-rewritten (anyio is a pytest plugin),
# and compiling in one thread while another compiles trips a CPython 3.11 bug ("AST
# constructor recursion depth mismatch", one failed clean-clone run). Import it here, once,
# in the main thread.
anyio.open_file  # noqa: B018

PROJECT_COLUMNS = (
    "project_id", "acronym", "title", "objective", "keywords", "start_date",
    "topic_title", "topic_keywords", "euroscivoc",
)
PARTICIPANT_COLUMNS = (
    "project_id", "org_pic", "legal_name", "short_name", "activity_type", "role", "sme",
    "country", "city", "url", "geolocation", "nuts2", "nuts2_name",
)


def write_csv(
    path: Path, columns: Sequence[str], rows: Sequence[dict[str, str]], *, raw_lines: str = ""
) -> Path:
    """Write ``rows`` (missing keys empty) under a header, then ``raw_lines`` verbatim;
    gzip when the name ends in ``.gz``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in columns} for row in rows)
    text = buffer.getvalue() + raw_lines
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


#: Four projects; P4 starts after the 2024-01-01 cut-off and carries marker words
#: ("zorblax", "tourism") and a renamed organisation that must never leak into a profile.
CORDIS_PROJECTS: list[dict[str, str]] = [
    {
        "project_id": "101000001", "acronym": "SOLIBAT",
        "title": "Solid state battery storage for the grid",
        "objective": "We develop solid state battery cells and energy storage systems.",
        "keywords": "batteries, energy storage", "start_date": "2021-03-01",
        "topic_title": "Batteries for renewable energy storage",
        "euroscivoc": "/engineering and technology/electrical engineering/batteries",
    },
    {
        "project_id": "101000002", "acronym": "ONCOML",
        "title": "Cancer diagnostics with machine learning",
        "objective": "Machine learning models detect cancer early in medical images.",
        "keywords": "cancer, machine learning", "start_date": "2022-06-01",
        "topic_title": "Health data and disease diagnosis",
        "euroscivoc": "/medical and health sciences/clinical medicine/oncology",
    },
    {
        "project_id": "101000003", "acronym": "SOILSENSE",
        "title": "Smart farming sensors for healthy soil",
        "objective": "Low cost sensors measure soil moisture for precision farming.",
        "keywords": "soil, farming", "start_date": "2023-01-15",
        "topic_title": "Agriculture and soil health",
        "euroscivoc": "/agricultural sciences/agriculture/soil science",
    },
    {
        "project_id": "101000004", "acronym": "ZORBLAX",
        "title": "Zorblax quantum tourism platform",
        "objective": "The zorblax platform brings zorblax tourism to travel destinations.",
        "keywords": "zorblax, tourism", "start_date": "2024-03-01",
        "topic_title": "Sustainable tourism destinations",
        "euroscivoc": "/social sciences/tourism",
    },
]

CORDIS_PARTICIPANTS: list[dict[str, str]] = [
    # P1: battery storage
    {"project_id": "101000001", "org_pic": "999000001", "legal_name": "BATTERY CLUSTER EV",
     "activity_type": "PRC", "role": "coordinator", "sme": "false", "country": "DE",
     "city": "MUNICH", "geolocation": "48.1,11.5", "nuts2": "DE21"},
    {"project_id": "101000001", "org_pic": "999000002", "legal_name": "UNIVERSITE DE LYON",
     "activity_type": "HES", "role": "participant", "sme": "false", "country": "FR",
     "geolocation": "45.7,4.8"},
    {"project_id": "101000001", "org_pic": "999000003", "legal_name": "ETAIRIA ENERGEIAKI",
     "activity_type": "PRC", "role": "participant", "sme": "true", "country": "EL"},
    # P2: cancer diagnostics
    {"project_id": "101000002", "org_pic": "999000002", "legal_name": "UNIVERSITE DE LYON",
     "activity_type": "HES", "role": "coordinator", "sme": "false", "country": "FR"},
    {"project_id": "101000002", "org_pic": "999000004", "legal_name": "AGRI RESEARCH INSTITUTE",
     "activity_type": "REC", "role": "participant", "sme": "false", "country": "UK"},
    # P3: soil sensors
    {"project_id": "101000003", "org_pic": "999000004", "legal_name": "AGRI RESEARCH INSTITUTE",
     "activity_type": "REC", "role": "coordinator", "sme": "false", "country": "UK"},
    {"project_id": "101000003", "org_pic": "999000003", "legal_name": "ETAIRIA ENERGEIAKI",
     "activity_type": "PRC", "role": "participant", "sme": "true", "country": "EL"},
    {"project_id": "101000003", "org_pic": "999000005", "legal_name": "KLASTER ICT POLSKA",
     "activity_type": "OTH", "role": "participant", "sme": "false", "country": "PL"},
    # P4 (after the cut-off): a renamed, relocated 999000001 and an organisation only here
    {"project_id": "101000004", "org_pic": "999000001", "legal_name": "RENAMED LEAKED NAME",
     "activity_type": "PRC", "role": "coordinator", "sme": "true", "country": "IE",
     "geolocation": "53.3,-6.2"},
    {"project_id": "101000004", "org_pic": "999000005", "legal_name": "KLASTER ICT POLSKA",
     "activity_type": "OTH", "role": "participant", "sme": "false", "country": "PL"},
    {"project_id": "101000004", "org_pic": "999000099", "legal_name": "FUTURE ONLY LTD",
     "activity_type": "PRC", "role": "participant", "sme": "true", "country": "IE"},
]


@pytest.fixture
def cordis_dir(tmp_path: Path) -> Path:
    """A data folder laid out like ``data/`` with the tiny CORDIS files above (gzipped) and a
    benchmark file whose one query is the post-cut-off project P4."""
    root = tmp_path / "data"
    write_csv(root / "cordis" / "projects.csv.gz", PROJECT_COLUMNS, CORDIS_PROJECTS)
    write_csv(root / "cordis" / "participants.csv.gz", PARTICIPANT_COLUMNS, CORDIS_PARTICIPANTS)
    write_csv(
        root / "cordis" / "dev_queries.csv",
        ("query_id", "requester_pic", "relevant_pics"),
        [{"query_id": "101000004", "requester_pic": "999000001",
          "relevant_pics": "999000005"}],
    )
    return root


@pytest.fixture
def hash_encoder() -> HashEncoder:
    return HashEncoder(dim=64)


def _activity(
    id: str, title: str, text: str, year: int, partners: Sequence[str], *ecos: str
) -> Activity:
    return Activity(id=id, title=title, text=text, year=year, partners=tuple(partners),
                    ecosystems=ecos)


def make_profiles() -> list[Profile]:
    """Eight organisations over six countries, all kinds and several ecosystems."""
    return [
        Profile(
            id="de-cluster", name="Bavarian Battery Cluster", kind=Kind.CLUSTER, country="DE",
            ecosystems=("renewables", "mobility"), keywords=("batteries", "energy storage"),
            description="Cluster of battery makers. We connect firms working on energy storage.",
            activities=(
                _activity("a1", "Battery storage pilot", "Grid battery storage with lithium cells",
                          2021, ["es-solar", "de-auto"], "renewables"),
                _activity("a2", "Electric vehicle batteries", "Battery packs for electric cars",
                          2022, ["de-auto"], "mobility"),
            ),
        ),
        Profile(
            id="fr-univ", name="Université de Lyon", kind=Kind.UNIVERSITY, country="FR",
            ecosystems=("health",), keywords=("cancer", "diagnostics"),
            description="Medical research on cancer diagnostics and imaging.",
            activities=(
                _activity("b1", "Cancer imaging", "Early cancer detection with medical imaging",
                          2020, ["nl-research"], "health"),
            ),
        ),
        Profile(
            id="es-solar", name="Solar Iberia SL", kind=Kind.COMPANY, country="ES", sme=True,
            ecosystems=("renewables",), keywords=("photovoltaic", "solar"),
            description="We build solar photovoltaic panels and energy storage for farms.",
            activities=(
                _activity("c1", "Battery storage pilot", "Solar parks with battery storage",
                          2021, ["de-cluster"], "renewables"),
            ),
        ),
        Profile(
            id="it-agri", name="Istituto Agroalimentare", kind=Kind.RESEARCH, country="IT",
            ecosystems=("agri_food",), keywords=("soil", "crops"),
            description="Research on soil health, crops and sustainable farming.",
            activities=(
                _activity("d1", "Soil sensors", "Sensors for soil moisture in farming", 2019,
                          ["pl-klaster"], "agri_food"),
                _activity("d2", "Crop rotation", "Crop rotation trials for farming", 2022, [],
                          "agri_food"),
            ),
        ),
        Profile(
            id="gr-region", name="Region of Crete", kind=Kind.PUBLIC, country="GR",
            ecosystems=("tourism",), keywords=("tourism", "islands"),
            description="Regional authority promoting sustainable tourism on the islands.",
        ),
        Profile(
            id="pl-klaster", name="Klaster ICT Polska", kind=Kind.CLUSTER, country="PL",
            ecosystems=("digital",), keywords=("software", "artificial intelligence"),
            description="Cluster of software firms building artificial intelligence tools.",
            activities=(
                _activity("f1", "Soil sensors", "Software for soil sensor data", 2019,
                          ["it-agri"], "digital"),
            ),
        ),
        Profile(
            id="de-auto", name="Auto Teile GmbH", kind=Kind.COMPANY, country="DE",
            ecosystems=("mobility",), keywords=("electric vehicles", "batteries"),
            description="Supplier of electric vehicle parts and battery packs.",
            activities=(
                _activity("g1", "Electric vehicle batteries", "Battery packs for electric cars",
                          2022, ["de-cluster"], "mobility"),
            ),
        ),
        Profile(
            id="nl-research", name="Delft Imaging Lab", kind=Kind.RESEARCH, country="NL",
            ecosystems=("digital", "health"), keywords=("machine learning", "imaging"),
            description="Machine learning for medical imaging and cancer diagnostics software.",
            activities=(
                _activity("h1", "Cancer imaging", "Machine learning reads medical images", 2020,
                          ["fr-univ"], "health"),
            ),
            contacts=("someone@example.org",),
        ),
    ]


@pytest.fixture
def profiles() -> list[Profile]:
    return make_profiles()


@pytest.fixture
def recommender(hash_encoder: HashEncoder, profiles: list[Profile]) -> Recommender:
    """A recommender fitted on :func:`make_profiles` (fresh per test: tests may mutate it)."""
    return Recommender(hash_encoder).fit(profiles)


class CordisFiles:
    """Writes tiny CORDIS CSV files; ``projects``/``participants`` are fresh copies of the
    default rows, to edit before writing."""

    project_columns = PROJECT_COLUMNS
    participant_columns = PARTICIPANT_COLUMNS

    def __init__(self) -> None:
        self.projects = [dict(row) for row in CORDIS_PROJECTS]
        self.participants = [dict(row) for row in CORDIS_PARTICIPANTS]

    def write_projects(self, path: Path, rows: Sequence[dict[str, str]] | None = None,
                       *, raw_lines: str = "", columns: Sequence[str] = PROJECT_COLUMNS) -> Path:
        return write_csv(path, columns, self.projects if rows is None else rows,
                         raw_lines=raw_lines)

    def write_participants(self, path: Path, rows: Sequence[dict[str, str]] | None = None,
                           *, raw_lines: str = "",
                           columns: Sequence[str] = PARTICIPANT_COLUMNS) -> Path:
        return write_csv(path, columns, self.participants if rows is None else rows,
                         raw_lines=raw_lines)


@pytest.fixture
def cordis() -> CordisFiles:
    return CordisFiles()
