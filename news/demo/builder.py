"""Builds the demo site: sections, authors, the fixture article with two photos,
about twenty more articles and a few events. Every step looks before it creates,
so running it again changes nothing."""

import random
import tempfile
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from PIL import Image, ImageDraw

from core.models import PortalSettings
from news.importer.parser import parse_file
from news.importer.service import import_file
from news.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    Category,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
)
from news.roles import ensure_section_reporters
from news.text import ascii_slug

DEMO_DIR = Path(__file__).resolve().parent
FIXTURE = DEMO_DIR / "bac-ninh-2020-03-13-ky-ket-giao-uoc-thi-dua.txt"
SITE_NAME = "Cổng thông tin điện tử huyện Yên Phong"

# The frame of the demo portal (Settings > Khung cổng thông tin in the admin).
PORTAL_FRAME = {
    "portal_name": SITE_NAME,
    "tagline": "Ủy ban nhân dân huyện Yên Phong - tỉnh Bắc Ninh",
    "owner_agency": "Ủy ban nhân dân huyện Yên Phong",
    "responsible_person": "Trưởng Ban biên tập: Nguyễn Văn An",
    "address": "Số 1 đường Lý Thái Tổ, thị trấn Chờ, huyện Yên Phong, tỉnh Bắc Ninh",
    "phone": "0222 3860 000",
    "email": "banbientap@yenphong.bacninh.gov.vn",
    "licence": "Giấy phép số 05/GP-TTĐT do Sở Thông tin và Truyền thông tỉnh Bắc Ninh cấp "
    "ngày 15/01/2024.",
    "source_notice": "Ghi rõ nguồn “Cổng thông tin điện tử huyện Yên Phong” khi phát hành "
    "lại thông tin từ cổng thông tin này.",
}

SECTIONS = [
    ("tin-tuc-su-kien", "Tin tức - Sự kiện"),
    ("chinh-tri", "Chính trị"),
    ("kinh-te-xa-hoi", "Kinh tế - Xã hội"),
]
CATEGORIES = [
    ("thi-dua-khen-thuong", "Thi đua - Khen thưởng"),
    ("nong-nghiep", "Nông nghiệp - Nông thôn"),
    ("giao-duc", "Giáo dục - Đào tạo"),
    ("y-te", "Y tế"),
]
AUTHORS = [
    ("Vũ Hưng", ""),
    ("Minh Anh", "Trung tâm Văn hóa - Thông tin"),
    ("Nguyễn Thị Hoa", "Phòng Nội vụ"),
    ("Trần Quốc Toản", ""),
]

# (title, section slug, category slug, author index, lead)
ARTICLES = [
    (
        "Yên Phong tổ chức Đại hội thi đua yêu nước lần thứ V",
        "tin-tuc-su-kien",
        "thi-dua-khen-thuong",
        0,
        "Sáng nay, huyện Yên Phong long trọng tổ chức Đại hội thi đua yêu nước lần thứ V, "
        "biểu dương 120 tập thể và cá nhân tiêu biểu.",
    ),
    (
        "Hội nghị triển khai nhiệm vụ phát triển kinh tế - xã hội quý II",
        "kinh-te-xa-hoi",
        None,
        1,
        "UBND huyện tổ chức hội nghị đánh giá kết quả quý I và triển khai nhiệm vụ trọng tâm "
        "quý II.",
    ),
    (
        "Ra quân hưởng ứng Tết trồng cây đời đời nhớ ơn Bác Hồ",
        "tin-tuc-su-kien",
        "nong-nghiep",
        2,
        "Hơn 5.000 cây xanh được trồng mới tại các xã, thị trấn trong ngày ra quân.",
    ),
    (
        "Kỳ thi tuyển sinh lớp 10 diễn ra an toàn, nghiêm túc",
        "kinh-te-xa-hoi",
        "giao-duc",
        3,
        "Gần 2.000 thí sinh trên địa bàn huyện tham dự kỳ thi tuyển sinh vào lớp 10 THPT.",
    ),
    (
        "Đại hội Đảng bộ xã Đông Tiến nhiệm kỳ 2020 - 2025",
        "chinh-tri",
        None,
        0,
        "Đại hội đã bầu Ban Chấp hành Đảng bộ xã gồm 15 đồng chí.",
    ),
    (
        "Tăng cường phòng, chống dịch bệnh trên đàn gia cầm",
        "kinh-te-xa-hoi",
        "nong-nghiep",
        1,
        "Các xã chủ động tiêu độc khử trùng chuồng trại, tiêm phòng đầy đủ cho đàn gia cầm.",
    ),
    (
        "Khánh thành trường mầm non Hòa Tiến",
        "kinh-te-xa-hoi",
        "giao-duc",
        2,
        "Công trình có tổng mức đầu tư 18 tỷ đồng với 12 phòng học đạt chuẩn.",
    ),
    (
        "Tổng kết công tác cải cách hành chính năm 2023",
        "chinh-tri",
        None,
        3,
        "Chỉ số cải cách hành chính của huyện tiếp tục xếp trong nhóm dẫn đầu của tỉnh.",
    ),
    (
        "Khám sức khỏe miễn phí cho người cao tuổi",
        "kinh-te-xa-hoi",
        "y-te",
        0,
        "Trung tâm Y tế huyện tổ chức khám và cấp thuốc miễn phí cho 600 người cao tuổi.",
    ),
    (
        "Hội nghị ký kết giao ước thi đua khối doanh nghiệp",
        "tin-tuc-su-kien",
        "thi-dua-khen-thuong",
        1,
        "Các doanh nghiệp trong khu công nghiệp Yên Phong cam kết thi đua hoàn thành kế hoạch.",
    ),
    (
        "Xây dựng nông thôn mới nâng cao tại xã Dũng Liệt",
        "kinh-te-xa-hoi",
        "nong-nghiep",
        2,
        "Xã Dũng Liệt đã hoàn thành 19/19 tiêu chí nông thôn mới nâng cao.",
    ),
    (
        "Tuyên dương học sinh giỏi cấp tỉnh năm học 2023 - 2024",
        "tin-tuc-su-kien",
        "giao-duc",
        3,
        "Huyện khen thưởng 215 học sinh đạt giải trong kỳ thi học sinh giỏi cấp tỉnh.",
    ),
    (
        "Tiếp xúc cử tri trước kỳ họp HĐND tỉnh",
        "chinh-tri",
        None,
        0,
        "Đại biểu HĐND tỉnh tiếp thu 32 ý kiến, kiến nghị của cử tri huyện Yên Phong.",
    ),
    (
        "Chiến dịch tiêm chủng mở rộng cho trẻ em dưới 5 tuổi",
        "kinh-te-xa-hoi",
        "y-te",
        1,
        "Hơn 8.000 trẻ em được tiêm vắc xin phòng bệnh sởi - rubella trong đợt này.",
    ),
    (
        "Hội thi Dân vận khéo năm 2024",
        "chinh-tri",
        "thi-dua-khen-thuong",
        2,
        "Hội thi thu hút 14 đội đến từ các xã, thị trấn với nhiều mô hình sáng tạo.",
    ),
    (
        "Đẩy nhanh tiến độ giải ngân vốn đầu tư công",
        "kinh-te-xa-hoi",
        None,
        3,
        "Đến hết tháng 9, huyện đã giải ngân được 78% kế hoạch vốn đầu tư công được giao.",
    ),
    (
        "Ngày hội Đại đoàn kết toàn dân tộc tại thôn Phú Mẫn",
        "tin-tuc-su-kien",
        None,
        0,
        "Ngày hội là dịp để nhân dân ôn lại truyền thống vẻ vang của Mặt trận Tổ quốc Việt Nam.",
    ),
    (
        "Phát động phong trào thi đua cao điểm chào mừng Đại hội Đảng",
        "chinh-tri",
        "thi-dua-khen-thuong",
        1,
        "Phong trào thi đua hướng tới chào mừng Đại hội Đảng bộ huyện lần thứ XXIV.",
    ),
    (
        "Hỗ trợ nông dân chuyển đổi cơ cấu cây trồng",
        "kinh-te-xa-hoi",
        "nong-nghiep",
        2,
        "Hơn 200 ha đất lúa kém hiệu quả được chuyển sang trồng rau màu giá trị cao.",
    ),
    (
        "Trao tặng Huy hiệu Đảng cho đảng viên lão thành",
        "chinh-tri",
        None,
        3,
        "Nhân dịp kỷ niệm ngày thành lập Đảng, 86 đảng viên được trao tặng Huy hiệu Đảng.",
    ),
]

BODY_SENTENCES = [
    "Phát biểu tại hội nghị, lãnh đạo huyện đánh giá cao những kết quả đã đạt được.",
    "Các đại biểu tập trung thảo luận, đóng góp nhiều ý kiến tâm huyết, sát thực tế.",
    "Năm qua, các đơn vị đã bám sát nhiệm vụ chính trị, triển khai đồng bộ các giải pháp.",
    "Công tác tuyên truyền được đẩy mạnh bằng nhiều hình thức phong phú, đa dạng.",
    "Nhân dịp này, nhiều tập thể và cá nhân có thành tích xuất sắc đã được khen thưởng.",
    "Huyện đề nghị các xã, thị trấn tiếp tục quan tâm chỉ đạo, kịp thời tháo gỡ khó khăn.",
    "Người dân phấn khởi, đồng tình và tích cực hưởng ứng chủ trương của địa phương.",
    "Mục tiêu đặt ra là hoàn thành vượt mức các chỉ tiêu kế hoạch đã đề ra trong năm.",
]

EVENTS = [
    (
        "Kỳ họp thứ 12 HĐND huyện khóa XX",
        9,
        1,
        False,
        "Hội trường UBND huyện Yên Phong",
        "Thường trực HĐND huyện",
    ),
    (
        "Lễ hội truyền thống đền Phú Mẫn",
        24,
        2,
        True,
        "Thôn Phú Mẫn, xã Đông Phong",
        "UBND xã Đông Phong",
    ),
    (
        "Hội nghị tổng kết công tác thi đua, khen thưởng",
        -20,
        0,
        False,
        "Trung tâm Hội nghị huyện",
        "Hội đồng Thi đua - Khen thưởng huyện",
    ),
    (
        "Giải chạy việt dã Báo Bắc Ninh",
        -45,
        0,
        False,
        "Quảng trường trung tâm huyện",
        "Phòng Văn hóa - Thông tin",
    ),
]


def build_demo_site() -> list[str]:
    report: list[str] = []
    home = HomePage.objects.first()
    if not home.intro:
        home.intro = (
            "<p>Thông tin chính thống về hoạt động của chính quyền và đời sống nhân dân.</p>"
        )
        home.save_revision().publish()
    site = home.get_site()
    if site and site.site_name != SITE_NAME:
        site.site_name = SITE_NAME
        site.save(update_fields=["site_name"])

    if site:
        ensure_portal_frame(site, report)

    sections = {slug: ensure_section(home, slug, title, report) for slug, title in SECTIONS}
    categories = {
        slug: Category.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in CATEGORIES
    }
    authors = [Author.objects.get_or_create(name=n, role=r)[0] for n, r in AUTHORS]

    import_fixture(sections["tin-tuc-su-kien"], report)
    # Local office hours, so dates read like a real newsroom's.
    now = timezone.localtime().replace(second=0, microsecond=0)
    rng = random.Random(2020)  # noqa: S311 - demo text, not security
    for number, (title, section, category, author, lead) in enumerate(ARTICLES):
        ensure_article(
            sections[section],
            title=title,
            lead=lead,
            category=categories.get(category) if category else None,
            author=authors[author],
            published_at=(now - timedelta(days=4 + number * 7)).replace(
                hour=7 + number % 10, minute=(number * 13) % 60
            ),
            views=rng.randint(40, 4000),
            rng=rng,
            report=report,
        )

    events_index = ensure_event_index(home, report)
    for title, days, length, all_day, location, organiser in EVENTS:
        ensure_event(events_index, title, now, days, length, all_day, location, organiser, report)
    for section in (*sections.values(), events_index):
        group, created = ensure_section_reporters(section)
        if created:
            report.append(f"Created group {group.name}")
    if not report:
        report.append("Demo content is already loaded; nothing changed.")
    return report


def ensure_portal_frame(site, report) -> None:
    """Fill the frame's empty fields; what an administrator wrote stays."""
    frame = PortalSettings.for_site(site)
    empty = {name: value for name, value in PORTAL_FRAME.items() if not getattr(frame, name)}
    if empty:
        for name, value in empty.items():
            setattr(frame, name, value)
        frame.save()
        report.append("Filled in the portal frame")


def ensure_section(home, slug, title, report) -> NewsIndexPage:
    section = NewsIndexPage.objects.child_of(home).filter(slug=slug).first()
    if section is None:
        section = home.add_child(instance=NewsIndexPage(title=title, slug=slug, show_in_menus=True))
        section.save_revision().publish()
        report.append(f"Created section {title}")
    return section


def ensure_event_index(home, report) -> EventIndexPage:
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=EventIndexPage(title="Lịch sự kiện", slug="su-kien", show_in_menus=True)
        )
        index.save_revision().publish()
        report.append("Created section Lịch sự kiện")
    return index


def import_fixture(section, report) -> None:
    parsed = parse_file(FIXTURE)
    with tempfile.TemporaryDirectory() as tmp:
        images = Path(tmp)
        for number, caption in enumerate(parsed.captions, start=1):
            draw_photo(images / f"{FIXTURE.stem}-{number}.jpg", number, caption)
        result = import_file(FIXTURE, section, images)
    if result.status == "failed":
        raise RuntimeError(f"The demo fixture did not import: {result.reason}")
    if result.status == "created":
        report.append(f"Imported {result.page.title}")


def draw_photo(path: Path, number: int, caption: str) -> None:
    """A stand-in photo: a warm gradient with a podium, different per number."""
    width, height = 1200, 800
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(120 + 100 * y / height)
        draw.line([(0, y), (width, y)], fill=(shade, 40 + 30 * number, 40))
    draw.rectangle([200, 450, 1000, 700], fill=(230, 210, 170))
    draw.rectangle([100, 80, 1100, 200], fill=(170, 20, 30))
    for seat in range(6 + 2 * number):
        x = 240 + seat * (720 // (6 + 2 * number))
        draw.ellipse([x, 360, x + 60, 420], fill=(40, 40, 60))
    image.save(path, "JPEG", quality=82)


def ensure_article(section, *, title, lead, category, author, published_at, views, rng, report):
    slug = ascii_slug(title)
    if ArticlePage.objects.child_of(section).filter(slug=slug).exists():
        return
    paragraphs = [" ".join(rng.sample(BODY_SENTENCES, 4)) for _ in range(3)]
    page = ArticlePage(
        title=title,
        slug=slug,
        lead=lead,
        body=[{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs],
        category=category,
        published_at=published_at,
        first_published_at=published_at,
        initial_view_count=views,
    )
    section.add_child(instance=page)
    ArticleAuthor.objects.create(page=page, author=author, sort_order=0)
    page.tags.add(*(category.name.split(" - ") if category else ["Tin địa phương"]))
    page.save_revision().publish()
    report.append(f"Created article {title}")


def ensure_event(index, title, now, days, length, all_day, location, organiser, report):
    slug = ascii_slug(title)
    if EventPage.objects.child_of(index).filter(slug=slug).exists():
        return
    start = (now + timedelta(days=days)).replace(hour=8, minute=0)
    event = EventPage(
        title=title,
        slug=slug,
        start_at=start,
        end_at=start + timedelta(days=length, hours=3),
        all_day=all_day,
        location=location,
        organiser=organiser,
        lead=f"{title} diễn ra tại {location}.",
    )
    index.add_child(instance=event)
    event.save_revision().publish()
    report.append(f"Created event {title}")
