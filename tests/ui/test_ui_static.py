"""The UI's static files, without a browser: served by the app at /ui/, every module and
asset they reference exists, nothing is loaded from another host, and every icon exists."""

from __future__ import annotations

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
            wanted.add((base / ref).as_posix().replace("./", ""))
    assert {"app.js", "app.css", "js/api.js", "js/results.js"} <= {str(Path(w)) for w in wanted}
    for ref in sorted(wanted):
        response = client.get(f"/ui/{Path(ref)}")
        assert response.status_code == 200, ref
        if ref.endswith(".js"):
            assert "javascript" in response.headers["content-type"], ref


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
    icons = (STATIC_DIR / "js" / "icons.js").read_text(encoding="utf-8")
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


def test_ui_groups_mirror_the_engine_signal_groups() -> None:
    """groups.js colours and labels every feature of engine.rank.SIGNAL_GROUPS under the same
    group: a feature missing there would be drawn as "Other" in the contribution bar."""
    from engine.rank import SIGNAL_GROUPS

    text = (STATIC_DIR / "js" / "groups.js").read_text(encoding="utf-8")
    entries = re.findall(r'\{ id: "(\w+)".*?features: \[([^\]]*)\]', text, re.DOTALL)
    ui = {group: tuple(re.findall(r'"(\w+)"', features)) for group, features in entries}
    for group, features in SIGNAL_GROUPS.items():
        assert ui.get(group) == features, group
        for feature in features:
            assert re.search(rf"\b{feature}: \"", text), f"no label for {feature}"
    for group in ui:
        assert f"--g-{group}:" in (STATIC_DIR / "app.css").read_text(encoding="utf-8"), group
