"""The UI's static files, without a browser: served by the app at /ui/, every module and
asset they reference exists and every module is used, nothing is loaded from another host,
every icon exists, and the UI declares no ranking signal of its own (the signal groups come
from GET /v1/taxonomy)."""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import STATIC_DIR, create_app

from ..api.conftest import write_data
from ..conftest import make_profiles

REPO = Path(__file__).resolve().parents[2]
TEXT_FILES = sorted(p for p in STATIC_DIR.rglob("*") if p.suffix in {".html", ".js", ".css"})
IMPORT = re.compile(r"""(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']""")
REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"'#][^"']*)["']""")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = write_data(tmp_path_factory.mktemp("static"), make_profiles())
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_root_redirects_to_the_ui(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/ui/"
    page = client.get("/ui/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="app.js"></script>' in page.text


def test_every_referenced_file_is_served(client: TestClient) -> None:
    """index.html's assets and every ES module import resolve to a served file."""
    wanted: set[str] = set()
    for path in TEXT_FILES:
        text = path.read_text(encoding="utf-8")
        base = path.parent.relative_to(STATIC_DIR)
        refs = IMPORT.findall(text) if path.suffix == ".js" else []
        if path.suffix == ".html":
            refs += [r for r in REFERENCE.findall(text) if not r.startswith("../")]
        for ref in refs:
            wanted.add(posixpath.normpath((base / ref).as_posix()))
    entry_points = "app.js app.css js/api.js js/taxonomy.js js/groups.js js/pages/search.js"
    assert {*entry_points.split(), "js/components/results-list.js"} <= wanted
    for ref in sorted(wanted):
        response = client.get(f"/ui/{Path(ref)}")
        assert response.status_code == 200, ref
        if ref.endswith(".js"):
            assert "javascript" in response.headers["content-type"], ref


def test_every_module_is_imported() -> None:
    """No module is left behind by a move: every .js file is app.js or imported by another."""
    imported = {"app.js"}
    for path in TEXT_FILES:
        base = path.parent.relative_to(STATIC_DIR)
        refs = IMPORT.findall(path.read_text(encoding="utf-8")) if path.suffix == ".js" else []
        imported |= {posixpath.normpath((base / ref).as_posix()) for ref in refs}
    modules = {p.relative_to(STATIC_DIR).as_posix() for p in TEXT_FILES if p.suffix == ".js"}
    assert modules <= imported, sorted(modules - imported)


def test_nothing_is_loaded_from_another_host() -> None:
    """No CDN: no absolute URL in src/href, imports, CSS url() or @import."""
    for path in TEXT_FILES:
        text = path.read_text(encoding="utf-8")
        loads = REFERENCE.findall(text) + IMPORT.findall(text)
        loads += re.findall(r"""url\(\s*["']?([^"')]+)""", text) if path.suffix == ".css" else []
        loads += re.findall(r"""@import\s+["']([^"']+)""", text)
        for ref in loads:
            assert not re.match(r"^(https?:)?//", ref), f"{path.name} loads {ref}"


def test_every_icon_used_is_defined() -> None:
    icons = (STATIC_DIR / "js" / "components" / "icons.js").read_text(encoding="utf-8")
    defined = set(re.findall(r"""^\s+"?([a-z-]+)"?: \[""", icons, re.MULTILINE))
    used: set[str] = set()
    for path in TEXT_FILES:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bicon(?:Button)?\(\s*"([a-z-]+)""", text))
        used |= set(re.findall(r"""data-icon="([a-z-]+)""", text))
    assert used and used <= defined, sorted(used - defined)


def test_static_files_are_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "static/**/*" in config["tool"]["setuptools"]["package-data"]["api"]


def test_the_ui_declares_no_signal_names() -> None:
    """The signal groups, their signals and wording come from GET /v1/taxonomy
    (``signal_groups``): no UI file lists a feature name or its label."""
    names = (
        "dense_top3 dense_votes lexical_log lexical_best eco_shared eco_complementary "
        "same_region new_country network_direct network_walk network_topic requester_affinity "
        "kind_affinity named_place named_country"
    ).split()
    wording = ("top-3 similarity", "closeness in your", "Semantic match of", "Variety penalty")
    declared = (*names, *wording)
    for path in TEXT_FILES:
        text = path.read_text(encoding="utf-8")
        found = [name for name in declared if name in text]
        assert not found, f"{path.relative_to(STATIC_DIR)} declares {found}"


def test_every_signal_group_has_a_colour(client: TestClient) -> None:
    """app.css colours every group by id (--g-<id>): the groups GET /v1/taxonomy publishes
    (at least today's nine) and the UI's "other" fallback."""
    taxonomy = client.get("/v1/taxonomy").json()
    today = "semantic lexical thematic geography network experience kind mentioned diversity"
    groups = {*today.split(), "other"}
    groups |= {g["id"] for g in taxonomy.get("signal_groups", [])}
    css = (STATIC_DIR / "app.css").read_text(encoding="utf-8")
    missing = sorted(g for g in groups if f"--g-{g}:" not in css)
    assert not missing, missing
