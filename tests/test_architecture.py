"""The shape of the code: no import cycle inside ``engine/``, no import of the web layer from it,
and no giant module.

Imports are read from the source (module level and inside functions), leaving out those under
``if TYPE_CHECKING:``, which annotate a callback's argument and never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "engine"


def _runtime_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def _modules() -> dict[str, set[str]]:
    modules = {}
    for path in ENGINE.rglob("*.py"):
        parts = path.relative_to(ENGINE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = _runtime_imports(path)
    return modules


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {m for m in imports if m in modules and m != name}
            for name, imports in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules along it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_engine_has_no_import_cycle() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_engine_never_imports_the_api() -> None:
    offenders = {name: sorted(m for m in imports if m == "api" or m.startswith("api."))
                 for name, imports in _modules().items()}
    assert not {name: found for name, found in offenders.items() if found}


def test_no_module_is_a_giant() -> None:
    """One idea per file: no module of the engine or the API over 350 lines (data tables
    aside)."""
    tables = {ENGINE / "taxonomy.py"}
    sizes = {
        str(path.relative_to(ENGINE.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for folder in (ENGINE, ENGINE.parent / "api") for path in folder.rglob("*.py")
        if path not in tables
    }
    assert not {name: n for name, n in sizes.items() if n > 350}
