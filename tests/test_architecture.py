"""The walls that hold the house up (docs/architecture.md), checked on the source.

Imports are read with `ast`, so a lazy import inside a function counts as much as one
at the top of a module. Tests and migrations are left out: tests may build any page
type as a fixture, and migrations are history.
"""

import ast
import contextlib
import os
import re
from pathlib import Path

import pytest

from conftest import REPO

APPS = ("core", "news", "stats", "search")
# (importing package, imported package): arrows that must never exist.
FORBIDDEN = {
    **{(app, "portal"): "no app imports the project's wiring" for app in APPS},
    ("core", "news"): "core is infrastructure every app may import, so it imports none",
    ("core", "stats"): "core is infrastructure every app may import, so it imports none",
    ("core", "search"): "core is infrastructure every app may import, so it imports none",
    ("stats", "news"): "stats counts any page and knows nothing of news",
    ("stats", "search"): "stats knows nothing of search",
    ("news", "search"): "search subscribes to news's publishing signals, never the reverse",
}
# portal/ wires: only its settings and urls name the apps.
PORTAL_MAY_IMPORT_APPS = {"portal/urls.py"}


def runtime_modules(package: str):
    for path in sorted((REPO / package).rglob("*.py")):
        parts = path.relative_to(REPO).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def imported_packages(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def arrows():
    for package in (*APPS, "portal"):
        for path in runtime_modules(package):
            for lineno, target in imported_packages(path):
                if target != package:
                    yield package, target, f"{path.relative_to(REPO)}:{lineno}"


def test_dependencies_run_one_way():
    broken = [
        f"{where}: {source} imports {target} ({FORBIDDEN[(source, target)]})"
        for source, target, where in arrows()
        if (source, target) in FORBIDDEN
    ]
    assert not broken, "\n".join(broken)


def test_portal_only_wires():
    wrong = [
        where
        for source, target, where in arrows()
        if source == "portal"
        and target in APPS
        and where.split(":")[0] not in PORTAL_MAY_IMPORT_APPS
        and not where.startswith("portal/settings/")
    ]
    assert not wrong, f"portal imports an app outside its settings and urls: {wrong}"


def test_the_walker_sees_lazy_imports(tmp_path):
    """The check would be worthless if it missed an import inside a function."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from news.models import ArticlePage\n")
    assert list(imported_packages(module)) == [(2, "news")]


# --- the repository stands alone -------------------------------------------------

SKIPPED_DIRS = {".venv", ".git", ".services", ".cache", "node_modules", "test-artifacts"}


def modules_of_tests():
    for root, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        if "tests" in Path(root).relative_to(REPO).parts:
            yield from (Path(root) / name for name in files if name.endswith(".py"))


# Places that run in tests, CI or benchmarks.
SCRIPTED = [
    *REPO.glob("scripts/*.sh"),
    *REPO.glob("bench/**/*.sh"),
    *REPO.glob("bench/**/*.py"),
    REPO / "Makefile",
    REPO / ".ci" / "run",
    REPO / "conftest.py",
    *modules_of_tests(),
]
# The sibling folder the old fixture path used, or the checkout's parent taken as a base.
# (Python that runs under pytest is also watched as it runs: OutsideReads in conftest.py.)
OUTSIDE = re.compile(
    r"""(?:(?<![./])\.\./(?!\.)[\w-]+/|REPO(?:_ROOT)?\.parent\s*/|parents\[\d+\]\s*/)"""
)


@pytest.mark.parametrize(
    "path",
    [p for p in SCRIPTED if p.is_file()],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_no_test_or_script_reaches_outside_the_repository(path):
    if path == Path(__file__):
        return
    hits = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not hits, "reads a path outside the repository:\n" + "\n".join(hits)


def test_the_outside_pattern_catches_the_old_fixture_path():
    assert OUTSIDE.search('FIXTURE = REPO_ROOT.parent / "fixtures" / "articles"')
    assert OUTSIDE.search('FIXTURE = ROOT.parents[3] / "fixtures" / "articles"')
    assert OUTSIDE.search("cat ../fixtures/articles/x.txt")
    assert not OUTSIDE.search('"../../etc/passwd",  # a fuzz payload, not a path read')
    assert not OUTSIDE.search('FIXTURE = REPO / "news" / "demo" / NAME')
    assert not OUTSIDE.search('cd "$(dirname "$0")/../.."')


def test_reads_outside_the_repository_are_caught(pytestconfig):
    """conftest.py's audit hook records every file opened beside the checkout."""
    watcher = pytestconfig.outside_reads
    sibling = REPO.parent / f"{REPO.name}-outside-probe"
    watcher.neighbours.add(sibling.name)  # as if it stood there before the run
    before = list(watcher.seen)
    with contextlib.suppress(OSError):
        open(sibling)  # noqa: SIM115 - the open itself is what is watched
    assert str(sibling) in watcher.seen[len(before) :]
    del watcher.seen[len(before) :]
    watcher.neighbours.discard(sibling.name)
