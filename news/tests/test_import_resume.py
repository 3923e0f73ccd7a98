"""A bulk import killed with SIGKILL leaves whole articles only, each with its redirects
from old addresses; the next run imports what is missing and nothing twice, and leaves
the search indexes and the redirects complete. A second run
while one is going is refused, with the reason in English and Vietnamese. Real
processes on the real PostgreSQL (and Elasticsearch when the suite has it)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision

from conftest import REPO
from news.importer.lock import import_lock
from news.models import ArticleAuthor, ArticlePage
from news.tests.import_fixtures import private_alias  # noqa: F401 - a fixture
from news.tests.test_import_command import GOOD_EXPORT
from search import service

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("private_alias"),
]

FILES = 400
BATCH = 20


OLD_HOST = "https://yenphong.bacninh.gov.vn"


def write_archive(folder):
    """Each file names its old address, and redirects.csv gives it a second one."""
    title = "Huyện Yên Phong tổng kết công tác dân vận năm 2023"
    sheet = ["old_url,file"]
    for number in range(FILES):
        text = GOOD_EXPORT.replace(title, f"{title}, bài số {number}")
        text += f"URL: {OLD_HOST}/tin-tuc/bai-{number}.html\n"
        (folder / f"bai-{number:04d}.txt").write_text(text, encoding="utf-8")
        sheet.append(f"{OLD_HOST}/Pages/ChiTiet.aspx?ArticleID={number},bai-{number:04d}.txt")
    (folder / "redirects.csv").write_text("\n".join(sheet) + "\n", encoding="utf-8")


def command(section, folder, tmp_path):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL"
    url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "news.tests.settings_import",
        "DATABASE_URL": url,
        "SEARCH_ES_INDEX": settings.SEARCH_ES_INDEX,
    }
    args = [sys.executable, "manage.py", "import_articles", str(folder)]
    args += ["--parent", str(section.pk), "--batch-size", str(BATCH), "--workers", "1"]
    args += ["--failures", str(tmp_path / "failures.csv")]
    return args, env


def imported() -> int:
    return ArticlePage.objects.count()


def assert_whole(section):
    """Every article has everything a published page has; the tree is sound."""
    pages = list(ArticlePage.objects.all())
    ids = [page.pk for page in pages]
    assert all(p.live and p.latest_revision_id and p.live_revision_id for p in pages)
    assert Revision.objects.filter(object_id__in=[str(pk) for pk in ids]).count() == len(ids)
    assert ArticleAuthor.objects.filter(page_id__in=ids).count() == len(ids)
    assert PageLogEntry.objects.filter(page_id__in=ids).count() == 2 * len(ids)
    referenced = set(
        ReferenceIndex.objects.filter(object_id__in=[str(pk) for pk in ids]).values_list(
            "object_id", flat=True
        )
    )
    assert referenced == {str(pk) for pk in ids}
    section.refresh_from_db()
    assert section.numchild == section.get_children().count() == len(ids)
    assert not any(Page.find_problems()[:4])
    keys = list(ArticlePage.objects.values_list("import_key", flat=True))
    assert len(keys) == len(set(keys))
    # Both old addresses of every article, and no redirect without its article.
    targets = sorted(Redirect.objects.values_list("redirect_page_id", flat=True))
    assert targets == sorted(ids * 2)


def test_a_killed_run_leaves_whole_pages_and_the_next_completes_it(section, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    write_archive(folder)
    args, env = command(section, folder, tmp_path)

    process = subprocess.Popen(
        args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        # Killed once two batches are in, while it is writing the next ones.
        deadline = time.monotonic() + 300
        while imported() < 2 * BATCH and process.poll() is None:
            assert time.monotonic() < deadline, "the import did not start"
            time.sleep(0.05)
        assert process.poll() is None, process.stderr.read().decode()
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    first = imported()
    assert 2 * BATCH <= first < FILES
    assert_whole(section)

    again = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"Imported {FILES - first}, skipped {first} already imported, failed 0." in again.stdout
    assert (
        f"Redirects from old addresses: {2 * (FILES - first)} created, "
        f"{2 * first} already in place." in again.stdout
    )
    assert imported() == FILES
    assert_whole(section)
    # Pages committed before the kill whose index update the kill cut off are indexed
    # again by the second run.
    for engine in service.engines():
        assert not any(service.check(engine.name).values()), engine.name


def test_a_second_run_at_once_is_refused(section, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "bai.txt").write_text(GOOD_EXPORT, encoding="utf-8")
    args, env = command(section, folder, tmp_path)
    with import_lock():  # a run in progress (this process's database session)
        refused = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "Another import_articles run is importing into this database" in refused.stderr
    assert "Một lần chạy import_articles khác đang nhập bài" in refused.stderr
    assert imported() == 0
    # Once it is over, the same command runs.
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert imported() == 1
