"""Tests for the plain-text export parser (pure Python: no database, no Django)."""

import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from news.importer.parser import (
    CAPTION,
    PARAGRAPH,
    Block,
    Byline,
    ExportParseError,
    ParsedExport,
    parse_export,
    parse_file,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE_NAME = "bac-ninh-2020-03-13-ky-ket-giao-uoc-thi-dua.txt"
FIXTURE = REPO_ROOT / "news" / "demo" / FIXTURE_NAME

# Strings that only ever appear in portal chrome, never in an article.
CHROME = (
    "Thống kê truy cập",
    "Trực tuyến",
    "Đã truy cập",
    "Hôm nay",
    "Lượt truy cập",
    "truy cập",
    "In bài viết",
    "Bản in",
    "Xem với cỡ chữ",
    "Gửi email",
    "Chia sẻ",
    "Quay lại",
    "Đầu trang",
    "Tin liên quan",
    "Các tin khác",
    "A A A",
    "A+",
    "Từ khóa",
    "Bản quyền",
    "Bình luận",
    "Lượt xem",
    "Lượt đọc",
    "Số lần xem",
)

# Two ordinary body paragraphs for tests that only vary the head or the tail.
BODY_1 = (
    "Trong những năm gần đây, công tác thi đua, khen thưởng của tỉnh đã được thực hiện tốt và "
    "đi vào nề nếp. Các đơn vị thường xuyên quan tâm, hưởng ứng tham gia các phong trào thi "
    "đua do cấp trên phát động. Việc đăng ký danh hiệu thi đua được thực hiện đầy đủ, kịp thời."
)
BODY_2 = (
    "Năm 2020, các đơn vị đã đạt được nhiều thành tích nổi bật, góp phần quan trọng vào việc "
    "ổn định và phát triển kinh tế - xã hội của tỉnh. Các địa phương đã triển khai tốt các "
    "phong trào thi đua, tạo khí thế sôi nổi trong cán bộ, đảng viên và nhân dân."
)


def everything(parsed: ParsedExport) -> str:
    """All text the parser kept, for absence checks."""
    parts = [parsed.title, parsed.lead, parsed.source]
    parts += [block.text for block in parsed.blocks]
    parts += [f"{b.name} {b.organisation}" for b in parsed.bylines]
    return "\n".join(parts)


def assert_no_chrome(parsed: ParsedExport) -> None:
    text = everything(parsed)
    for chrome in CHROME:
        assert chrome not in text, f"chrome {chrome!r} leaked into the article"


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


# --------------------------------------------------------------------------- the real fixture


def fixture_path() -> Path:
    if FIXTURE.is_file():
        return FIXTURE
    return REPO_ROOT / "news" / "demo" / FIXTURE_NAME  # the copy kept with the demo content


def test_real_bac_ninh_export():
    parsed = parse_file(fixture_path())

    assert parsed.title == (
        "Cụm thi đua các huyện, thị xã, thành phố tổ chức Hội nghị Ký kết giao ước thi đua năm 2020"
    )
    assert parsed.published_at == vn(2020, 3, 13, 8, 12)
    assert parsed.published_at.utcoffset().total_seconds() == 7 * 3600
    assert parsed.view_count == 161
    assert parsed.lead.startswith("Chiều 11/3, tại UBND huyện Yên Phong")
    assert parsed.lead.endswith("thị xã, thành phố.")
    assert parsed.captions == (
        "Đ/c Nguyễn Văn Phong, Phó chủ tịch UBND tỉnh, Chủ tịch Hội đồng Thi đua - Khen thưởng "
        "tỉnh phát biểu tại hội nghị.",
        "Các thành viên ký kết giao ước thi đua.",
    )
    assert [block.kind for block in parsed.blocks] == [CAPTION, PARAGRAPH, CAPTION, PARAGRAPH]
    assert parsed.blocks[1].text.startswith("Trong những năm gần đây công tác TĐKT")
    assert parsed.blocks[3].text.endswith("bám sát chủ đề năm./.")
    assert parsed.bylines == (Byline("Vũ Hưng"),)
    assert parsed.source == ""
    text = everything(parsed)
    for chrome in ("Thống kê truy cập", "Trực tuyến", "4646", "Đã truy cập", "43712467"):
        assert chrome not in text
    assert "Số lượt xem" not in text


def test_real_export_with_bom_and_crlf(tmp_path):
    raw = fixture_path().read_bytes().replace(b"\n", b"\r\n")
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + raw)

    parsed = parse_file(path)

    assert parsed.title.startswith("Cụm thi đua")
    assert parsed.view_count == 161
    assert len(parsed.captions) == 2
    assert parsed.bylines == (Byline("Vũ Hưng"),)


def test_parse_file_accepts_str_paths():
    assert parse_file(str(fixture_path())).published_at == vn(2020, 3, 13, 8, 12)


# --------------------------------------------------------------------------- export shapes

HA_NAM = """Hà Nam khởi công xây dựng cầu nối hai bờ sông Đáy
(15:32 | 22/01/2024)
Sáng 22/1, UBND tỉnh Hà Nam tổ chức lễ khởi công dự án xây dựng cầu Châu Sơn bắc qua sông Đáy, nối thành phố Phủ Lý với huyện Kim Bảng. Dự án có tổng mức đầu tư hơn 500 tỷ đồng, dự kiến hoàn thành trong năm 2026.
Ảnh: Các đại biểu thực hiện nghi thức khởi công dự án.
Phát biểu tại buổi lễ, đồng chí Chủ tịch UBND tỉnh nhấn mạnh cầu Châu Sơn là công trình có ý nghĩa đặc biệt quan trọng, góp phần hoàn thiện hệ thống giao thông của tỉnh. Đồng chí yêu cầu chủ đầu tư, nhà thầu tập trung nhân lực, máy móc, bảo đảm chất lượng và tiến độ công trình. Các sở, ngành, địa phương liên quan phối hợp chặt chẽ trong công tác giải phóng mặt bằng.
Lãnh đạo tỉnh tham quan phối cảnh dự án (Ảnh: Minh Đức)
Theo chủ đầu tư, cầu có chiều dài hơn 800 m, bề rộng 20,5 m, được thiết kế vĩnh cửu bằng bê tông cốt thép dự ứng lực. Khi hoàn thành, công trình sẽ rút ngắn đáng kể thời gian di chuyển giữa hai bờ sông, tạo động lực phát triển kinh tế - xã hội cho khu vực phía Tây của tỉnh./.
NGUYỄN THỊ HOA
In bài viết | Gửi email | Quay lại | Đầu trang
Tin liên quan
Hà Nam thông xe kỹ thuật đường vành đai (12/01/2024)
Khánh thành cầu Phù Vân (05/01/2024)
"""


def test_time_pipe_date_in_parentheses_and_marked_captions():
    parsed = parse_export(HA_NAM)

    assert parsed.title == "Hà Nam khởi công xây dựng cầu nối hai bờ sông Đáy"
    assert parsed.published_at == vn(2024, 1, 22, 15, 32)
    assert parsed.view_count is None
    assert parsed.lead.startswith("Sáng 22/1, UBND tỉnh Hà Nam")
    assert parsed.captions == (
        "Ảnh: Các đại biểu thực hiện nghi thức khởi công dự án.",
        "Lãnh đạo tỉnh tham quan phối cảnh dự án (Ảnh: Minh Đức)",
    )
    assert len(parsed.blocks) == 4
    assert parsed.bylines == (Byline("Nguyễn Thị Hoa"),)
    assert_no_chrome(parsed)
    assert "Phù Vân" not in everything(parsed)  # the related-articles list is dropped


TOP_CHROME = """Xem với cỡ chữ A A A
Trang chủ > Tin tức > Hoạt động địa phương

Huyện Thuận Thành tổ chức Lễ hội truyền thống chùa Dâu năm 2015

Đăng ngày: 13/02/2015 09:01:54

Ngày 12/2 (tức ngày 24 tháng Chạp), huyện Thuận Thành long trọng tổ chức Lễ hội truyền thống chùa Dâu. Tham dự lễ hội có đại diện lãnh đạo Sở Văn hóa, Thể thao và Du lịch, lãnh đạo huyện cùng đông đảo nhân dân và du khách thập phương về dự.

Nghi lễ rước Phật tại Lễ hội chùa Dâu.

Chùa Dâu là ngôi chùa cổ nhất Việt Nam, gắn liền với sự du nhập của Phật giáo vào nước ta từ những thế kỷ đầu Công nguyên. Lễ hội chùa Dâu được tổ chức hằng năm nhằm tưởng nhớ công đức Tứ Pháp, cầu cho mưa thuận gió hòa, mùa màng bội thu. Năm nay, lễ hội được tổ chức trang trọng, an toàn, tiết kiệm với nhiều hoạt động văn hóa, thể thao đặc sắc như thi đấu cờ người, đấu vật, múa rối nước.

Minh Anh - Trung tâm Văn hóa

Các tin khác:
Thuận Thành ra quân làm thủy lợi mùa khô (10/02/2015)
"""


def test_chrome_above_title_posted_on_label_and_name_with_organisation():
    parsed = parse_export(TOP_CHROME)

    assert parsed.title == "Huyện Thuận Thành tổ chức Lễ hội truyền thống chùa Dâu năm 2015"
    assert parsed.published_at == vn(2015, 2, 13, 9, 1, 54)
    assert parsed.view_count is None
    assert parsed.lead.startswith("Ngày 12/2 (tức ngày 24 tháng Chạp)")
    assert parsed.captions == ("Nghi lễ rước Phật tại Lễ hội chùa Dâu.",)
    assert parsed.blocks[1] == Block(PARAGRAPH, parsed.blocks[1].text)
    assert parsed.bylines == (Byline("Minh Anh", "Trung tâm Văn hóa"),)
    assert_no_chrome(parsed)
    assert "Trang chủ" not in everything(parsed)
    assert "thủy lợi mùa khô" not in everything(parsed)


WEEKDAY_CRLF = (
    "Bắc Giang tổ chức Hội nghị tổng kết chương trình nông thôn mới\r\n"
    "Thứ sáu, 19/11/2021, 19:40 Lượt đọc: 21\r\n"
    "Chiều\u00a019/11, Ban Chỉ đạo các chương trình mục tiêu quốc gia tỉnh Bắc Giang tổ chức "
    "Hội nghị tổng kết 10 năm thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới "
    "giai đoạn 2011 - 2021.\u00a0\u00a0\r\n"
    "Sau 10 năm triển khai, diện mạo nông thôn của tỉnh đã có nhiều đổi mới rõ rệt. Toàn tỉnh "
    "có 125 xã đạt chuẩn nông thôn mới, 4 huyện đạt chuẩn và hoàn thành nhiệm vụ xây dựng "
    "nông thôn mới. Thu nhập bình quân đầu người khu vực nông thôn năm 2021 ước đạt 46 triệu "
    "đồng, tăng gấp 3,5 lần so với năm 2011.\r\n"
    "\t Đồng chí Phó Chủ tịch UBND tỉnh trao Bằng khen cho các tập thể có thành tích xuất "
    "sắc.\r\n"
    "Phát biểu chỉ đạo hội nghị, đồng chí Phó Chủ tịch UBND tỉnh đề nghị các cấp, các ngành "
    "tiếp tục quán triệt sâu sắc quan điểm người dân là chủ thể trong xây dựng nông thôn mới. "
    "Các địa phương cần nâng cao chất lượng các tiêu chí đã đạt, hướng tới xây dựng nông thôn "
    "mới nâng cao, nông thôn mới kiểu mẫu bền vững.\r\n"
    "T.H\r\n"
    "Nguồn tin: Báo Bắc Giang\r\n"
    "Trực tuyến: 128 | Hôm nay: 3.214 | Tổng lượt truy cập: 12.345.678\r\n"
)


def test_weekday_meta_crlf_nbsp_initials_and_source():
    parsed = parse_export(WEEKDAY_CRLF)

    assert parsed.title == "Bắc Giang tổ chức Hội nghị tổng kết chương trình nông thôn mới"
    assert parsed.published_at == vn(2021, 11, 19, 19, 40)
    assert parsed.view_count == 21
    assert parsed.lead.startswith("Chiều 19/11, Ban Chỉ đạo")  # NBSP became a space
    assert parsed.lead.endswith("giai đoạn 2011 - 2021.")  # trailing NBSPs stripped
    assert parsed.captions == (
        "Đồng chí Phó Chủ tịch UBND tỉnh trao Bằng khen cho các tập thể có thành tích xuất sắc.",
    )
    assert [b.kind for b in parsed.blocks] == [PARAGRAPH, CAPTION, PARAGRAPH]
    assert parsed.bylines == (Byline("T.H"),)
    assert parsed.source == "Báo Bắc Giang"
    assert "\u00a0" not in everything(parsed) and "\r" not in everything(parsed)
    assert_no_chrome(parsed)
    assert "12.345.678" not in everything(parsed)


PM_META = """Lạng Sơn: Hơn 3.000 lượt khách tham quan Khu du lịch Mẫu Sơn dịp nghỉ lễ

02:36 PM 10/07/2023 | Lượt xem: 3.082 | In bài viết |

Trong dịp nghỉ lễ vừa qua, Khu du lịch quốc gia Mẫu Sơn đã đón hơn 3.000 lượt khách đến tham quan, nghỉ dưỡng. Lượng khách tăng khoảng 20% so với cùng kỳ năm trước, trong đó chủ yếu là khách đến từ Hà Nội và các tỉnh lân cận.

Ảnh minh họa

Để phục vụ du khách, Ban Quản lý Khu du lịch đã chỉ đạo các cơ sở lưu trú, nhà hàng niêm yết giá công khai, bảo đảm vệ sinh an toàn thực phẩm. Lực lượng chức năng tăng cường tuần tra, kiểm soát, bảo đảm an ninh trật tự và an toàn giao thông trên tuyến đường lên đỉnh núi. Nhiều hoạt động văn hóa, văn nghệ đặc sắc cũng được tổ chức, thu hút đông đảo du khách tham gia.

Hoàng Long, Thu Hà và P.V

Xem với cỡ chữ: A- A A+
Chia sẻ
"""


def test_twelve_hour_clock_thousands_separator_and_several_names():
    parsed = parse_export(PM_META)

    assert parsed.title.startswith("Lạng Sơn: Hơn 3.000 lượt khách")  # a title may hold numbers
    assert parsed.published_at == vn(2023, 7, 10, 14, 36)
    assert parsed.view_count == 3082
    assert parsed.lead.startswith("Trong dịp nghỉ lễ vừa qua")
    assert parsed.captions == ("Ảnh minh họa",)
    assert parsed.bylines == (Byline("Hoàng Long"), Byline("Thu Hà"), Byline("P.V"))
    assert_no_chrome(parsed)


COUNT_ONLY = """Trường THPT Chuyên Hùng Vương đón nhận Huân chương Lao động hạng Nhì
Lượt xem: 115
Sáng 20/11, Trường THPT Chuyên Hùng Vương long trọng tổ chức Lễ kỷ niệm 40 năm ngày Nhà giáo Việt Nam và đón nhận Huân chương Lao động hạng Nhì của Chủ tịch nước. Đây là phần thưởng cao quý ghi nhận những thành tích xuất sắc của thầy và trò nhà trường trong sự nghiệp trồng người.
Trải qua hơn 50 năm xây dựng và phát triển, nhà trường luôn là lá cờ đầu trong phong trào thi đua dạy tốt, học tốt của tỉnh. Nhiều thế hệ học sinh đã đạt giải cao trong các kỳ thi học sinh giỏi quốc gia và quốc tế. Đội ngũ giáo viên không ngừng đổi mới phương pháp giảng dạy, nâng cao chất lượng giáo dục toàn diện.
Lãnh đạo tỉnh trao Huân chương Lao động hạng Nhì cho nhà trường.
Tại buổi lễ, nhà trường đã trao học bổng cho các học sinh có hoàn cảnh khó khăn vươn lên học tốt. Các em học sinh biểu diễn nhiều tiết mục văn nghệ đặc sắc, ca ngợi tình thầy trò và mái trường thân yêu.
Tác giả: Lê Văn Nam
Ảnh: Quang Huy
Bản in
"""


def test_view_count_only_author_label_and_photo_credit():
    parsed = parse_export(COUNT_ONLY)

    assert parsed.title == "Trường THPT Chuyên Hùng Vương đón nhận Huân chương Lao động hạng Nhì"
    assert parsed.published_at is None
    assert parsed.view_count == 115
    assert parsed.captions == ("Lãnh đạo tỉnh trao Huân chương Lao động hạng Nhì cho nhà trường.",)
    assert parsed.bylines == (Byline("Lê Văn Nam"),)  # the photographer is not an author
    assert "Quang Huy" not in everything(parsed)
    assert "Tác giả" not in everything(parsed)
    assert_no_chrome(parsed)


DATE_ONLY_SOURCE = """Ngành y tế triển khai chiến dịch tiêm vắc xin phòng bạch hầu

Ngày đăng: 05/09/2022

Nhằm chủ động phòng, chống dịch bệnh bạch hầu, Sở Y tế đã xây dựng kế hoạch triển khai chiến dịch tiêm vắc xin cho trẻ em từ 7 đến 16 tuổi trên địa bàn tỉnh. Chiến dịch được triển khai tại tất cả các trạm y tế xã, phường, thị trấn và các trường học.

Theo kế hoạch, chiến dịch sẽ kéo dài trong tháng 9 và tháng 10 năm 2022. Sở Y tế đề nghị các địa phương tăng cường công tác tuyên truyền để phụ huynh đưa con em đi tiêm đầy đủ, đúng lịch. Các cơ sở tiêm chủng phải bảo đảm an toàn, theo dõi chặt chẽ các phản ứng sau tiêm.

Nguồn: Sở Y tế

Thống kê truy cập
Đang truy cập: 37
Lượt truy cập: 1.234.567
"""


def test_date_only_meta_and_source_without_author():
    parsed = parse_export(DATE_ONLY_SOURCE)

    assert parsed.published_at == vn(2022, 9, 5)
    assert parsed.view_count is None
    assert parsed.lead.startswith("Nhằm chủ động phòng, chống dịch bệnh bạch hầu")
    assert parsed.blocks == (Block(PARAGRAPH, parsed.blocks[0].text),)
    assert parsed.blocks[0].text.startswith("Theo kế hoạch")  # "Theo ..." sentence stays body
    assert parsed.captions == ()
    assert parsed.bylines == ()
    assert parsed.source == "Sở Y tế"
    assert_no_chrome(parsed)


DASHED_TWO_DIGIT_YEAR = """Gia Bình ra mắt Câu lạc bộ dân ca quan họ xã Đại Lai
Cập nhật lúc 08h30 ngày 13-03-20
Tối 12/3, xã Đại Lai, huyện Gia Bình tổ chức ra mắt Câu lạc bộ dân ca quan họ với 30 thành viên là những người yêu thích làn điệu dân ca quan họ. Câu lạc bộ sinh hoạt định kỳ mỗi tháng một lần tại nhà văn hóa thôn.
Việc thành lập Câu lạc bộ nhằm bảo tồn, phát huy giá trị di sản văn hóa phi vật thể đại diện của nhân loại, đồng thời tạo sân chơi lành mạnh cho người dân. Các thành viên sẽ tham gia biểu diễn tại các lễ hội truyền thống và các sự kiện văn hóa của địa phương.
Minh Châu (Phòng Văn hóa - Thông tin huyện Gia Bình)
"""


def test_dashed_two_digit_year_decomposed_unicode_and_organisation_in_parentheses():
    decomposed = unicodedata.normalize("NFD", DASHED_TWO_DIGIT_YEAR)
    assert decomposed != DASHED_TWO_DIGIT_YEAR

    parsed = parse_export(decomposed)

    assert parsed.title == "Gia Bình ra mắt Câu lạc bộ dân ca quan họ xã Đại Lai"  # NFC again
    assert parsed.published_at == vn(2020, 3, 13, 8, 30)
    assert parsed.lead.startswith("Tối 12/3, xã Đại Lai")
    assert len(parsed.blocks) == 1 and parsed.captions == ()
    assert parsed.bylines == (Byline("Minh Châu", "Phòng Văn hóa - Thông tin huyện Gia Bình"),)


NO_META = """Đồng Hỷ: Phát triển vùng chè an toàn theo hướng hữu cơ

Những năm qua, huyện Đồng Hỷ đã tập trung chỉ đạo phát triển vùng chè an toàn, từng bước chuyển đổi sang sản xuất chè theo hướng hữu cơ. Đến nay, toàn huyện có hơn 1.600 ha chè, trong đó diện tích chè được chứng nhận VietGAP đạt trên 300 ha.



Người dân xã Hóa Thượng thu hái chè.

Để nâng cao giá trị sản phẩm, huyện khuyến khích các hợp tác xã liên kết với doanh nghiệp trong tiêu thụ, xây dựng thương hiệu và đưa sản phẩm lên sàn thương mại điện tử. Nhiều sản phẩm chè của huyện đã đạt chứng nhận sản phẩm OCOP từ 3 đến 4 sao.

Trong thời gian tới, huyện sẽ tiếp tục mở rộng diện tích chè hữu cơ.

Đầu trang
"""


def test_missing_meta_and_final_sentence_is_body_not_byline():
    parsed = parse_export(NO_META)

    assert parsed.title == "Đồng Hỷ: Phát triển vùng chè an toàn theo hướng hữu cơ"
    assert parsed.published_at is None
    assert parsed.view_count is None
    assert parsed.captions == ("Người dân xã Hóa Thượng thu hái chè.",)
    assert parsed.blocks[-1] == Block(
        PARAGRAPH, "Trong thời gian tới, huyện sẽ tiếp tục mở rộng diện tích chè hữu cơ."
    )
    assert parsed.bylines == ()
    assert parsed.source == ""
    assert_no_chrome(parsed)


HARD_WRAPPED = """UBND tỉnh họp phiên thường kỳ tháng 4 đánh giá tình hình phát
triển kinh tế - xã hội
Ngày 28-04-2023 | 17:05 | Số lần xem: 1,245 | A A A | Chia sẻ
Sáng 28/4, đồng chí Chủ tịch UBND tỉnh chủ trì phiên họp thường kỳ
tháng 4 nhằm đánh giá tình hình phát triển kinh tế - xã hội 4 tháng đầu
năm và triển khai nhiệm vụ trọng tâm trong thời gian tới.
Theo báo cáo, 4 tháng đầu năm, tình hình kinh tế - xã hội của tỉnh tiếp tục
chuyển biến tích cực. Thu ngân sách nhà nước đạt khá, các hoạt động văn hóa,
xã hội được tổ chức sôi nổi, an ninh chính trị, trật tự an toàn xã hội được
bảo đảm.
Bài và ảnh: TRẦN VĂN MINH, ĐỖ THU TRANG
"""


def test_hard_wrapped_lines_comma_thousands_and_all_caps_names():
    parsed = parse_export(HARD_WRAPPED)

    assert parsed.title == (
        "UBND tỉnh họp phiên thường kỳ tháng 4 đánh giá tình hình phát triển kinh tế - xã hội"
    )
    assert parsed.published_at == vn(2023, 4, 28, 17, 5)
    assert parsed.view_count == 1245
    assert parsed.lead == (
        "Sáng 28/4, đồng chí Chủ tịch UBND tỉnh chủ trì phiên họp thường kỳ tháng 4 nhằm đánh "
        "giá tình hình phát triển kinh tế - xã hội 4 tháng đầu năm và triển khai nhiệm vụ trọng "
        "tâm trong thời gian tới."
    )
    assert len(parsed.blocks) == 1
    assert parsed.blocks[0].text.endswith("trật tự an toàn xã hội được bảo đảm.")
    assert parsed.bylines == (Byline("Trần Văn Minh"), Byline("Đỗ Thu Trang"))
    assert_no_chrome(parsed)


TEXT_DATE_AND_CREDIT = """Hội Nông dân tỉnh tập huấn chuyển giao khoa học kỹ thuật

Thứ Hai, ngày 6 tháng 3 năm 2023 Lượt xem: 98

Trong hai ngày 4 và 5/3, Hội Nông dân tỉnh phối hợp với Trung tâm Khuyến nông tổ chức lớp tập huấn chuyển giao khoa học kỹ thuật trong trồng trọt, chăn nuôi cho hơn 200 hội viên nông dân. Các học viên được hướng dẫn kỹ thuật chăm sóc cây ăn quả, phòng trừ sâu bệnh và chăn nuôi an toàn sinh học.

Quang cảnh lớp tập huấn tại xã Tân Sơn.

Thông qua lớp tập huấn, hội viên nông dân được trang bị thêm kiến thức, kinh nghiệm để áp dụng vào sản xuất, nâng cao năng suất, chất lượng sản phẩm. Nhiều hội viên cho biết sẽ mạnh dạn áp dụng tiến bộ kỹ thuật vào mô hình kinh tế của gia đình.

Tin: Hoàng Yến - Ảnh: Đức Thịnh

Từ khóa: nông dân, tập huấn, khuyến nông
"""


def test_spelled_out_date_and_news_label_with_photo_credit():
    parsed = parse_export(TEXT_DATE_AND_CREDIT)

    assert parsed.published_at == vn(2023, 3, 6)
    assert parsed.view_count == 98
    assert parsed.captions == ("Quang cảnh lớp tập huấn tại xã Tân Sơn.",)
    assert parsed.bylines == (Byline("Hoàng Yến"),)
    assert "Đức Thịnh" not in everything(parsed)
    assert_no_chrome(parsed)


HEADER_BEFORE_TITLE = f"""CỔNG THÔNG TIN ĐIỆN TỬ TỈNH BẮC NINH
Thứ Năm, 02/06/2022 | 10:15
Bắc Ninh đón nhận Bằng công nhận huyện nông thôn mới - Cổng thông tin điện tử tỉnh Bắc Ninh
Vũ Hưng | Lượt xem: 2.417
{BODY_1}
Đồng chí Bí thư Tỉnh ủy trao Bằng công nhận cho lãnh đạo huyện.
{BODY_2}
Theo Báo Bắc Ninh
Hôm nay: Thứ Sáu, 03/06/2022
"""


def test_site_header_date_before_title_author_in_meta_line_and_theo_source():
    parsed = parse_export(HEADER_BEFORE_TITLE)

    assert parsed.title == "Bắc Ninh đón nhận Bằng công nhận huyện nông thôn mới"
    assert parsed.published_at == vn(2022, 6, 2, 10, 15)
    assert parsed.view_count == 2417
    assert parsed.lead == BODY_1
    assert parsed.captions == ("Đồng chí Bí thư Tỉnh ủy trao Bằng công nhận cho lãnh đạo huyện.",)
    assert parsed.bylines == (Byline("Vũ Hưng"),)
    assert parsed.source == "Báo Bắc Ninh"
    assert "CỔNG THÔNG TIN" not in everything(parsed)
    assert_no_chrome(parsed)


FOOTER_AND_SEVERAL_AUTHORS = f"""Tổng kết công tác thi đua, khen thưởng năm 2020
Đăng ngày: 15/12/2020 | Tác giả: Ban biên tập | Lượt xem: 77
{BODY_1}
Các đại biểu dự hội nghị tổng kết công tác thi đua năm 2020 tại hội trường tỉnh.
{BODY_2}
Minh Anh - Trung tâm Văn hóa, Hoàng Long - Báo Bắc Ninh
Nguồn: Báo Bắc Ninh
Cập nhật: 16/12/2020 08:00
Bình luận (0)
Gửi bình luận
Bản quyền thuộc về Cổng thông tin điện tử tỉnh Bắc Ninh
"""


def test_authors_with_organisations_source_and_footer():
    parsed = parse_export(FOOTER_AND_SEVERAL_AUTHORS)

    assert parsed.published_at == vn(2020, 12, 15)  # "Cập nhật" at the bottom comes second
    assert parsed.view_count == 77
    assert parsed.captions == (
        "Các đại biểu dự hội nghị tổng kết công tác thi đua năm 2020 tại hội trường tỉnh.",
    )
    assert parsed.bylines == (
        Byline("Ban biên tập"),
        Byline("Minh Anh", "Trung tâm Văn hóa"),
        Byline("Hoàng Long", "Báo Bắc Ninh"),
    )
    assert parsed.source == "Báo Bắc Ninh"
    assert "Cập nhật" not in everything(parsed)
    assert_no_chrome(parsed)


SHORT_PARAGRAPHS = """Lịch tiếp công dân định kỳ tháng 7 của Chủ tịch UBND tỉnh
Ngày đăng: 01/07/2024
Chủ tịch UBND tỉnh tiếp công dân định kỳ vào ngày 15/7/2024.
Địa điểm tiếp công dân tại Trụ sở Ban Tiếp công dân tỉnh.
Công dân đến đúng giờ và mang theo giấy tờ tùy thân.
Những nội dung chính
Mọi ý kiến xin liên hệ Văn phòng UBND tỉnh để được hướng dẫn.
"""


def test_article_of_short_paragraphs_has_no_guessed_captions():
    parsed = parse_export(SHORT_PARAGRAPHS)

    assert parsed.published_at == vn(2024, 7, 1)
    assert parsed.lead == "Chủ tịch UBND tỉnh tiếp công dân định kỳ vào ngày 15/7/2024."
    assert parsed.captions == ()
    assert len(parsed.blocks) == 4
    assert parsed.blocks[2] == Block(PARAGRAPH, "Những nội dung chính")
    assert parsed.bylines == ()  # a closing sentence is not a byline


def test_head_author_label_and_inline_caption_credit():
    text = (
        f"Tiêu đề bài viết về hội nghị\n13/02/2015\nTác giả: NGUYỄN VĂN PHONG\n{BODY_1}\n"
        f"Đ/c Nguyễn Văn Phong phát biểu. Ảnh: Vũ Hưng\n{BODY_2}\n"
        "Hội nghị kết thúc trong không khí phấn khởi.\n"
    )
    parsed = parse_export(text)

    assert parsed.published_at == vn(2015, 2, 13)
    assert parsed.lead == BODY_1
    assert parsed.captions == ("Đ/c Nguyễn Văn Phong phát biểu. Ảnh: Vũ Hưng",)
    assert parsed.blocks[-1] == Block(PARAGRAPH, "Hội nghị kết thúc trong không khí phấn khởi.")
    assert parsed.bylines == (Byline("Nguyễn Văn Phong"),)


def test_utf8_read_as_windows_1252_is_repaired():
    mojibake = fixture_path().read_bytes().decode("latin-1")
    assert "Cá»¥m" in mojibake

    parsed = parse_export(mojibake)

    assert parsed.title.startswith("Cụm thi đua các huyện")
    assert parsed.bylines == (Byline("Vũ Hưng"),)


def test_utf16_export_with_byte_order_mark(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(fixture_path().read_text(encoding="utf-8").encode("utf-16"))

    assert parse_file(path).view_count == 161


# --------------------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    ("line", "bylines", "source"),
    [
        ("Vũ Hưng", (Byline("Vũ Hưng"),), ""),
        ("NGUYỄN THỊ HOA", (Byline("Nguyễn Thị Hoa"),), ""),
        ("ĐỖ VĂN ĐƯỜNG.", (Byline("Đỗ Văn Đường"),), ""),
        ("T.H", (Byline("T.H"),), ""),
        ("P.V.", (Byline("P.V."),), ""),
        ("PV", (Byline("PV"),), ""),
        ("Minh Anh - Trung tâm Văn hóa", (Byline("Minh Anh", "Trung tâm Văn hóa"),), ""),
        ("Minh Anh (Trung tâm Văn hóa)", (Byline("Minh Anh", "Trung tâm Văn hóa"),), ""),
        (
            "Nguyễn Văn A, Phòng Văn hóa huyện Yên Phong",
            (Byline("Nguyễn Văn A", "Phòng Văn hóa huyện Yên Phong"),),
            "",
        ),
        (
            "Minh Anh - Sở Văn hóa, Thể thao và Du lịch",
            (Byline("Minh Anh", "Sở Văn hóa, Thể thao và Du lịch"),),
            "",
        ),
        ("Vũ Hưng - Minh Anh", (Byline("Vũ Hưng"), Byline("Minh Anh")), ""),
        ("Thu Hà và Quang Huy", (Byline("Thu Hà"), Byline("Quang Huy")), ""),
        ("HOÀNG LONG, T.H", (Byline("Hoàng Long"), Byline("T.H")), ""),
        (
            "Thu Hà, Minh Anh (Báo Bắc Ninh)",
            (Byline("Thu Hà", "Báo Bắc Ninh"), Byline("Minh Anh", "Báo Bắc Ninh")),
            "",
        ),
        ("Hoàng Long (t/h)", (Byline("Hoàng Long"),), ""),
        ("Tác giả: Lê Văn Nam", (Byline("Lê Văn Nam"),), ""),
        ("Bài, ảnh: Thanh Hải", (Byline("Thanh Hải"),), ""),
        ("Ban Tuyên giáo Tỉnh ủy", (Byline("Ban Tuyên giáo Tỉnh ủy"),), ""),
        ("Nguồn tin: Báo Bắc Ninh", (), "Báo Bắc Ninh"),
        ("(Nguồn: baobacninh.com.vn)", (), "baobacninh.com.vn"),
        ("Theo TTXVN", (), "TTXVN"),
        ("Vũ Hưng - Nguồn tin: Báo Bắc Ninh", (Byline("Vũ Hưng"),), "Báo Bắc Ninh"),
    ],
)
def test_byline_variants(line, bylines, source):
    parsed = parse_export(f"Tiêu đề bài viết\n13/03/2020\n{BODY_1}\n{BODY_2}\n{line}\n")

    assert parsed.bylines == bylines
    assert parsed.source == source
    assert [b.text for b in parsed.blocks] == [BODY_2]


@pytest.mark.parametrize(
    "last_line",
    [
        "Hội nghị kết thúc trong không khí phấn khởi.",
        "Sở Y tế đề nghị các đơn vị thực hiện nghiêm.",
        "Ảnh: Toàn cảnh hội nghị.",
    ],
)
def test_final_sentence_or_caption_is_not_a_byline(last_line):
    parsed = parse_export(f"Tiêu đề bài viết\n{BODY_1}\n{BODY_2}\n{last_line}\n")

    assert parsed.bylines == ()
    assert parsed.blocks[-1].text == last_line


# --------------------------------------------------------------------------- meta lines


@pytest.mark.parametrize(
    ("meta", "published_at", "view_count"),
    [
        ("13/03/2020 08:12 Số lượt xem: 161", vn(2020, 3, 13, 8, 12), 161),
        ("(15:32 | 22/01/2024)", vn(2024, 1, 22, 15, 32), None),
        ("Đăng ngày: 13/02/2015 09:01:54", vn(2015, 2, 13, 9, 1, 54), None),
        ("Thứ sáu, 19/11/2021, 19:40 Lượt đọc: 21", vn(2021, 11, 19, 19, 40), 21),
        ("02:36 PM 10/07/2023 | Lượt xem: 3082 | In bài viết |", vn(2023, 7, 10, 14, 36), 3082),
        ("12:05 AM 10/07/2023", vn(2023, 7, 10, 0, 5), None),
        ("Lượt xem: 115", None, 115),
        ("Lượt xem: 3,082", None, 3082),
        ("Ngày đăng: 05/09/2022", vn(2022, 9, 5), None),
        ("05/09/2022", vn(2022, 9, 5), None),
        ("13-03-2020", vn(2020, 3, 13), None),
        ("13/3/20 7:05", vn(2020, 3, 13, 7, 5), None),
        ("13.03.2020 - 161 lượt xem", vn(2020, 3, 13), 161),
        ("Ngày đăng: 2023-07-10 09:15", vn(2023, 7, 10, 9, 15), None),
        ("Cập nhật lúc 15h45, Chủ nhật, 06/08/2023 (GMT+7)", vn(2023, 8, 6, 15, 45), None),
    ],
)
def test_meta_line_variants(meta, published_at, view_count):
    parsed = parse_export(f"Tiêu đề bài viết\n{meta}\n{BODY_1}\n")

    assert parsed.published_at == published_at
    assert parsed.view_count == view_count
    assert parsed.lead == BODY_1
    assert parsed.blocks == ()


def test_published_at_is_aware_and_in_vietnam_time():
    parsed = parse_export(f"Tiêu đề\n13/03/2020 08:12\n{BODY_1}")

    assert parsed.published_at.tzinfo is not None
    assert parsed.published_at.isoformat() == "2020-03-13T08:12:00+07:00"


def test_body_sentence_with_a_date_is_not_meta():
    lead = "Ngày 13/03/2020, UBND tỉnh ban hành Quyết định số 12/QĐ-UBND về việc khen thưởng."
    parsed = parse_export(f"Tiêu đề bài viết\n{lead}\n{BODY_1}")

    assert parsed.published_at is None
    assert parsed.lead == lead


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "file is empty"),
        (" \n\u00a0\n\t \r\n", "file is empty"),
        (
            "Tiêu đề bài viết\n13/03/2020 08:12 Số lượt xem: 161\n\nThống kê truy cập\n"
            "Trực tuyến : 4646\nĐã truy cập : 43712467\n",
            "no body text",
        ),
        ("Tiêu đề bài viết\nLượt xem: 5\nVũ Hưng\n", "no body text"),
        ("Tiêu đề bài viết\nẢnh: Toàn cảnh hội nghị.\n", "no body text"),
        ("13/03/2020 08:12 Số lượt xem: 161\nIn bài viết\nThống kê truy cập\n", "no title line"),
        (f"Tiêu đề\nNgày đăng: 32/13/2020\n{BODY_1}", "unparseable date '32/13/2020'"),
        (f"Tiêu đề\n29/02/2021 10:00\n{BODY_1}", "unparseable date '29/02/2021'"),
        (f"Tiêu đề\n13/03/2020 25:61 Lượt xem: 3\n{BODY_1}", "unparseable time '25:61'"),
        (f"{BODY_1} {BODY_2}\n{BODY_1}", "title line is too long"),
        ("PK\x03\x04\x14\x00\x06\x00binary\x00\x00data", "binary"),
        ("".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) * 20, "binary"),
    ],
)
def test_unparseable_exports(text, reason):
    with pytest.raises(ExportParseError) as raised:
        parse_export(text)
    assert reason in str(raised.value)


def test_export_parse_error_is_a_value_error():
    assert issubclass(ExportParseError, ValueError)


def test_undecodable_file(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        b"Ti\xeau \xf0\xe8 b\xe0i vi\xeat\nN\xf4i dung b\xe0i vi\xeat."
    )  # Windows-1258

    with pytest.raises(ExportParseError, match=r"not valid UTF-8 .*byte 0x[0-9a-f]{2} at offset"):
        parse_file(path)


def test_binary_file(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")

    with pytest.raises(ExportParseError, match="binary"):
        parse_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(ExportParseError, match="cannot read file"):
        parse_file(tmp_path / "missing.txt")


# --------------------------------------------------------------------------- data types


def test_result_types_are_frozen():
    parsed = parse_export(f"Tiêu đề\n{BODY_1}\n")

    with pytest.raises(AttributeError):
        parsed.title = "khác"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Byline("Vũ Hưng").name = "khác"  # type: ignore[misc]
    assert Byline("Vũ Hưng") == Byline("Vũ Hưng", "")
    assert isinstance(parsed.blocks, tuple) and isinstance(parsed.bylines, tuple)


def test_block_kind_is_checked():
    with pytest.raises(ValueError, match="unknown block kind"):
        Block("image", "x")
