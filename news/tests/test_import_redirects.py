"""Old addresses keep working: import_articles makes a permanent redirect (Wagtail's
redirects app) from each old address an export names to its new page."""

import pytest
from wagtail.contrib.redirects.models import Redirect

from news.models import ArticlePage, Author
from news.tests.test_import_command import run_import

pytestmark = pytest.mark.embedded

OLD_HOST = "https://yenphong.bacninh.gov.vn"


def export(title, *extra_lines, day=13):
    extra = "\n".join(extra_lines)
    return (
        f"{title}\n\nĐăng ngày: {day:02d}/02/2024 09:01:54\n\n"
        "Sáng 12/2, Ban Dân vận Huyện ủy tổ chức hội nghị tổng kết công tác dân vận năm 2023.\n\n"
        "Năm 2023, công tác dân vận tiếp tục được các cấp ủy quan tâm lãnh đạo. Các mô hình dân "
        "vận khéo được nhân rộng ở nhiều xã, thị trấn.\n\n"
        f"MINH ANH - Trung tâm Văn hóa\n{extra}\n"
    )


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def page_titled(title):
    return ArticlePage.objects.get(title=title)


def test_old_path_with_and_without_query_string_answers_301(section, tmp_path, client):
    write(
        tmp_path,
        "a.txt",
        export("Hội nghị dân vận", f"URL: {OLD_HOST}/Pages/ChiTiet.aspx?ArticleID=123&CatID=4"),
    )
    write(
        tmp_path,
        "b.txt",
        export("Lễ hội làng Đông", f"Nguồn: {OLD_HOST}/tin-tuc/le-hoi-lang-dong-88.html", day=14),
    )
    out, err, error = run_import(tmp_path)
    assert error is None, err
    assert "Redirects from old addresses: 2 created, 0 already in place." in out
    first, second = page_titled("Hội nghị dân vận"), page_titled("Lễ hội làng Đông")

    for old in (
        "/Pages/ChiTiet.aspx?ArticleID=123&CatID=4",
        "/Pages/ChiTiet.aspx?CatID=4&ArticleID=123",  # the same parameters, another order
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == first.url
    response = client.get("/tin-tuc/le-hoi-lang-dong-88.html")
    assert response.status_code == 301
    assert response["Location"] == second.url
    assert client.get(response["Location"]).status_code == 200
    # Another article of the old portal's shared address is not sent to this one.
    assert client.get("/Pages/ChiTiet.aspx?ArticleID=124&CatID=4").status_code == 404
    assert client.get("/Pages/ChiTiet.aspx").status_code == 404
    # "Nguồn:" with an address is the old address, not a source agency.
    assert not Author.objects.filter(name__contains="http").exists()


def test_second_import_creates_no_second_redirect(section, tmp_path, client):
    write(tmp_path, "a.txt", export("Hội nghị dân vận", f"URL: {OLD_HOST}/tin/123.html"))
    run_import(tmp_path)
    before = list(Redirect.objects.values_list("pk", "old_path", "redirect_page_id"))

    out, err, error = run_import(tmp_path)

    assert error is None, err
    assert "Imported 0, skipped 1" in out
    assert "Redirects from old addresses: 0 created, 1 already in place." in out
    assert list(Redirect.objects.values_list("pk", "old_path", "redirect_page_id")) == before
    assert len(before) == 1 and before[0][1] == "/tin/123.html"
    assert client.get("/tin/123.html")["Location"] == page_titled("Hội nghị dân vận").url


def test_rerun_makes_the_redirects_an_earlier_run_did_not(section, tmp_path, client):
    """Redirects are made a batch at a time; a file found already imported still gets
    the ones missing (a run stopped between a batch's pages and a later step, or a
    redirects.csv added afterwards)."""
    write(tmp_path, "a.txt", export("Hội nghị dân vận", f"URL: {OLD_HOST}/tin/123.html"))
    write(tmp_path, "b.txt", export("Lễ hội làng Đông", f"URL: {OLD_HOST}/tin/124.html", day=14))
    run_import(tmp_path, "--batch-size", "1")
    Redirect.objects.filter(old_path="/tin/124.html").delete()
    write(tmp_path, "redirects.csv", f"{OLD_HOST}/Pages/ChiTiet.aspx?ArticleID=123,a.txt\n")

    out, err, error = run_import(tmp_path, "--batch-size", "1")

    assert error is None, err
    assert "Imported 0, skipped 2" in out
    assert "Redirects from old addresses: 2 created, 1 already in place." in out
    assert client.get("/tin/124.html")["Location"] == page_titled("Lễ hội làng Đông").url
    response = client.get("/Pages/ChiTiet.aspx?ArticleID=123")
    assert response.status_code == 301
    assert response["Location"] == page_titled("Hội nghị dân vận").url


def test_source_agency_makes_no_redirect(section, tmp_path):
    write(tmp_path, "a.txt", export("Hội nghị dân vận", "Nguồn: Báo Bắc Ninh"))
    out, err, error = run_import(tmp_path)
    assert error is None, err
    assert Redirect.objects.count() == 0
    assert "0 created" in out


SHEET = f"""old_url,file
{OLD_HOST}/Pages/ChiTiet.aspx?ArticleID=501,a.txt
{OLD_HOST}/tin-tuc/hoi-nghi-dan-van.html,a.txt
ftp://files.yenphong.gov.vn/a.txt,a.txt
{OLD_HOST}/tin/502.html,missing.txt
{OLD_HOST}/tin/503.html,b.txt,extra
{OLD_HOST}/Pages/ChiTiet.aspx?ArticleID=501,b.txt
{OLD_HOST}/Pages/ChiTiet.aspx?ArticleID=504,b.txt
"""


def test_redirects_csv_good_rows_redirect_bad_rows_are_named(section, tmp_path, client):
    write(tmp_path, "a.txt", export("Hội nghị dân vận"))
    write(tmp_path, "b.txt", export("Lễ hội làng Đông", day=14))
    write(tmp_path, "redirects.csv", SHEET)

    out, err, error = run_import(tmp_path)

    # Both articles import; each bad row is named with its line and reason, exit non-zero.
    assert ArticlePage.objects.count() == 2
    assert error is not None and "4 redirect(s) not made" in str(error)
    assert "redirects.csv line 4: 'ftp://files.yenphong.gov.vn/a.txt' is not a web address" in err
    assert "redirects.csv line 5: no file 'missing.txt' beside the sheet" in err
    assert "redirects.csv line 6: expected two filled columns" in err
    assert "redirects.csv line 7:" in err and "already given for a.txt on line 2" in err
    # The bad rows changed nothing: only the three good rows became redirects.
    first, second = page_titled("Hội nghị dân vận"), page_titled("Lễ hội làng Đông")
    assert sorted(Redirect.objects.values_list("old_path", "redirect_page_id")) == [
        ("/Pages/ChiTiet.aspx?ArticleID=501", first.pk),
        ("/Pages/ChiTiet.aspx?ArticleID=504", second.pk),
        ("/tin-tuc/hoi-nghi-dan-van.html", first.pk),
    ]
    assert client.get("/Pages/ChiTiet.aspx?ArticleID=504")["Location"] == second.url
    assert client.get("/tin/502.html").status_code == 404


def test_unreadable_sheet_is_named_and_changes_nothing(section, tmp_path):
    write(tmp_path, "a.txt", export("Hội nghị dân vận"))
    (tmp_path / "redirects.csv").write_bytes(b"\xff\xfe\x00garbage\x81\x00")
    out, err, error = run_import(tmp_path)
    assert ArticlePage.objects.count() == 1
    assert error is not None and "redirects.csv: cannot be read" in err
    assert Redirect.objects.count() == 0


def test_an_editors_redirect_is_left_alone(section, tmp_path, client):
    other = section.add_child(instance=ArticlePage(title="Bài khác", slug="bai-khac"))
    other.save_revision().publish()
    Redirect.add_redirect("/tin/123.html", redirect_to=other)
    write(tmp_path, "a.txt", export("Hội nghị dân vận", f"URL: {OLD_HOST}/tin/123.html"))

    out, err, error = run_import(tmp_path)

    assert ArticlePage.objects.filter(title="Hội nghị dân vận").exists()
    assert error is not None
    assert "'/tin/123.html' already redirects elsewhere" in err
    assert Redirect.objects.get().redirect_page_id == other.pk
    assert client.get("/tin/123.html")["Location"] == other.url


def test_editors_see_the_redirects_in_the_admin(section, tmp_path, admin_client):
    write(tmp_path, "a.txt", export("Hội nghị dân vận", f"URL: {OLD_HOST}/tin/123.html"))
    run_import(tmp_path)

    response = admin_client.get("/admin/redirects/")

    assert response.status_code == 200
    assert "/tin/123.html" in response.content.decode()


def test_excel_sheet_with_semicolons_and_an_encoded_vietnamese_path(section, tmp_path, client):
    write(tmp_path, "a.txt", export("Hội nghị dân vận"))
    sheet = f"Địa chỉ cũ;Tệp\n{OLD_HOST}/tin-tuc/h%E1%BB%99i-ngh%E1%BB%8B.html;a.txt\n"
    (tmp_path / "redirects.csv").write_bytes(b"\xef\xbb\xbf" + sheet.encode("utf-8"))

    out, err, error = run_import(tmp_path)

    assert error is None, err
    page = page_titled("Hội nghị dân vận")
    for old in ("/tin-tuc/h%E1%BB%99i-ngh%E1%BB%8B.html", "/tin-tuc/hội-nghị.html"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == page.url


def test_the_new_address_itself_makes_no_redirect(section, tmp_path, client):
    write(
        tmp_path,
        "a.txt",
        export("Hội nghị dân vận", "URL: https://portal.example.vn/tin-tuc/hoi-nghi-dan-van/"),
    )
    out, err, error = run_import(tmp_path)
    page = page_titled("Hội nghị dân vận")
    assert page.url == "/tin-tuc/hoi-nghi-dan-van/"
    assert error is None, err
    assert Redirect.objects.count() == 0
    assert client.get(page.url).status_code == 200


def test_many_redirects_at_once(section):
    """The bulk writer hands over a whole archive: more addresses than SQLite takes as
    parameters of one query."""
    from news.importer.parser import parse_export
    from news.importer.redirects import create_redirects

    page = section.add_child(instance=ArticlePage(title="Bài đích", slug="bai-dich"))
    urls = tuple(f"{OLD_HOST}/Pages/ChiTiet.aspx?ArticleID={n}" for n in range(40_000))
    parsed = parse_export(export("Bài đích"))
    parsed = type(parsed)(**{**parsed.__dict__, "original_urls": urls})

    report = create_redirects([(parsed, page)])
    again = create_redirects([(parsed, page)])

    assert (report.created, report.existing, report.problems) == (40_000, 0, [])
    assert (again.created, again.existing) == (0, 40_000)
    assert Redirect.objects.filter(redirect_page=page).count() == 40_000
