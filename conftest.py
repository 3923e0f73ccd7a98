"""Fixtures shared by every app's tests."""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent


class OutsideReads:
    """Every file a test opens beside the checkout (a sibling folder).

    The suite must run from a fresh clone with nothing next to it, so the session fails
    if any test opened such a path. Paths elsewhere (/tmp, the system, the virtualenv)
    are not the repository's neighbours and are allowed.
    """

    def __init__(self):
        self.seen: list[str] = []
        self.parent = str(REPO.parent) + "/"
        self.repo = str(REPO) + "/"
        # Only what stood beside the checkout before the run: a checkout in /tmp has the
        # tests' own temporary files (tempfile, pytest's tmp_path) as its neighbours.
        self.neighbours = {
            entry.name
            for entry in REPO.parent.iterdir()
            if entry != REPO and not entry.name.startswith("pytest-of-")
        }

    def __call__(self, event, args):
        if event != "open" or not args or not isinstance(args[0], str | bytes | Path):
            return
        path = os.path.abspath(os.fsdecode(args[0]))
        if (
            path.startswith(self.parent)
            and not path.startswith(self.repo)
            and path[len(self.parent) :].split("/", 1)[0] in self.neighbours
        ):
            self.seen.append(path)


def pytest_configure(config):
    config.outside_reads = OutsideReads()
    sys.addaudithook(config.outside_reads)


def pytest_sessionfinish(session, exitstatus):
    seen = session.config.outside_reads.seen
    if seen:
        print("\nTests read files outside the repository:", *sorted(set(seen)), sep="\n  ")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# The real article exported from a provincial portal; the demo content ships it.
SEED_EXPORT = REPO / "news" / "demo" / "bac-ninh-2020-03-13-ky-ket-giao-uoc-thi-dua.txt"


@pytest.fixture
def fixture_export() -> Path:
    assert SEED_EXPORT.is_file(), f"missing seed export {SEED_EXPORT}"
    return SEED_EXPORT


@pytest.fixture
def home(db):
    from news.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def section(home):
    from news.models import NewsIndexPage

    page = home.add_child(instance=NewsIndexPage(title="Tin tức - Sự kiện", slug="tin-tuc"))
    page.save_revision().publish()
    return page


@pytest.fixture
def photo_dir(tmp_path, fixture_export):
    """Two generated photos named after the fixture, one per caption."""
    from news.demo.builder import draw_photo

    for number in (1, 2):
        draw_photo(tmp_path / f"{fixture_export.stem}-{number}.jpg", number, "")
    return tmp_path


@pytest.fixture
def imported_article(section, fixture_export, photo_dir):
    from news.importer.service import import_file

    result = import_file(fixture_export, section, photo_dir)
    assert result.status == "created", result.reason
    return result.page


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (pages, menus, counters cached per process)."""
    from django.core.cache import caches

    from news import renditions

    for alias in caches:
        caches[alias].clear()
    renditions.forget()


@pytest.fixture(autouse=True)
def _stats_writer_stopped():
    """The stats write-behind thread (stats/services/batch.py) keeps a database
    connection open; it is stopped after each test so the test database can be dropped."""
    yield
    from stats.services import batch

    batch.writer.stop(discard=True)
