"""Hypothesis-generated hostile input against everything a reader or an editor can send:
search (HTML and JSON), the stats beacon, the importer's parser, every API endpoint and
parameter, the feeds' and the iCal calendar's query strings, the page-password form, the
admin login form and the admin's image and document upload forms. Never a 500 or a
traceback.

The Django test client re-raises any exception a view lets escape, so an unhandled
error fails the case with its traceback; a 5xx status fails it too. Each surface counts
its cases; the table is printed at the end and written to test-artifacts/fuzz-counts.txt,
and each surface's test asserts it ran at least its target. Cases are derandomized (the
same every run) so a failure reproduces.
"""

import json
import string
from io import BytesIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from news.importer.parser import ExportParseError, ParsedExport, parse_export
from news.importer.saved_pages import parse_page
from tests.newsroom import (
    EDITORS,
    STRONG_PASSWORD,
    add_events_section,
    make_user,
    publish_article,
    publish_event,
)

pytestmark = pytest.mark.embedded

CASES = 1000


def fuzz(cases=CASES):
    return settings(
        max_examples=cases,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


FUZZ = fuzz()

# Cases run per surface, and the least each must run.
COUNTS: dict[str, int] = {}
TARGETS: dict[str, int] = {}
REPORT = Path(__file__).resolve().parent.parent / "test-artifacts" / "fuzz-counts.txt"


def counter(surface, target=CASES):
    TARGETS[surface] = target
    COUNTS[surface] = 0

    def count():
        COUNTS[surface] += 1

    return count


def assert_ran(surface):
    assert COUNTS[surface] >= TARGETS[surface], (surface, COUNTS[surface])


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    lines = [f"{'surface':<28} {'cases':>7} {'target':>7}"]
    lines += [f"{name:<28} {COUNTS[name]:>7} {TARGETS[name]:>7}" for name in TARGETS]
    table = "\n".join(lines) + "\n"
    print("\nFuzz cases per surface (0 responses of 5xx in each):\n" + table)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(table, encoding="utf-8")


# Text that tends to break things: markup, SQL and search syntax, format strings,
# Vietnamese with combining marks, control characters, lone surrogates are excluded
# (they cannot travel in a URL or a UTF-8 body).
NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "%s%n%x",
    "{{ 7*7 }}",
    "${jndi:ldap://x}",
    'AND OR NOT ( ) * ? ~ ^ " : \\',
    "Nghị quyết",
    "nghi\u0323 quyê\u0301t",
    "\u202e\u200b\ufeff",
    "\x00\x1f\x7f",
    "../../etc/passwd",
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "",
    " ",
]
text = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.text(string.printable, max_size=50),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def check_response(response, allowed):
    assert response.status_code < 500, response.status_code
    assert response.status_code in allowed, response.status_code


@pytest.fixture
def content(section):
    for number in range(3):
        publish_article(section, f"Thi đua khen thưởng {number}", days_ago=number)
    return section


# --- /search/ ------------------------------------------------------------------------

SEARCH_KEYS = ["q", "page", "sort", "section", "author", "type", "from", "to", "format"]


def test_fuzz_search_page(client, content):
    count = counter("search (HTML and JSON)")

    @FUZZ
    @given(
        params=st.dictionaries(st.one_of(st.sampled_from(SEARCH_KEYS), text), text, max_size=6),
        as_json=st.booleans(),
    )
    def case(params, as_json):
        count()
        query = dict(params)
        if as_json:
            query["format"] = "json"
        response = client.get("/search/", query)
        check_response(response, {200, 400})
        if as_json and response.status_code == 200:
            assert isinstance(json.loads(response.content)["results"], list)

    case()
    assert_ran("search (HTML and JSON)")


# --- /stats/hit/ ------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["page", "x", ""]) | text, children, max_size=3)
    ),
    max_leaves=8,
)


def test_fuzz_counting_endpoint(client, content):
    from news.models import ArticlePage

    page_ids = list(ArticlePage.objects.values_list("pk", flat=True))
    count = counter("stats beacon")

    @FUZZ
    @given(
        body=st.one_of(
            st.builds(lambda p: {"page": p}, st.sampled_from(page_ids) | st.integers()),
            json_values,
        ).map(lambda value: json.dumps(value).encode())
        | st.binary(max_size=300),
        content_type=st.sampled_from(
            ["application/json", "text/plain", "application/x-www-form-urlencoded", ""]
        ),
        fetch_site=st.sampled_from(["same-origin", "cross-site", "none", ""]),
        method=st.sampled_from(["post", "post", "post", "get", "put"]),
    )
    def case(body, content_type, fetch_site, method):
        count()
        if method == "get":
            response = client.get("/stats/hit/", HTTP_SEC_FETCH_SITE=fetch_site)
        else:
            response = getattr(client, method)(
                "/stats/hit/",
                data=body,
                content_type=content_type,
                HTTP_SEC_FETCH_SITE=fetch_site,
            )
        check_response(response, {200, 400, 403, 404, 405, 413, 415, 428, 503})

    case()
    assert_ran("stats beacon")


# --- the importer's parser ----------------------------------------------------------------

FRAGMENTS = [
    "Cụm thi đua các huyện tổ chức Hội nghị",
    "Thứ sáu, 13/03/2020 08:12 | Lượt xem: 161",
    "13/03/2020 | 08:12",
    "Ngày đăng: 2020-03-13 08:12:00",
    "Số lượt xem: 1.234",
    "Chiều 11/3, tại UBND huyện Yên Phong, Hội nghị đã diễn ra.",
    "Các thành viên ký kết giao ước thi đua.",
    "Vũ Hưng",
    "Tin, ảnh: Nguyễn Thị Hoa - Sở Nội vụ",
    "Nguồn tin: Báo Bắc Ninh",
    "Thống kê truy cập",
    "In bài viết | Xem với cỡ chữ",
    "<script>alert(1)</script>",
    "",
    "\r\n",
]


def test_fuzz_importer_parser():
    count = counter("importer parser")
    lines = st.lists(st.one_of(st.sampled_from(FRAGMENTS), text), min_size=0, max_size=14)

    @FUZZ
    @given(
        source=lines.map("\n".join)
        | st.binary(max_size=400)
        | lines.map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass"))
    )
    def case(source):
        count()
        try:
            parsed = parse_export(source)
        except ExportParseError as error:
            assert str(error)
            return
        assert isinstance(parsed, ParsedExport)
        assert parsed.title.strip() and "\n" not in parsed.title
        assert parsed.lead.strip()
        assert parsed.view_count is None or parsed.view_count >= 0
        assert parsed.published_at is None or parsed.published_at.tzinfo is not None

    case()
    assert_ran("importer parser")


HTML_FRAGMENTS = [
    "<h1>Cụm thi đua các huyện tổ chức Hội nghị</h1>",
    "<div class='date'>Thứ sáu, 13/03/2020 08:12 | Lượt xem: 161</div>",
    "<p>Chiều 11/3, tại UBND huyện Yên Phong, Hội nghị ký kết giao ước thi đua đã diễn ra.</p>",
    "<figure><img src='a_files/1.jpg'><figcaption>Các thành viên ký kết.</figcaption></figure>",
    "<p style='text-align:center'><img src='../../etc/passwd'></p><p><em>Ảnh hội nghị.</em></p>",
    "<table><tr><td><img src='http://x/1.jpg'></td></tr><tr><td>Chú thích</td></tr></table>",
    "<p align='right'><b>Vũ Hưng - TTXVN</b></p>",
    "<div class='author'>Minh Anh</div>",
    "<link rel='canonical' href='https://old.gov.vn/a.aspx?ArticleID=1'>",
    "<!-- saved from url=(0020)https://old.gov.vn/ -->",
    "<script>alert(1)</script>",
    "<title>Tiêu đề - Cổng thông tin điện tử</title>",
    "</div></p><p><",
    "",
]


def test_fuzz_saved_page_reader():
    count = counter("saved page reader", CASES // 4)  # lxml and trafilatura: slower cases
    parts = st.lists(st.one_of(st.sampled_from(HTML_FRAGMENTS), text), max_size=12)

    @fuzz(CASES // 4)
    @given(source=parts.map("".join) | st.binary(max_size=400))
    def case(source):
        count()
        try:
            parsed = parse_page(source)
        except ExportParseError as error:
            assert str(error)
            return
        assert isinstance(parsed, ParsedExport)
        assert parsed.title.strip() and "\n" not in parsed.title and parsed.lead.strip()
        assert all(block.text.strip() for block in parsed.blocks)
        assert parsed.published_at is None or parsed.published_at.tzinfo is not None

    case()
    assert_ran("saved page reader")


# --- /api/v2/ ---------------------------------------------------------------------------

# Values shaped like what each kind of parameter expects, and a little off.
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "-0", "1", "00001", "1e3", "0x10", "١٢", "½", "1_000"]),
)
dates = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.dates().map(str),
    st.sampled_from(
        [
            "2026",
            "2026-02-30",
            "31/12/2026",
            "9999-12-31T23:59:59",
            "0001-01-01T00:00:00",
            "2026-01-01T25:61:00",
            "2026-01-01T00:00:00+99:00",
            "now",
            "abc",
        ]
    ),
)
api_values = st.one_of(text, numbers, dates, st.sampled_from(["true", "false", "-id", "*"]))


def api_parameters(viewset):
    from news.api import PublicPagesViewSet

    fields = viewset().get_available_fields(viewset.model, db_fields_only=True)
    return sorted({*PublicPagesViewSet.known_query_parameters, *fields, "id", "html_path"})


def fuzz_api_endpoint(client, endpoint, viewset, page_ids):
    surface = f"API /api/v2/{endpoint}/"
    count = counter(surface)
    keys = api_parameters(viewset)
    cache.clear()

    @FUZZ
    @given(
        view=st.sampled_from(["listing", "detail", "find"]),
        detail=st.sampled_from(page_ids) | numbers | text,
        params=st.dictionaries(
            st.sampled_from(keys) | text, st.sampled_from(page_ids) | api_values, max_size=5
        ),
    )
    def case(view, detail, params):
        count()
        path = f"/api/v2/{endpoint}/"
        if view == "detail":
            path += "".join(c for c in detail if c not in "/?#\x00") + "/"
        elif view == "find":
            path += "find/"
        response = client.get(path, params)
        check_response(response, {200, 301, 302, 400, 404})
        if response.status_code in (200, 400) and response["Content-Type"].startswith(
            "application/json"
        ):
            data = json.loads(response.content)
            assert response.status_code == 200 or data["message"]

    case()
    assert_ran(surface)


@pytest.fixture
def events(home):
    events = add_events_section(home)
    publish_event(events, "Hội chợ xuân", location="Quảng trường")
    publish_event(events, "Lễ hội\x07 đền", days_ahead=-3)
    return events


def test_fuzz_api_articles(client, content):
    from news.api import ArticlesAPIViewSet
    from news.models import ArticlePage

    ids = [str(pk) for pk in ArticlePage.objects.values_list("pk", flat=True)]
    fuzz_api_endpoint(client, "articles", ArticlesAPIViewSet, ids)


def test_fuzz_api_events(client, events):
    from news.api import EventsAPIViewSet
    from news.models import EventPage

    ids = [str(pk) for pk in EventPage.objects.values_list("pk", flat=True)]
    fuzz_api_endpoint(client, "events", EventsAPIViewSet, ids)


# --- feeds and the iCal calendar ------------------------------------------------------

query = st.dictionaries(text, text, max_size=4)
# Pages and forms that render whole templates: fewer cases keep the suite to minutes.
PAGE_CASES = 500


def test_fuzz_feeds(client, content, events):
    count = counter("feeds (RSS, Atom)", PAGE_CASES)
    paths = [
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/rss/tin-tuc/",
        "/feeds/atom/tin-tuc/",
        f"/feeds/rss/{events.slug}/",
        f"/feeds/atom/{events.slug}/",
    ]
    section = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30).map(
        lambda s: "".join(c for c in s if c not in "?#\x00")
    )

    @fuzz(PAGE_CASES)
    @given(
        path=st.sampled_from(paths)
        | st.builds(
            lambda kind, s: f"/feeds/{kind}/{s}/", st.sampled_from(["rss", "atom"]), section
        ),
        params=query,
    )
    def case(path, params):
        count()
        check_response(client.get(path, params), {200, 301, 404})

    case()
    assert_ran("feeds (RSS, Atom)")


def test_fuzz_ical(client, events):
    count = counter("iCal calendar", PAGE_CASES)
    calendar = f"{events.url}ical/"

    @fuzz(PAGE_CASES)
    @given(params=query, suffix=st.sampled_from(["", "x/", "../", "ical/"]))
    def case(params, suffix):
        count()
        check_response(client.get(calendar + suffix, params), {200, 301, 404})

    case()
    assert_ran("iCal calendar")


# --- the page-password form -----------------------------------------------------------


def test_fuzz_page_password_form(client, section):
    from wagtail.models import PageViewRestriction

    count = counter("page-password form", PAGE_CASES)
    page = publish_article(section, "Tin nội bộ")
    restriction = PageViewRestriction.objects.create(
        page=page,
        restriction_type="password",
        password="mat-khau-dung",  # noqa: S106
    )
    ids = st.sampled_from([restriction.pk, page.pk, 0, 2**31, 2**63 - 1, 2**63, 10**30])

    @fuzz(PAGE_CASES)
    @given(
        restriction_id=st.just(restriction.pk) | ids,
        page_id=st.just(page.pk) | ids,
        data=st.fixed_dictionaries(
            {},
            optional={
                "password": st.sampled_from(["mat-khau-dung"]) | text,
                "return_url": st.sampled_from(["/", "//evil.example", "javascript:x"]) | text,
            },
        ),
        extra=st.dictionaries(text, text, max_size=2),
        method=st.sampled_from(["post", "post", "get"]),
    )
    def case(restriction_id, page_id, data, extra, method):
        count()
        url = f"/_util/authenticate_with_password/{restriction_id}/{page_id}/"
        response = getattr(client, method)(url, {**extra, **data})
        check_response(response, {200, 302, 400, 403, 404, 405, 429})

    case()
    assert_ran("page-password form")


# --- the admin: login and uploads -----------------------------------------------------

ADMIN_CASES = 300


def test_fuzz_admin_login(client, django_user_model, settings):
    # The lockout would answer 429 to every case after a few failures.
    settings.LOGIN_FAILURE_LIMIT = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 10**9
    make_user(django_user_model, "bientapvien", EDITORS)
    count = counter("admin login form", ADMIN_CASES)

    @fuzz(ADMIN_CASES)
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={
                "username": st.sampled_from(["bientapvien", "BIENTAPVIEN"]) | text,
                "password": st.sampled_from([STRONG_PASSWORD]) | text,
                "next": st.sampled_from(["/admin/", "//evil.example/", "/admin/%00"]) | text,
                "remember": text,
            },
        ),
    )
    def case(data):
        count()
        client.logout()
        check_response(client.post("/admin/login/", data), {200, 302, 400, 403, 429})

    case()
    assert_ran("admin login form")


def image_bytes(kind):
    buffer = BytesIO()
    PILImage.new("RGB", (40, 30), (200, 40, 40)).save(buffer, kind)
    return buffer.getvalue()


def upload_files(names):
    valid = [image_bytes("JPEG"), image_bytes("PNG"), image_bytes("GIF")]
    content = st.one_of(
        st.sampled_from(valid),
        st.sampled_from(valid).flatmap(lambda b: st.integers(0, len(b)).map(lambda n: b[:n])),
        st.binary(max_size=600),
        st.sampled_from([b"<svg onload=alert(1)/>", b"%PDF-1.4\n", b"MZ\x90\x00", b""]),
    )
    return st.builds(
        lambda name, data, content_type: SimpleUploadedFile(name, data, content_type),
        names,
        content,
        st.sampled_from(["image/jpeg", "image/png", "application/pdf", "text/html", ""]),
    )


file_names = st.one_of(
    st.builds(
        lambda stem, ext: f"{stem}.{ext}",
        text.map(lambda s: s.replace("\x00", "").replace("/", "")[:40] or "x"),
        st.sampled_from(
            ["jpg", "png", "gif", "webp", "svg", "pdf", "docx", "html", "exe", "JPG", ""]
        ),
    ),
    st.sampled_from(["../../etc/passwd", "a" * 300 + ".jpg", ".jpg", "ảnh hội nghị.jpg"]),
)


@pytest.fixture
def editor(client, django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user(django_user_model, "bientapvien", EDITORS))
    return client


@pytest.mark.parametrize("kind", ["images", "documents"])
def test_fuzz_admin_uploads(editor, kind):
    from wagtail.models import Collection

    surface = f"admin {kind[:-1]} upload"
    count = counter(surface, ADMIN_CASES)
    root = str(Collection.get_first_root_node().pk)

    @fuzz(ADMIN_CASES)
    @given(
        upload=upload_files(file_names),
        title=st.sampled_from(["Ảnh hội nghị"]) | text,
        collection=st.sampled_from([root]) | numbers | text,
        tags=st.sampled_from(["", "hội nghị, thi đua"]) | text,
        endpoint=st.sampled_from(["add/", "multiple/add/"]),
    )
    def case(upload, title, collection, tags, endpoint):
        count()
        data = {"title": title, "collection": collection, "tags": tags, "file": upload}
        if endpoint == "multiple/add/":
            data = {"files[]": upload, "collection": collection}
        response = editor.post(f"/admin/{kind}/{endpoint}", data)
        check_response(response, {200, 302, 400, 403, 413})

    case()
    assert_ran(surface)
