"""The importer refuses what does not fit, names the file and the reason, imports
the rest and exits non-zero; a refused file changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import ArticlePage
from news.tests.test_import_command import GOOD_EXPORT, run_import, snapshot

pytestmark = pytest.mark.embedded

BODY = (
    "Sáng 12/2, Ban Dân vận Huyện ủy tổ chức hội nghị tổng kết công tác dân vận năm 2023.\n\n"
    "Năm 2023, công tác dân vận tiếp tục được các cấp ủy quan tâm lãnh đạo. Các mô hình dân "
    "vận khéo được nhân rộng ở nhiều xã, thị trấn.\n\nMINH ANH - Trung tâm Văn hóa\n"
)


def export(title, meta="Đăng ngày: 13/02/2024 09:01:54", body=BODY):
    return f"{title}\n\n{meta}\n\n{body}"


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def import_folder(tmp_path, bad_name, bad_text):
    """A good file before and after the bad one (files import in name order)."""
    write(tmp_path, "a-good.txt", GOOD_EXPORT)
    write(tmp_path, bad_name, bad_text)
    write(tmp_path, "z-good.txt", GOOD_EXPORT.replace("Huyện Yên Phong", "Thị xã Từ Sơn"))
    before = snapshot()
    out, err, error = run_import(tmp_path)
    return before, out, err, error


def assert_refused(before, out, err, error, name, reason):
    assert error is not None, "the command must exit non-zero"
    assert name in str(error) and reason in str(error)
    assert f"{name}: " in err and reason in err
    titles = sorted(ArticlePage.objects.values_list("title", flat=True))
    assert titles == [
        "Huyện Yên Phong tổng kết công tác dân vận năm 2023",
        "Thị xã Từ Sơn tổng kết công tác dân vận năm 2023",
    ]
    # Exactly the two good articles (one shared author) were written; nothing of the bad one.
    pages, _, authors, images = snapshot()
    assert (pages, authors, images) == (before[0] + 2, before[2] + 1, before[3])
    assert "Imported 2, skipped 0 already imported, failed 1." in out


def test_title_over_the_database_limit_is_refused(section, tmp_path):
    title = "Hội nghị " + "tổng kết công tác dân vận " * 11  # 280 characters, one line
    result = import_folder(tmp_path, "m-long-title.txt", export(title.strip()))
    assert_refused(*result, "m-long-title.txt", "title")


def test_view_count_over_a_64_bit_integer_is_refused(section, tmp_path):
    meta = "Đăng ngày: 13/02/2024 09:01:54 | Lượt xem: 99999999999999999999"
    result = import_folder(tmp_path, "m-views.txt", export("Tin có lượt xem khổng lồ", meta))
    assert_refused(*result, "m-views.txt", "view count")


def test_date_before_1945_is_refused(section, tmp_path):
    meta = "Đăng ngày: 13/02/1899 09:01:54"
    result = import_folder(tmp_path, "m-old.txt", export("Tin từ thế kỷ trước", meta))
    assert_refused(*result, "m-old.txt", "before 1945")


def test_date_in_the_far_future_is_refused(section, tmp_path):
    meta = "Đăng ngày: 31/12/9999 23:59:00"
    result = import_folder(tmp_path, "m-future.txt", export("Tin từ tương lai", meta))
    assert_refused(*result, "m-future.txt", "in the future")


def test_date_of_tomorrow_morning_is_accepted(section, tmp_path):
    # Within a day ahead: a clock or time zone slip at the source, not a bad date.
    soon = timezone.localtime() + timedelta(hours=12)
    meta = f"Đăng ngày: {soon:%d/%m/%Y %H:%M:%S}"
    write(tmp_path, "soon.txt", export("Tin sắp đăng", meta))
    _, err, error = run_import(tmp_path)
    assert error is None, err
    assert ArticlePage.objects.get().title == "Tin sắp đăng"


def test_body_over_the_size_limit_is_refused(section, tmp_path, settings):
    settings.IMPORT_MAX_BODY_CHARS = 2000
    body = "\n\n".join(f"Đoạn văn số {n} của một bài rất dài, kể lại hội nghị." for n in range(60))
    result = import_folder(tmp_path, "m-huge.txt", export("Bài viết quá dài", body=body + "\n"))
    assert_refused(*result, "m-huge.txt", "IMPORT_MAX_BODY_CHARS")


def test_control_characters_are_removed_from_every_field(section, tmp_path):
    text = (
        "Hội nghị\x07 tổng kết\x1b[0m năm 2023\n\n"
        "Đăng ngày: 13/02/2024 09:01:54\n\n"
        "Sáng 12/2,\x08 Ban Dân vận tổ chức hội nghị\x7f tổng kết công tác dân vận năm nay.\n\n"
        "Năm 2023, công tác dân vận\x0e tiếp tục được quan tâm. Các mô hình dân vận khéo được "
        "nhân rộng\x9b ở nhiều xã.\n\n"
        "Ảnh: Toàn cảnh\x1f hội nghị.\n\n"
        "Hội nghị đã khen thưởng 25 tập thể và cá nhân có thành tích xuất sắc trong năm qua.\n\n"
        + "Các đại biểu thảo luận về phương hướng, nhiệm vụ công tác dân vận năm tới. "
        * 4
        + "\n\n"
        "Minh\x03 Anh - Trung tâm\x02 Văn hóa\n"
    )
    write(tmp_path, "controls.txt", text)
    _, err, error = run_import(tmp_path)
    assert error is None, err
    page = ArticlePage.objects.get()
    fields = [page.title, page.lead, page.slug]
    fields += [a.name for a in page.authors] + [a.role for a in page.authors]
    for block in page.body:
        value = block.value
        fields += [value.source] if block.block_type == "paragraph" else [value["caption"]]
    assert page.title == "Hội nghị tổng kết[0m năm 2023"
    assert [(a.name, a.role) for a in page.authors] == [("Minh Anh", "Trung tâm Văn hóa")]
    for value in fields:
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in value), repr(value)
