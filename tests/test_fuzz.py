"""Hypothesis-generated hostile input against the search page, the counting endpoint,
the importer's parser and the API: at least 1,000 cases each, never a 500 or a traceback.

The Django test client re-raises any exception a view lets escape, so an unhandled
error fails the case with its traceback; a 500 status fails it too.
"""

import json
import string

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from news.importer.parser import ExportParseError, ParsedExport, parse_export
from tests.newsroom import publish_article

pytestmark = pytest.mark.embedded

CASES = 1000
FUZZ = settings(
    max_examples=CASES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

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
    assert response.status_code != 500
    assert response.status_code in allowed, response.status_code


@pytest.fixture
def content(section):
    for number in range(3):
        publish_article(section, f"Thi đua khen thưởng {number}", days_ago=number)
    return section


# --- /search/ ------------------------------------------------------------------------

SEARCH_KEYS = ["q", "page", "sort", "section", "author", "type", "from", "to", "format"]


def test_fuzz_search_page(client, content):
    seen = []

    @FUZZ
    @given(
        params=st.dictionaries(st.one_of(st.sampled_from(SEARCH_KEYS), text), text, max_size=6),
        as_json=st.booleans(),
    )
    def case(params, as_json):
        seen.append(1)
        query = dict(params)
        if as_json:
            query["format"] = "json"
        response = client.get("/search/", query)
        check_response(response, {200, 400})
        if as_json and response.status_code == 200:
            assert isinstance(json.loads(response.content)["results"], list)

    case()
    assert len(seen) >= CASES


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
    seen = []

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
        seen.append(1)
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
    assert len(seen) >= CASES


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
    seen = []
    lines = st.lists(st.one_of(st.sampled_from(FRAGMENTS), text), min_size=0, max_size=14)

    @FUZZ
    @given(
        source=lines.map("\n".join)
        | st.binary(max_size=400)
        | lines.map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass"))
    )
    def case(source):
        seen.append(1)
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
    assert len(seen) >= CASES


# --- /api/v2/ ---------------------------------------------------------------------------

API_KEYS = [
    "limit",
    "offset",
    "order",
    "fields",
    "type",
    "child_of",
    "descendant_of",
    "ancestor_of",
    "search",
    "search_operator",
    "site",
    "title",
    "slug",
    "locale",
    "translation_of",
    "format",
]


def test_fuzz_api(client, content):
    from news.models import ArticlePage

    page_ids = [str(pk) for pk in ArticlePage.objects.values_list("pk", flat=True)]
    seen = []
    cache.clear()

    @FUZZ
    @given(
        endpoint=st.sampled_from(["articles", "events"]),
        detail=st.none() | st.sampled_from(page_ids) | text,
        params=st.dictionaries(
            st.one_of(st.sampled_from(API_KEYS), text),
            st.one_of(st.sampled_from(page_ids + ["-id", "title", "*", "random"]), text),
            max_size=5,
        ),
    )
    def case(endpoint, detail, params):
        seen.append(1)
        path = f"/api/v2/{endpoint}/"
        if detail is not None:
            path += "".join(c for c in detail if c not in "/?#\x00") + "/"
        response = client.get(path, params)
        check_response(response, {200, 301, 400, 404})
        if response.status_code in (200, 400) and response.get("Content-Type", "").startswith(
            "application/json"
        ):
            json.loads(response.content)

    case()
    assert len(seen) >= CASES
