"""No two modules of stats import each other, directly or round a longer loop.

Imports are read with `ast`, so a lazy import inside a function counts as much as one
at the top of a module (a late import is how a cycle hides). Importing `a.b.c` runs the
packages `a` and `a.b` first, so those count as imported too, except the importer's own
packages, which are already running. Tests and migrations are left out."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "stats"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        found[module_name(path)] = path
    return found


def imported(name: str, source: str, known: set[str], *, is_package: bool = False) -> set[str]:
    """The stats modules that importing `name` (whose code is `source`) runs."""
    here = name if is_package else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            # `from package import module` runs the module too.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    running = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    targets = set()
    for target in names:
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if prefix in known and prefix not in running and prefix != name:
                targets.add(prefix)
    return targets


def graph() -> dict[str, set[str]]:
    found = modules()
    return {
        name: imported(
            name,
            path.read_text(encoding="utf-8"),
            set(found),
            is_package=path.name == "__init__.py",
        )
        for name, path in found.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One loop through each module that is on one (depth-first search)."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_stats_has_no_import_cycle():
    loops = cycles(graph())
    assert not loops, "import cycles in stats:\n" + "\n".join(" -> ".join(c) for c in loops)


def test_the_conf_module_imports_nothing_of_stats():
    assert graph()["stats.conf"] == set()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # A lazy import inside a function, relative, two levels up.
        ("def f():\n    from ..conf import conf\n", {"stats.conf"}),
        # `from . import module` and an absolute import of a submodule.
        ("from . import readers\nimport stats.views\n", {"stats.services.readers", "stats.views"}),
    ],
)
def test_the_walker_sees_every_kind_of_import(source, expected):
    assert imported("stats.services.probe", source, set(modules())) == expected


def test_the_walker_finds_a_loop():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c", "a"]]


def test_a_late_import_of_a_service_in_conf_would_be_a_cycle():
    """What conf once did to clear the services' caches: the test above would fail."""
    edges = graph()
    late = "def _reload():\n    from stats.services import popular\n"
    edges["stats.conf"] = imported("stats.conf", late, set(edges))
    assert any("stats.conf" in loop for loop in cycles(edges))
