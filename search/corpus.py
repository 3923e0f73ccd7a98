# ruff: noqa: E501
"""A generated archive of realistic Vietnamese provincial news, inserted in bulk.

Used by the search tests (a few hundred articles) and the benchmark (100,000). Rows are
written directly (page tree paths computed here) instead of publishing each page through
Wagtail, which would take hours at benchmark scale; the search index is then filled with
``search_index --rebuild`` like any archive.
"""

import random
import uuid
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from news.models import ArticleAuthor, ArticlePage, Author, NewsIndexPage

PLACES = [
    "Bắc Ninh",
    "Yên Phong",
    "Từ Sơn",
    "Quế Võ",
    "Tiên Du",
    "Thuận Thành",
    "Gia Bình",
    "Lương Tài",
    "Hòa Bình",
    "Thanh Hóa",
    "Quảng Ninh",
    "Thủy Nguyên",
    "Khánh Hòa",
]
SUBJECTS = [
    "Ủy ban nhân dân tỉnh",
    "Sở Nội vụ",
    "Hội đồng Thi đua - Khen thưởng",
    "Ban Chấp hành",
    "Mặt trận Tổ quốc",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Công an tỉnh",
    "Huyện ủy",
    "Đoàn Thanh niên",
    "Hội Nông dân",
    "Hội Liên hiệp Phụ nữ",
    "Sở Tài chính",
]
ACTIONS = [
    "tổ chức hội nghị",
    "triển khai nhiệm vụ",
    "kiểm tra công tác",
    "phát động phong trào",
    "tổng kết năm",
    "ký kết giao ước",
    "trao tặng bằng khen",
    "tập huấn nghiệp vụ",
    "đẩy mạnh cải cách hành chính",
    "xây dựng nông thôn mới",
    "phòng chống dịch bệnh",
    "bảo vệ môi trường",
    "chuyển đổi số",
    "giải quyết việc làm",
    "hỗ trợ người nghèo",
]
TOPICS = [
    "thi đua yêu nước",
    "an ninh trật tự",
    "phát triển kinh tế - xã hội",
    "văn hóa công sở",
    "giáo dục đào tạo",
    "y tế cơ sở",
    "đất đai và tài nguyên",
    "giao thông nông thôn",
    "công tác cán bộ",
    "du lịch và lễ hội",
    "khoa học công nghệ",
    "an toàn thực phẩm",
]
FILLER = [
    "Trong những năm gần đây, các địa phương đã quan tâm chỉ đạo sát sao và đạt nhiều kết quả.",
    "Hội nghị đã nghe báo cáo đánh giá kết quả thực hiện nhiệm vụ và thảo luận phương hướng.",
    "Các đại biểu tập trung phân tích những tồn tại, hạn chế và nguyên nhân trong quá trình triển khai.",
    "Lãnh đạo tỉnh đề nghị các ngành, các cấp tiếp tục đổi mới phương thức, nâng cao hiệu quả.",
    "Nhiều mô hình hay, cách làm sáng tạo được nhân rộng, tạo sự chuyển biến tích cực.",
    "Công tác tuyên truyền được đẩy mạnh, góp phần nâng cao nhận thức của cán bộ và nhân dân.",
    "Dịp này, nhiều tập thể và cá nhân có thành tích xuất sắc đã được khen thưởng.",
    "Kế hoạch đề ra các chỉ tiêu cụ thể, phân công trách nhiệm rõ ràng cho từng đơn vị.",
    "Người dân phấn khởi, tin tưởng vào sự lãnh đạo của Đảng và chính quyền các cấp.",
    "Đến nay, toàn tỉnh đã hoàn thành vượt mức kế hoạch, đời sống nhân dân không ngừng được cải thiện.",
    "Đồng chí nhấn mạnh yêu cầu bám sát thực tiễn, kịp thời tháo gỡ khó khăn, vướng mắc.",
    "Tuy nhiên, bên cạnh kết quả đạt được vẫn còn một số hạn chế cần khắc phục trong thời gian tới.",
    "Thời tiết thuận lợi nên mùa màng bội thu, giá trị sản xuất trên một héc-ta tăng khá.",
    "Nhiều trường học được đầu tư xây dựng mới, đạt chuẩn quốc gia, đáp ứng nhu cầu học tập.",
    "Hoạt động khám chữa bệnh tại trạm y tế xã được nâng lên, người dân hài lòng hơn.",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc"]
GIVEN = ["An", "Hùng", "Lan", "Hương", "Tuấn", "Dũng", "Hà", "Sơn", "Thảo", "Long", "Mai"]
AUTHOR_NAMES = [
    "Minh Thu",
    "Hoàng Anh",
    "Thu Hà",
    "Quốc Việt",
    "Lệ Hằng",
    "Đức Trung",
    "Phương Linh",
]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def paragraph(rng: random.Random) -> str:
    sentences = [rng.choice(FILLER) for _ in range(rng.randint(3, 6))]
    sentences.insert(
        rng.randrange(len(sentences)),
        f"Đồng chí {person(rng)}, {rng.choice(SUBJECTS)} {rng.choice(PLACES)}, "
        f"đã {rng.choice(ACTIONS)} về {rng.choice(TOPICS)}.",
    )
    return " ".join(sentences)


def article_fields(rng: random.Random, number: int) -> dict:
    place = rng.choice(PLACES)
    title = (
        f"{rng.choice(SUBJECTS)} {place} {rng.choice(ACTIONS)} {rng.choice(TOPICS)} "
        f"năm {rng.randint(2010, 2025)}"
    )
    lead = (
        f"Ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}, tại {place}, {rng.choice(SUBJECTS)} "
        f"đã {rng.choice(ACTIONS)} về {rng.choice(TOPICS)}."
    )
    body = []
    for _ in range(rng.randint(4, 8)):
        body.append(
            {"type": "paragraph", "value": f"<p>{paragraph(rng)}</p>", "id": str(uuid.uuid4())}
        )
    return {"title": title[:250], "lead": lead, "body": body}


@transaction.atomic
def bulk_articles(
    parent: NewsIndexPage,
    count: int,
    seed: int = 2020,
    batch_size: int = 1000,
    progress=None,
    since: datetime | None = None,
) -> list[int]:
    """Insert ``count`` live articles under ``parent``; returns their page ids."""
    rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
    parent = Page.objects.get(pk=parent.pk)
    content_type = ContentType.objects.get_for_model(ArticlePage)
    authors = [Author.objects.get_or_create(name=n, role="Phóng viên")[0] for n in AUTHOR_NAMES]
    since = since or timezone.make_aware(datetime(2015, 1, 1))
    span = max(1, int((timezone.now() - since).total_seconds()))
    columns = [f for f in ArticlePage._meta.local_concrete_fields]
    ids: list[int] = []
    next_step = parent.numchild + 1
    created = 0
    while created < count:
        n = min(batch_size, count - created)
        pages, details = [], []
        for i in range(n):
            number = created + i
            fields = article_fields(rng, number)
            published = since + timedelta(seconds=rng.randrange(span))
            slug = f"bai-{seed}-{number}"
            pages.append(
                Page(
                    title=fields["title"],
                    draft_title=fields["title"],
                    slug=slug,
                    content_type=content_type,
                    path=Page._get_path(parent.path, parent.depth + 1, next_step + number),
                    depth=parent.depth + 1,
                    numchild=0,
                    url_path=f"{parent.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    locale_id=parent.locale_id,
                    translation_key=uuid.uuid4(),
                )
            )
            details.append((fields, published))
        Page.objects.bulk_create(pages)
        rows = []
        links = []
        for page, (fields, published) in zip(pages, details, strict=True):
            article = ArticlePage(
                page_ptr_id=page.pk,
                lead=fields["lead"],
                body=fields["body"],
                published_at=published,
                initial_view_count=rng.randint(0, 5000),
            )
            rows.append(
                [f.get_db_prep_save(getattr(article, f.attname), connection) for f in columns]
            )
            for order, author in enumerate(rng.sample(authors, rng.choice([1, 1, 2]))):
                links.append(ArticleAuthor(page_id=page.pk, author=author, sort_order=order))
            ids.append(page.pk)
        table = ArticlePage._meta.db_table
        names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
        ArticleAuthor.objects.bulk_create(links)
        created += n
        if progress:
            progress(created)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + count)
    return ids
