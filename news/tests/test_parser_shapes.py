"""The parser on the shapes of date line, view count and byline that provincial portals
print (written after reading many of their pages; the text is the tests' own).

Each row is one shape, placed in an otherwise ordinary export, so a row fails alone and
names the shape it could not read.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from news.importer.parser import Byline, parse_export
from news.tests.test_parser import BODY_1, BODY_2

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


# (meta line under the title, date and time, view count)
META_SHAPES = [
    # day, month and year with spaces around the separators
    ("Ngày 13 / 03 / 2020", vn(2020, 3, 13), None),
    ("13 / 3 / 2020 - 08:12", vn(2020, 3, 13, 8, 12), None),
    ("13 - 03 - 2020 08:12", vn(2020, 3, 13, 8, 12), None),
    ("Thời gian đăng: 14 - 5 - 2021", vn(2021, 5, 14), None),
    ("Ngày 16 . 05 . 2021", vn(2021, 5, 16), None),
    # dots as separators
    ("13. 03. 2020", vn(2020, 3, 13), None),
    ("13.3.2020 | 10:05", vn(2020, 3, 13, 10, 5), None),
    ("Ngày đăng: 13.03.2020 08:12:45", vn(2020, 3, 13, 8, 12, 45), None),
    ("Chủ nhật, 16.05.2021 | 20:05", vn(2021, 5, 16, 20, 5), None),
    ("16.05.2021 - 2.310 lượt xem", vn(2021, 5, 16), 2310),
    # labels, weekdays, clocks
    ("Cập nhật: 08/03/2019 15:42 - Số lượt xem: 312", vn(2019, 3, 8, 15, 42), 312),
    ("Tin đăng ngày: 6/2/2020 - Xem: 92", vn(2020, 2, 6), 92),
    ("17:42 Ngày 04/06/2018", vn(2018, 6, 4, 17, 42), None),
    ("11-03-2024, 16:27 (GMT+7)", vn(2024, 3, 11, 16, 27), None),
    ("03/11/2022 13:45", vn(2022, 11, 3, 13, 45), None),
    ("Thứ Hai, 14/08/2023 | 09:20 | Lượt xem: 1.204", vn(2023, 8, 14, 9, 20), 1204),
    ("Thứ Năm, 12/05/2021 - 10:15 SA", vn(2021, 5, 12, 10, 15), None),
    ("12/05/2021 - 02:30 CH", vn(2021, 5, 12, 14, 30), None),
    ("Đăng lúc: 10h15 ngày 12/5/2021", vn(2021, 5, 12, 10, 15), None),
    ("(Cập nhật: 12/05/2021 10:15)", vn(2021, 5, 12, 10, 15), None),
    ("[12/05/2021]", vn(2021, 5, 12), None),
    ("12/05/2021 10:15:33 AM", vn(2021, 5, 12, 10, 15, 33), None),
    ("Thứ 4, 12/05/2021, 10:15 GMT+7", vn(2021, 5, 12, 10, 15), None),
    ("T4, 12/05/2021 - 10:15", vn(2021, 5, 12, 10, 15), None),
    ("Thứ sáu - 14/05/2021 9:03 PM", vn(2021, 5, 14, 21, 3), None),
    ("Posted on: 14/05/2021 09:03 | Views: 1,234", vn(2021, 5, 14, 9, 3), 1234),
    # the month spelled out, as Joomla and spoken dates print it
    ("Thứ ba, 25 Tháng 1 2022 16:22", vn(2022, 1, 25, 16, 22), None),
    ("Thứ ba, 25 Tháng 1 2022 16:22 | 7331 Lượt xem", vn(2022, 1, 25, 16, 22), 7331),
    ("Ngày 12 tháng 5 năm 2021", vn(2021, 5, 12), None),
    ("Thứ Tư, ngày 12 tháng 05 năm 2021, 08:30", vn(2021, 5, 12, 8, 30), None),
    ("12 Tháng Năm 2021", vn(2021, 5, 12), None),
    # year first
    ("Ngày xuất bản: 2021-05-12T10:15:00", vn(2021, 5, 12, 10, 15), None),
    ("2021/05/12 10:15", vn(2021, 5, 12, 10, 15), None),
    # view counts alone
    ("7331 Lượt xem", None, 7331),
    ("Lượt đọc: 1.025", None, 1025),
    ("Số lần đọc: 87", None, 87),
    ("Đã xem: 2.310 lần", None, 2310),
    ("Views: 518", None, 518),
]


@pytest.mark.parametrize(("meta", "published_at", "view_count"), META_SHAPES)
def test_meta_shapes(meta, published_at, view_count):
    parsed = parse_export(f"Tiêu đề bài viết\n{meta}\n{BODY_1}\n{BODY_2}\n")

    assert parsed.published_at == published_at
    assert parsed.view_count == view_count
    assert parsed.lead == BODY_1  # the meta line never becomes text
    assert [block.text for block in parsed.blocks] == [BODY_2]


TTXVN = "TTXVN"
# (last line of the article, bylines, source)
BYLINE_SHAPES = [
    # a name, then an agency after a hyphen: spaces or none, short or long, full stop or not
    ("Hà Linh-TTXVN", (Byline("Hà Linh", TTXVN),), ""),
    ("Hà Linh -TTXVN", (Byline("Hà Linh", TTXVN),), ""),
    ("Hà Linh- TTXVN", (Byline("Hà Linh", TTXVN),), ""),
    ("Hà Linh - TTXVN.", (Byline("Hà Linh", TTXVN),), ""),
    ("Hà Linh – TTXVN", (Byline("Hà Linh", TTXVN),), ""),
    ("NGUYỄN VĂN AN - TTXVN", (Byline("Nguyễn Văn An", TTXVN),), ""),
    ("Thu Hà, Minh Anh - TTXVN", (Byline("Thu Hà", TTXVN), Byline("Minh Anh", TTXVN)), ""),
    ("Hà Linh - Thông tấn xã Việt Nam", (Byline("Hà Linh", "Thông tấn xã Việt Nam"),), ""),
    ("Quang Huy - Báo Bắc Giang.", (Byline("Quang Huy", "Báo Bắc Giang"),), ""),
    ("Quang Huy-Báo Bắc Giang", (Byline("Quang Huy", "Báo Bắc Giang"),), ""),
    ("Thu Hà - Đài PT-TH tỉnh", (Byline("Thu Hà", "Đài PT-TH tỉnh"),), ""),
    ("Thu Hà - Cổng TTĐT tỉnh.", (Byline("Thu Hà", "Cổng TTĐT tỉnh"),), ""),
    ("Minh Anh-Trung tâm VH-TT-TT huyện.", (Byline("Minh Anh", "Trung tâm VH-TT-TT huyện"),), ""),
    (
        "Minh Anh - Trung tâm Văn hóa, Thể thao và Truyền thanh huyện Yên Phong.",
        (Byline("Minh Anh", "Trung tâm Văn hóa, Thể thao và Truyền thanh huyện Yên Phong"),),
        "",
    ),
    (
        "Nguyễn Văn An - Phòng Nông nghiệp và PTNT huyện Lục Nam.",
        (Byline("Nguyễn Văn An", "Phòng Nông nghiệp và PTNT huyện Lục Nam"),),
        "",
    ),
    (
        "Hoàng Yến - Văn phòng HĐND-UBND huyện.",
        (Byline("Hoàng Yến", "Văn phòng HĐND-UBND huyện"),),
        "",
    ),
    (
        "Đức Thịnh - Trung tâm Y tế huyện Yên Phong",
        (Byline("Đức Thịnh", "Trung tâm Y tế huyện Yên Phong"),),
        "",
    ),
    ("Phạm Hùng - Công an tỉnh.", (Byline("Phạm Hùng", "Công an tỉnh"),), ""),
    ("Thanh Tâm - Hội Nông dân tỉnh", (Byline("Thanh Tâm", "Hội Nông dân tỉnh"),), ""),
    (
        "Lan Hương - Sở Giáo dục và Đào tạo.",
        (Byline("Lan Hương", "Sở Giáo dục và Đào tạo"),),
        "",
    ),
    ("T.H - Báo Bắc Ninh", (Byline("T.H", "Báo Bắc Ninh"),), ""),
    ("PV - Báo Bắc Ninh", (Byline("PV", "Báo Bắc Ninh"),), ""),
    ("Vân Anh - CTV", (Byline("Vân Anh", "CTV"),), ""),
    # an agency in brackets, or a label first
    ("Lê Hoa (TTXVN)", (Byline("Lê Hoa", TTXVN),), ""),
    (
        "Minh Châu (Phòng Văn hóa - Thông tin huyện Gia Bình).",
        (Byline("Minh Châu", "Phòng Văn hóa - Thông tin huyện Gia Bình"),),
        "",
    ),
    ("Tin, ảnh: Hà Linh - TTXVN", (Byline("Hà Linh", TTXVN),), ""),
    ("Bài và ảnh: Quang Huy - Báo Bắc Giang.", (Byline("Quang Huy", "Báo Bắc Giang"),), ""),
    ("T/h: Lệ Quyên", (Byline("Lệ Quyên"),), ""),
    (
        "Trần Quốc Khánh, Ban Tuyên giáo Tỉnh ủy",
        (Byline("Trần Quốc Khánh", "Ban Tuyên giáo Tỉnh ủy"),),
        "",
    ),
    # sources
    ("Theo Báo Bắc Giang.", (), "Báo Bắc Giang"),
    ("Nguồn: baobacgiang.vn.", (), "baobacgiang.vn"),
    ("Nguồn: Cổng TTĐT tỉnh Bắc Giang", (), "Cổng TTĐT tỉnh Bắc Giang"),
    ("Hà Linh - TTXVN - Nguồn: Báo Tin tức", (Byline("Hà Linh", TTXVN),), "Báo Tin tức"),
]


@pytest.mark.parametrize(("line", "bylines", "source"), BYLINE_SHAPES)
def test_byline_shapes(line, bylines, source):
    parsed = parse_export(f"Tiêu đề bài viết\n13/03/2020\n{BODY_1}\n{BODY_2}\n{line}\n")

    assert parsed.bylines == bylines
    assert parsed.source == source
    assert [block.text for block in parsed.blocks] == [BODY_2]  # the byline is not text


def test_there_are_at_least_sixty_shapes():
    shapes = {meta for meta, *_ in META_SHAPES} | {line for line, *_ in BYLINE_SHAPES}
    assert len(shapes) >= 60


@pytest.mark.parametrize(
    "line",
    [
        "URL: https://yenphong.bacninh.gov.vn/tin-tuc/ChiTiet.aspx?ArticleID=4521",
        "Nguồn: https://yenphong.bacninh.gov.vn/tin-tuc/ChiTiet.aspx?ArticleID=4521",
        "Link gốc: <https://yenphong.bacninh.gov.vn/tin-tuc/ChiTiet.aspx?ArticleID=4521>",
        "(Nguồn: https://yenphong.bacninh.gov.vn/tin-tuc/ChiTiet.aspx?ArticleID=4521).",
    ],
)
def test_original_address_line(line):
    for text in (
        f"Tiêu đề bài viết\n{line}\n13/03/2020\n{BODY_1}\n{BODY_2}\n",
        f"Tiêu đề bài viết\n13/03/2020\n{BODY_1}\n{BODY_2}\nVũ Hưng\n{line}\n",
    ):
        parsed = parse_export(text)

        assert parsed.original_urls == (
            "https://yenphong.bacninh.gov.vn/tin-tuc/ChiTiet.aspx?ArticleID=4521",
        )
        assert parsed.source == ""  # an address is not a source agency
        assert parsed.lead == BODY_1
        assert [block.text for block in parsed.blocks] == [BODY_2]


def test_a_source_agency_is_not_an_address():
    parsed = parse_export(f"Tiêu đề bài viết\n{BODY_1}\n{BODY_2}\nNguồn: Báo Bắc Ninh\n")

    assert parsed.original_urls == ()
    assert parsed.source == "Báo Bắc Ninh"
