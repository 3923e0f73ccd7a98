"""Saved HTML pages ("Save page as…": a page and its `_files` folder) read into the same
ParsedExport as text exports, and imported with their photos.

The fixtures under fixtures/saved_pages/ are written for these tests in the shapes of
provincial portals (DotNetNuke with `?ArticleID=`, SharePoint-era table layouts with a
caption row under each photo, Joomla with the month spelled out); the text is our own.
"""

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from wagtail.images import get_image_model

from news.importer.parser import CAPTION, Byline, ExportParseError, ParsedExport, parse_export
from news.importer.saved_pages import parse_page, parse_saved_page
from news.models import ArticlePage
from news.tests.test_import_command import run_import, snapshot

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PAGES = Path(__file__).resolve().parent / "fixtures" / "saved_pages"

# Portal text that must never reach an article: menus, tools, related lists, counters.
CHROME = (
    "Trang chủ",
    "Giới thiệu",
    "In bài viết",
    "Gửi email",
    "Chia sẻ",
    "Tin liên quan",
    "Các tin khác",
    "Tin mới",
    "Thống kê truy cập",
    "Trực tuyến",
    "Bản quyền",
    "Cơ quan chủ quản",
    "Trở lại",
    "giao ban khối nội chính",  # a sidebar headline
    "đường giao thông nông thôn",  # a related headline
    "cải cách hành chính quý I",
    "Khung thời tiết",  # the saved iframe
    "Y tế - Giáo dục",  # a breadcrumb above the title
    "vệ sinh môi trường phòng dịch",
)

EXPECTED = {
    "yen-phong-nha-van-hoa.html": {
        "title": "Xã Đông Phong khánh thành nhà văn hóa thôn Mẫn Xá",
        "published_at": datetime(2023, 8, 14, 9, 20, tzinfo=VN),  # not the header's date
        "view_count": 1204,
        "lead": "Sáng 12/8, xã Đông Phong tổ chức lễ khánh thành",
        "captions": [
            (
                "Các đại biểu cắt băng khánh thành nhà văn hóa thôn Mẫn Xá.",
                "./yen-phong-nha-van-hoa_files/nvh-khanh-thanh.jpg",
            ),
            (
                "Người dân thôn Mẫn Xá biểu diễn văn nghệ mừng công trình mới.",
                "./yen-phong-nha-van-hoa_files/van-nghe%20thon.jpg",
            ),
        ],
        "kinds": "CPPCP",
        "bylines": (Byline("Thu Trang", "Trung tâm VH-TT-TT huyện"),),
        "urls": ("https://yenphong.bacninh.gov.vn/tin-tuc-su-kien/ChiTietTin.aspx?ArticleID=4521",),
    },
    "gia-binh-tap-huan-chuyen-doi-so.htm": {
        "title": "Gia Bình tập huấn kỹ năng chuyển đổi số cho cán bộ cấp xã",
        "published_at": datetime(2019, 3, 8, 15, 42, tzinfo=VN),
        "view_count": 312,
        "lead": "Trong hai ngày 6 và 7/3, Ủy ban nhân dân huyện Gia Bình",
        "captions": [
            (
                "Học viên thực hành nộp hồ sơ trực tuyến trên máy tính của lớp.",
                "gia-binh-tap-huan-chuyen-doi-so_files/lop-hoc.jpg",
            ),
            (
                "Lãnh đạo huyện trao giấy chứng nhận cho học viên hoàn thành khóa học.",
                "http://giabinh.bacninh.gov.vn/PublishingImages/2019/03/trao-giay-chung-nhan.jpg",
            ),
        ],
        "kinds": "CPPCP",
        "bylines": (Byline("Nguyễn Minh Đức", "Phòng VH-TT huyện"),),  # the author box
        "urls": ("http://giabinh.bacninh.gov.vn/Pages/tap-huan-chuyen-doi-so-cap-xa.aspx",),
    },
    "que-vo-tiem-chung.html": {
        # Liferay-era layout: the title in a <p class="title01">, <title> only the site's
        # name, the whole article in one table cell, a thumbnail without a caption.
        "title": "Quế Võ tiêm chủng vắc xin sởi cho trẻ từ 1 đến 5 tuổi",
        "published_at": datetime(2025, 4, 7, 16, 5, tzinfo=VN),
        "view_count": None,
        "lead": "Từ ngày 7 đến 20/4, Trung tâm Y tế thị xã Quế Võ",
        "captions": [],
        "kinds": "PPP",
        "bylines": (Byline("Nguyễn Thị Mai", "Trung tâm Y tế thị xã"),),
        "urls": (
            "https://quevo.bacninh.gov.vn/web/guest/tin-tuc?p_p_id=vcmsviewcontent_WAR_vcmsportlet"
            "&p_p_lifecycle=0&_vcmsviewcontent_articleId=20871",
        ),
    },
    "luc-nam-le-hoi-xuan.html": {
        "title": "Lễ hội xuân xã Cẩm Lý thu hút đông đảo du khách",
        "published_at": datetime(2022, 1, 25, 16, 22, tzinfo=VN),  # "25 Tháng 1 2022 16:22"
        "view_count": 7331,  # "7331 Lượt xem" in its own element
        "lead": "Mùng 4 Tết, xã Cẩm Lý mở hội xuân truyền thống",
        "captions": [
            (
                "Đoàn rước kiệu đi qua con đê ven sông.",
                "luc-nam-le-hoi-xuan_files/r%C6%B0%E1%BB%9Bc-ki%E1%BB%87u.jpg",
            ),
            (
                "Các đô vật tranh tài trên sới đấu của làng.",
                "luc-nam-le-hoi-xuan_files/thi-vat.jpg",
            ),
        ],
        "kinds": "CPPCP",
        "bylines": (Byline("Hà Linh", "TTXVN"),),  # "Hà Linh-TTXVN"
        "urls": (
            "https://lucnam.bacgiang.gov.vn/index.php/tin-tuc/item/1187-le-hoi-xuan-xa-cam-ly.html",
        ),
    },
}


def all_text(parsed: ParsedExport) -> str:
    parts = [parsed.title, parsed.lead, parsed.source, *(b.text for b in parsed.blocks)]
    return "\n".join(parts + [f"{b.name} {b.organisation}" for b in parsed.bylines])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_saved_page_reads_like_a_text_export(name):
    expected = EXPECTED[name]

    parsed = parse_saved_page(PAGES / name)

    assert type(parsed) is ParsedExport
    assert parsed.title == expected["title"]
    assert parsed.published_at == expected["published_at"]
    assert parsed.view_count == expected["view_count"]
    assert parsed.lead.startswith(expected["lead"])
    assert [(b.text, b.image) for b in parsed.blocks if b.kind == CAPTION] == expected["captions"]
    assert "".join("C" if b.kind == CAPTION else "P" for b in parsed.blocks) == expected["kinds"]
    assert parsed.bylines == expected["bylines"]
    assert parsed.original_urls == expected["urls"]
    text = all_text(parsed)
    for chrome in CHROME:
        assert chrome not in text, f"{chrome!r} leaked from {name}"


def test_same_rules_as_the_text_parser():
    """The page's meta line and byline give what the text parser gives for them."""
    parsed = parse_saved_page(PAGES / "yen-phong-nha-van-hoa.html")
    as_text = parse_export(
        f"{parsed.title}\nThứ Hai, 14/08/2023 | 09:20 | Lượt xem: 1.204\n{parsed.lead}\n"
        + "\n".join(b.text for b in parsed.blocks if b.kind != CAPTION)
        + "\nThu Trang - Trung tâm VH-TT-TT huyện\n"
    )
    assert (parsed.published_at, parsed.view_count) == (as_text.published_at, as_text.view_count)
    assert parsed.bylines == as_text.bylines


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file is empty"),
        (b"  \n\t ", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("<html><head><title>Trang chủ</title></head><body></body></html>", "no article text"),
        (
            "<html><body><h1>Tiêu đề</h1><div>13/03/2020 | In bài viết</div></body></html>",
            "no",
        ),
    ],
)
def test_broken_pages_are_refused_with_the_reason(data, reason):
    with pytest.raises(ExportParseError, match=reason):
        parse_page(data)


# --------------------------------------------------------------------------- the command


@pytest.mark.embedded
def test_import_saved_pages_with_their_photos(section, tmp_path, client):
    folder = tmp_path / "pages"
    shutil.copytree(PAGES, folder)
    images_before = get_image_model().objects.count()

    out, err, error = run_import(folder)

    assert error is None, err
    assert "Imported 4, skipped 0 already imported, failed 0." in out  # not the saved iframe
    assert "Redirects from old addresses: 4 created" in out
    assert get_image_model().objects.count() == images_before + 5  # one photo was not saved

    page = ArticlePage.objects.get(title=EXPECTED["luc-nam-le-hoi-xuan.html"]["title"])
    assert page.initial_view_count == 7331
    assert [(a.name, a.role) for a in page.authors] == [("Hà Linh", "TTXVN")]
    photos = [b.value for b in page.body if b.block_type == "captioned_image"]
    assert [p["caption"] for p in photos] == [c for c, _ in EXPECTED[page_name(page)]["captions"]]
    assert all(p["image"] is not None for p in photos)
    with (folder / "luc-nam-le-hoi-xuan_files" / "thi-vat.jpg").open("rb") as original:
        photos[1]["image"].file.open("rb")
        assert photos[1]["image"].file.read() == original.read()

    response = client.get(page.url)
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    figures = html.select("figure")
    assert [f.figcaption.get_text(" ", strip=True) for f in figures][:2] == [
        c for c, _ in EXPECTED["luc-nam-le-hoi-xuan.html"]["captions"]
    ]
    assert all(f.find("img") for f in figures[:2])
    assert client.get("/index.php/tin-tuc/item/1187-le-hoi-xuan-xa-cam-ly.html")["Location"] == (
        page.url
    )

    unsaved = ArticlePage.objects.get(title__startswith="Gia Bình tập huấn")
    photos = [b.value for b in unsaved.body if b.block_type == "captioned_image"]
    assert [p["image"] is not None for p in photos] == [True, False]
    response = client.get(unsaved.url)  # a caption whose photo stayed on the web
    assert response.status_code == 200
    assert "Lãnh đạo huyện trao giấy chứng nhận" in response.content.decode()

    again, err, error = run_import(folder)
    assert error is None, err
    assert "Imported 0, skipped 4" in again
    assert get_image_model().objects.count() == images_before + 5


def page_name(page):
    return next(name for name, e in EXPECTED.items() if e["title"] == page.title)


@pytest.mark.embedded
def test_a_broken_photo_fails_its_page_and_changes_nothing(section, tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(PAGES, folder)
    (folder / "luc-nam-le-hoi-xuan_files" / "thi-vat.jpg").write_bytes(b"not a jpeg at all")
    (folder / "empty.html").write_bytes(b"")
    (folder / "binary.htm").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    before = snapshot()

    out, err, error = run_import(folder)

    assert error is not None
    assert "luc-nam-le-hoi-xuan.html: photo thi-vat.jpg is not a valid image" in err
    assert "empty.html: file is empty" in err
    assert "binary.htm: file contains NUL bytes" in err
    assert "Imported 3, skipped 0 already imported, failed 3." in out
    assert not ArticlePage.objects.filter(title__startswith="Lễ hội xuân").exists()
    pages, _, _, images = snapshot()
    assert (pages, images) == (before[0] + 3, before[3] + 3)


@pytest.mark.embedded
def test_a_photo_outside_the_page_folder_is_not_read(section, tmp_path):
    secret = tmp_path / "secret.jpg"
    shutil.copy(PAGES / "luc-nam-le-hoi-xuan_files" / "thi-vat.jpg", secret)
    folder = tmp_path / "pages"
    folder.mkdir()
    page = (PAGES / "luc-nam-le-hoi-xuan.html").read_text(encoding="utf-8")
    page = page.replace("luc-nam-le-hoi-xuan_files/thi-vat.jpg", "../secret.jpg")
    (folder / "page.html").write_text(page, encoding="utf-8")

    _, err, error = run_import(folder)

    assert error is None, err
    article = ArticlePage.objects.get()
    photos = [b.value for b in article.body if b.block_type == "captioned_image"]
    assert [p["caption"] for p in photos][1] == "Các đô vật tranh tài trên sới đấu của làng."
    assert photos[1]["image"] is None


# --------------------------------------------------------------------------- caption shapes

ARTICLE = """<html><head><title>Huyện tổ chức hội nghị tổng kết công tác dân vận</title></head>
<body><div class="menu"><a href="/">Trang chủ</a> <a href="/gt">Giới thiệu</a></div>
<div class="content"><h1>Huyện tổ chức hội nghị tổng kết công tác dân vận</h1>
<div class="date">Ngày đăng: 13/02/2024 09:01</div>
<p>Sáng 12/2, Ban Dân vận Huyện ủy tổ chức hội nghị tổng kết công tác dân vận năm 2023 với sự
tham dự của đại diện các xã, thị trấn và các đoàn thể chính trị - xã hội của huyện.</p>
{photo}
<p>Năm 2023, công tác dân vận tiếp tục được các cấp ủy quan tâm lãnh đạo. Các mô hình dân vận
khéo được nhân rộng ở nhiều xã, thị trấn, góp phần hoàn thành các chỉ tiêu kinh tế - xã hội.</p>
<p>Hội nghị đã khen thưởng hai mươi lăm tập thể và cá nhân có thành tích xuất sắc trong năm.</p>
</div><div class="footer">Bản quyền thuộc UBND huyện</div></body></html>"""
CAPTION_TEXT = "Đại biểu trao khen thưởng cho các tập thể xuất sắc."

PHOTO_SHAPES = {
    "figcaption": f"<figure><img src='p_files/a.jpg'><figcaption>{CAPTION_TEXT}</figcaption></figure>",
    "image table": (
        "<table class='image'><tr><td><img src='p_files/a.jpg'></td></tr>"
        f"<tr><td>{CAPTION_TEXT}</td></tr></table>"
    ),
    "italic in the photo's paragraph": f"<p><img src='p_files/a.jpg'><br><em>{CAPTION_TEXT}</em></p>",
    "centred line under a linked photo": (
        "<p style='text-align: center'><a href='p_files/a.jpg'><img src='p_files/a.jpg'></a></p>"
        f"<p style='text-align: center'>{CAPTION_TEXT}</p>"
    ),
    "italic line under a bare photo": f"<img src='p_files/a.jpg'><p><i>{CAPTION_TEXT}</i></p>",
    "caption class": f"<div><img src='p_files/a.jpg'></div><div class='image-caption'>{CAPTION_TEXT}</div>",
    "described alt text": f"<p><img src='p_files/a.jpg' alt='{CAPTION_TEXT}'></p>",
}


@pytest.mark.parametrize("shape", sorted(PHOTO_SHAPES))
def test_caption_shapes(shape):
    parsed = parse_page(ARTICLE.format(photo=PHOTO_SHAPES[shape]))

    assert parsed.lead.startswith("Sáng 12/2, Ban Dân vận Huyện ủy")
    assert [(b.kind, b.text, b.image) for b in parsed.blocks] == [
        (CAPTION, CAPTION_TEXT, "p_files/a.jpg"),
        ("paragraph", parsed.blocks[1].text, ""),
        ("paragraph", parsed.blocks[2].text, ""),
    ]
    assert parsed.blocks[1].text.startswith("Năm 2023, công tác dân vận")
    assert parsed.published_at == datetime(2024, 2, 13, 9, 1, tzinfo=VN)


@pytest.mark.parametrize(
    "photo",
    [
        "<p><img src='p_files/a.jpg' alt='IMG_2041.jpg'></p>",  # a file name, not a caption
        "<p><img src='p_files/a.jpg'></p><p>Năm 2023 là năm bản lề của nhiệm kỳ.</p>",
    ],
)
def test_photo_without_caption_is_left_out_and_plain_text_stays_text(photo):
    parsed = parse_page(ARTICLE.format(photo=photo))

    assert all(b.kind != CAPTION for b in parsed.blocks)
    assert "IMG_2041" not in all_text(parsed)


@pytest.mark.parametrize(
    ("markup", "published_at"),
    [
        (
            "<meta property='article:published_time' content='2024-02-13T02:01:00Z'>",
            datetime(2024, 2, 13, 9, 1, tzinfo=VN),  # UTC, shown in Vietnam's time
        ),
        (
            "<span itemprop='datePublished' content='2024-02-13T09:01:00+07:00'></span>",
            datetime(2024, 2, 13, 9, 1, tzinfo=VN),
        ),
        ("<time datetime='2024-02-13'></time>", datetime(2024, 2, 13, tzinfo=VN)),
    ],
)
def test_a_date_given_to_machines_only(markup, published_at):
    page = ARTICLE.format(photo="").replace(
        '<div class="date">Ngày đăng: 13/02/2024 09:01</div>', markup
    )
    assert "Ngày đăng" not in page

    assert parse_page(page).published_at == published_at


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_text_is_trafilaturas(name):
    """The reader finds no text of its own: every paragraph is one trafilatura extracted
    (its own code only puts the photos and their captions back)."""
    import trafilatura

    extracted = trafilatura.extract(
        (PAGES / name).read_bytes(), favor_recall=True, include_comments=False
    )
    extracted = " ".join(extracted.split())
    parsed = parse_saved_page(PAGES / name)

    for text in [parsed.lead, *(b.text for b in parsed.blocks if b.kind != CAPTION)]:
        assert text in extracted
