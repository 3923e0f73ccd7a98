"""Builds the demo: three portals on one installation (news.portals).

- the province portal at localhost (the default Site, so 127.0.0.1 serves it too), with
  two sections, a few articles and events;
- the district portal of Yên Phong at yenphong.localhost: its sections, authors, the
  fixture report with two photos, twenty more articles, a few events and a reporters'
  group per section;
- the district portal of Từ Sơn at tuson.localhost, with a few articles and events.

Every step looks before it creates, so running it again changes nothing."""

import random
import tempfile
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Site

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
from news.portals import EVENTS_SECTION, PortalResult, create_portal, ensure_child
from news.roles import ensure_section_reporters
from news.text import ascii_slug

DEMO_DIR = Path(__file__).resolve().parent
FIXTURE = DEMO_DIR / "bac-ninh-2020-03-13-ky-ket-giao-uoc-thi-dua.txt"
PROVINCE_NAME = "Cổng thông tin điện tử tỉnh Bắc Ninh"
# (name, host, site name); the first holds the fixture report and most of the content.
DISTRICTS = [
    ("Yên Phong", "yenphong.localhost", "Cổng thông tin điện tử huyện Yên Phong"),
    ("Từ Sơn", "tuson.localhost", "Cổng thông tin điện tử thành phố Từ Sơn"),
]
PROVINCE_SECTIONS = [("thoi-su", "Thời sự"), ("kinh-te", "Kinh tế")]
# (title, section slug, lead) of the province's and Từ Sơn's few articles.
PROVINCE_ARTICLES = [
    (
        "Tỉnh ủy tổng kết công tác năm và triển khai nhiệm vụ năm mới",
        "thoi-su",
        "Hội nghị đánh giá kết quả thực hiện nghị quyết và đề ra các nhiệm vụ trọng tâm.",
    ),
    (
        "Thu hút vốn đầu tư nước ngoài tiếp tục dẫn đầu cả nước",
        "kinh-te",
        "Các khu công nghiệp của tỉnh thu hút thêm nhiều dự án công nghệ cao.",
    ),
    (
        "Khai mạc Lễ hội Lim mùa xuân",
        "thoi-su",
        "Lễ hội thu hút hàng vạn du khách về thưởng thức dân ca quan họ.",
    ),
]
TU_SON_ARTICLES = [
    (
        "Từ Sơn ra mắt trung tâm phục vụ hành chính công",
        "tin-tuc-su-kien",
        "Người dân được giải quyết thủ tục hành chính tại một đầu mối, nhanh và thuận tiện.",
    ),
    (
        "Làng nghề đồ gỗ Đồng Kỵ tìm hướng xuất khẩu mới",
        "kinh-te-xa-hoi",
        "Các doanh nghiệp làng nghề mở rộng thị trường sang châu Âu và Nhật Bản.",
    ),
    (
        "Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 8",
        "chinh-tri",
        "Hội nghị cho ý kiến về báo cáo tình hình kinh tế - xã hội sáu tháng đầu năm.",
    ),
]
# (title, days from now, location, organiser)
PROVINCE_EVENTS = [
    ("Hội nghị xúc tiến đầu tư tỉnh", 12, "Trung tâm Hội nghị tỉnh", "UBND tỉnh"),
    ("Liên hoan dân ca quan họ", -30, "Nhà hát Quan họ", "Sở Văn hóa, Thể thao và Du lịch"),
]
TU_SON_EVENTS = [
    ("Hội chợ đồ gỗ mỹ nghệ Đồng Kỵ", 15, "Phường Đồng Kỵ", "UBND thành phố Từ Sơn"),
    ("Giải bóng đá thanh niên thành phố", -10, "Sân vận động Từ Sơn", "Thành đoàn Từ Sơn"),
]
# The frame of each demo portal (Cài đặt > Khung cổng thông tin in the admin), by site name:
# owning agency, address, phone, e-mail, licence number.
FRAMES = {
    PROVINCE_NAME: (
        "Ủy ban nhân dân tỉnh Bắc Ninh",
        "Số 10 đường Phù Đổng Thiên Vương, thành phố Bắc Ninh, tỉnh Bắc Ninh",
        "0222 3822 000",
        "banbientap@bacninh.gov.vn",
        "01/GP-TTĐT",
    ),
    DISTRICTS[0][2]: (
        "Ủy ban nhân dân huyện Yên Phong",
        "Số 1 đường Lý Thái Tổ, thị trấn Chờ, huyện Yên Phong, tỉnh Bắc Ninh",
        "0222 3860 000",
        "banbientap@yenphong.bacninh.gov.vn",
        "05/GP-TTĐT",
    ),
    DISTRICTS[1][2]: (
        "Ủy ban nhân dân thành phố Từ Sơn",
        "Số 2 đường Lý Thái Tổ, phường Đông Ngàn, thành phố Từ Sơn, tỉnh Bắc Ninh",
        "0222 3831 000",
        "banbientap@tuson.bacninh.gov.vn",
        "06/GP-TTĐT",
    ),
}


def portal_frame(site_name: str) -> dict:
    agency, address, phone, email, licence = FRAMES[site_name]
    return {
        "portal_name": site_name,
        "tagline": agency + " - tỉnh Bắc Ninh" if "tỉnh Bắc Ninh" not in agency else agency,
        "owner_agency": agency,
        "responsible_person": "Trưởng Ban biên tập: Nguyễn Văn An",
        "address": address,
        "phone": phone,
        "email": email,
        "licence": f"Giấy phép số {licence} do Sở Thông tin và Truyền thông tỉnh Bắc Ninh cấp "
        "ngày 15/01/2024.",
        "source_notice": f"Ghi rõ nguồn “{site_name}” khi phát hành lại thông tin từ cổng "
        "thông tin này.",
    }


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
    now = timezone.localtime().replace(second=0, microsecond=0)
    build_province(now, report)
    yen_phong, tu_son = (ensure_district(*district, report) for district in DISTRICTS)
    build_yen_phong(yen_phong, now, report)
    build_small_portal(tu_son, TU_SON_ARTICLES, TU_SON_EVENTS, now, report)
    for site in Site.objects.filter(site_name__in=FRAMES):
        ensure_portal_frame(site, report)
    if not report:
        report.append("Demo content is already loaded; nothing changed.")
    return report


def ensure_district(name, host, site_name, report) -> PortalResult:
    result = create_portal(name, host, site_name=site_name)
    if result.created:
        # One line per portal: make run prints the demo's progress, not every group.
        report.append(f"Created portal {site_name} at {host}")
    return result


def build_province(now, report) -> None:
    home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    if not home.intro:
        home.intro = (
            "<p>Thông tin chính thống về hoạt động của chính quyền và đời sống nhân dân.</p>"
        )
        home.save_revision().publish()
    site = home.get_site()
    if site.site_name != PROVINCE_NAME:
        site.site_name = PROVINCE_NAME
        site.save(update_fields=["site_name"])
    created: list[str] = []
    sections = {
        slug: ensure_child(home, NewsIndexPage, slug, title, created)
        for slug, title in PROVINCE_SECTIONS
    }
    events_slug, events_title = EVENTS_SECTION
    sections[events_slug] = ensure_child(home, EventIndexPage, events_slug, events_title, created)
    build_small_portal(
        PortalResult(portal=None, home=home, sections=sections),
        PROVINCE_ARTICLES,
        PROVINCE_EVENTS,
        now,
        created,
    )
    if created:
        report.append(f"Created the province portal {PROVINCE_NAME}: {len(created)} pages")


def build_small_portal(result, articles, events, now, report) -> None:
    """A few articles and events, reported in one line."""
    created: list[str] = []
    author = Author.objects.get_or_create(name=AUTHORS[0][0], role=AUTHORS[0][1])[0]
    rng = random.Random(len(articles))  # noqa: S311 - demo text, not security
    for number, (title, section, lead) in enumerate(articles):
        ensure_article(
            result.sections[section],
            title=title,
            lead=lead,
            category=None,
            author=author,
            published_at=(now - timedelta(days=1 + number * 5)).replace(hour=8 + number),
            views=rng.randint(40, 2000),
            rng=rng,
            report=created,
        )
    for title, days, location, organiser in events:
        ensure_event(
            result.sections[EVENTS_SECTION[0]],
            title,
            now,
            days,
            0,
            False,
            location,
            organiser,
            created,
        )
    if created and result.portal is not None:
        report.append(f"Created {len(created)} articles and events on {result.portal.name}")
    elif created:
        report.extend(created)


def build_yen_phong(result, now, report) -> None:
    sections = result.sections
    categories = {
        slug: Category.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in CATEGORIES
    }
    authors = [Author.objects.get_or_create(name=n, role=r)[0] for n, r in AUTHORS]

    import_fixture(sections["tin-tuc-su-kien"], result.portal, report)
    # Local office hours, so dates read like a real newsroom's.
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

    for title, days, length, all_day, location, organiser in EVENTS:
        ensure_event(
            sections[EVENTS_SECTION[0]],
            title,
            now,
            days,
            length,
            all_day,
            location,
            organiser,
            report,
        )
    for section in sections.values():
        group, created = ensure_section_reporters(section)
        if created:
            report.append(f"Created group {group.name}")


def ensure_portal_frame(site, report) -> None:
    """Fill the frame's empty fields; what an administrator wrote stays."""
    frame = PortalSettings.for_site(site)
    wanted = portal_frame(site.site_name)
    empty = {name: value for name, value in wanted.items() if not getattr(frame, name)}
    if empty:
        for name, value in empty.items():
            setattr(frame, name, value)
        frame.save()
        report.append(f"Created the frame (banner and footer) of {site.site_name}")


def import_fixture(section, portal, report) -> None:
    parsed = parse_file(FIXTURE)
    with tempfile.TemporaryDirectory() as tmp:
        images = Path(tmp)
        for number, caption in enumerate(parsed.captions, start=1):
            draw_photo(images / f"{FIXTURE.stem}-{number}.jpg", number, caption)
        result = import_file(FIXTURE, section, images)
    if result.status == "failed":
        raise RuntimeError(f"The demo fixture did not import: {result.reason}")
    if result.status == "created":
        # The report's photos belong to its portal's collection.
        images = [b.value["image"] for b in result.page.body if b.block_type == "captioned_image"]
        Image.objects.filter(pk__in=[image.pk for image in images if image]).update(
            collection=portal.collection
        )
        report.append(f"Imported {result.page.title}")


def draw_photo(path: Path, number: int, caption: str) -> None:
    """A stand-in photo: a warm gradient with a podium, different per number."""
    width, height = 1200, 800
    image = PILImage.new("RGB", (width, height))
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
