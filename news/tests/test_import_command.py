"""The import_articles command on good, repeated and broken input."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from news.models import ArticlePage, Author

pytestmark = pytest.mark.embedded

GOOD_EXPORT = """Huyện Yên Phong tổng kết công tác dân vận năm 2023

Đăng ngày: 13/02/2024 09:01:54

Sáng 12/2, Ban Dân vận Huyện ủy tổ chức hội nghị tổng kết công tác dân vận năm 2023.

Năm 2023, công tác dân vận tiếp tục được các cấp ủy quan tâm lãnh đạo. Các mô hình dân vận khéo được nhân rộng ở nhiều xã, thị trấn. Hội nghị đã khen thưởng 25 tập thể và cá nhân.

MINH ANH - Trung tâm Văn hóa
"""


def run_import(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def snapshot():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        Author.objects.count(),
        get_image_model().objects.count(),
    )


def test_import_creates_published_article_with_photos(section, fixture_export, photo_dir):
    out, err, error = run_import(fixture_export, "--images", photo_dir, "--parent", section.pk)
    assert error is None, err
    assert "[1/1] created" in out
    page = ArticlePage.objects.get()
    assert page.live and page.get_parent().pk == section.pk
    assert page.initial_view_count == 161
    assert page.published_at.isoformat() == "2020-03-13T01:12:00+00:00"
    assert [a.name for a in page.authors] == ["Vũ Hưng"]
    images = [b.value for b in page.body if b.block_type == "captioned_image"]
    assert [v["caption"] for v in images][1] == "Các thành viên ký kết giao ước thi đua."
    assert all(v["image"] is not None for v in images)
    assert images[0]["image"].title.startswith("Đ/c Nguyễn Văn Phong")


def test_reimport_creates_no_duplicates(section, fixture_export, tmp_path):
    copy = tmp_path / "again.txt"
    shutil.copy(fixture_export, copy)
    run_import(fixture_export)
    before = snapshot()
    out, _, error = run_import(fixture_export, copy)
    assert error is None
    assert out.count("] skipped") == 2
    assert "Imported 0, skipped 2" in out
    assert snapshot() == before


def test_broken_file_changes_nothing_and_is_named(section, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD_EXPORT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage\x00" * 20)
    before = snapshot()

    out, err, error = run_import(tmp_path)

    assert error is not None
    assert "binary.txt" in str(error) and "empty.txt" in str(error)
    assert "empty.txt" in err and "binary.txt" in err
    # The good file still imported, and nothing else was created.
    page = ArticlePage.objects.get()
    assert page.title == "Huyện Yên Phong tổng kết công tác dân vận năm 2023"
    assert [(a.name, a.role) for a in page.authors] == [("Minh Anh", "Trung tâm Văn hóa")]
    pages, revisions, authors, images = snapshot()
    assert (pages, authors, images) == (before[0] + 1, before[2] + 1, before[3])
    assert "Imported 1, skipped 0 already imported, failed 2." in out


def test_broken_photo_fails_the_file_without_writing(section, fixture_export, tmp_path):
    (tmp_path / f"{fixture_export.stem}-1.jpg").write_bytes(b"not a jpeg")
    before = snapshot()
    _, err, error = run_import(fixture_export, "--images", tmp_path)
    assert error is not None and "not a valid image" in err
    assert snapshot() == before


def test_missing_path_and_parent_are_clear_errors(section, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_articles", str(tmp_path / "nope.txt"))
    with pytest.raises(CommandError, match="no news section"):
        call_command("import_articles", str(tmp_path), "--parent", "999999")
