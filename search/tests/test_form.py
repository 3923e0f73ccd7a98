"""The search form: what a reader may filter by, and what bad input shows."""

import pytest
from bs4 import BeautifulSoup
from django.utils.html import escape
from wagtail.models import PageViewRestriction

from news.models import EventIndexPage, NewsIndexPage

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def add_section(parent, title, model=NewsIndexPage, publish=True):
    page = parent.add_child(instance=model(title=title, slug=title.lower().replace(" ", "-")))
    if publish:
        page.save_revision().publish()
    else:
        page.unpublish()
    return page


@pytest.fixture
def sections(home, client, django_capture_on_commit_callbacks):
    client.get("/search/")  # the form's choices are cached before the sections exist
    # Committed, as the admin commits them: the cached choices follow each change.
    with django_capture_on_commit_callbacks(execute=True):
        public = add_section(home, "Chuyen muc cong khai")
        calendar = add_section(home, "Lich cong khai", EventIndexPage)
        locked = add_section(home, "Chuyen muc mat khau")
        PageViewRestriction.objects.create(
            page=locked, restriction_type=PageViewRestriction.PASSWORD, password="bi-mat-123"
        )
        inner = add_section(locked, "Chuyen muc ben trong")
        members = add_section(home, "Chuyen muc thanh vien")
        PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
        draft = add_section(home, "Chuyen muc nhap", publish=False)
    return {
        "public": [public, calendar],
        "hidden": [locked, inner, members, draft],
    }


def test_only_public_live_sections_are_offered(client, sections):
    html = client.get("/search/").content.decode()
    for page in sections["public"]:
        assert f'<option value="{page.pk}">{page.title}</option>' in html
    for page in sections["hidden"]:
        assert page.title not in html
        assert f'<option value="{page.pk}"' not in html


def test_a_hidden_section_is_refused_as_a_filter(client, sections):
    for page in sections["hidden"]:
        response = client.get("/search/", {"q": "thi đua", "section": page.pk, "format": "json"})
        assert response.status_code == 200
        data = response.json()
        assert data["messages"] == [
            f"Không tìm thấy chuyên mục “{page.pk}”; bộ lọc này đã được bỏ qua."
        ]
        assert f"section={page.pk}" not in (data["next"] or "")
        html = client.get("/search/", {"q": "thi đua", "section": page.pk}).content.decode()
        assert "bộ lọc này đã được bỏ qua" in html
        assert page.title not in html


def test_a_section_made_private_leaves_the_form_at_once(
    client, sections, django_capture_on_commit_callbacks
):
    public = sections["public"][0]
    option = f'<option value="{public.pk}">{public.title}</option>'
    assert option in client.get("/search/").content.decode()  # the choices are now cached
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=public, restriction_type=PageViewRestriction.LOGIN
        )
    assert public.title not in client.get("/search/").content.decode()
    refused = client.get("/search/", {"section": public.pk, "format": "json"}).json()
    assert refused["messages"] == [
        f"Không tìm thấy chuyên mục “{public.pk}”; bộ lọc này đã được bỏ qua."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert option in client.get("/search/").content.decode()
    assert client.get("/search/", {"section": public.pk, "format": "json"}).json()["messages"] == []


def test_a_public_section_is_accepted(client, sections):
    for page in sections["public"]:
        data = client.get("/search/", {"section": page.pk, "format": "json"}).json()
        assert data["messages"] == []
        html = client.get("/search/", {"section": page.pk}).content.decode()
        assert f'<option value="{page.pk}" selected>{page.title}</option>' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2020-13-45"}, "“2020-13-45” không phải ngày hợp lệ (dùng dd/mm/yyyy)"),
        ({"to": "9999-12-31"}, "“9999-12-31” không phải ngày hợp lệ (dùng dd/mm/yyyy)"),
        ({"author": "abc'"}, "Không tìm thấy tác giả “abc'”; bộ lọc này đã được bỏ qua."),
        ({"section": "99999999999999999999"}, "Không tìm thấy chuyên mục"),
        ({"type": "video"}, "Loại không hợp lệ; hiển thị cả tin bài và sự kiện."),
        ({"page": "two"}, "Không có trang “two”; hiển thị trang đầu."),
        ({"page": "0"}, "Không có trang “0”; hiển thị trang đầu."),
        (
            {"from": "31/12/2020", "to": "01/01/2020"},
            "Ngày bắt đầu sau ngày kết thúc; hai ngày đã được đổi chỗ.",
        ),
        ({"q": "+-&|!"}, "Từ khóa không có chữ hoặc số nào để tìm."),
    ],
)
def test_bad_input_is_named_in_vietnamese(client, home, params, message):
    response = client.get("/search/", {"q": "thi đua", **params})
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    data = client.get("/search/", {"q": "thi đua", **params, "format": "json"}).json()
    assert any(message in shown for shown in data["messages"])


def test_the_valid_filters_still_apply_beside_a_bad_one(client, home):
    data = client.get(
        "/search/",
        {"q": "thi\x00đua", "from": "01/03/2020", "to": "nonsense", "sort": "x", "format": "json"},
    ).json()
    assert data["query"] == "thi đua"
    assert len(data["messages"]) == 1 and "nonsense" in data["messages"][0]
    html = client.get("/search/", {"q": "thi đua", "from": "01/03/2020"}).content.decode()
    # Dates are shown as readers write them.
    assert BeautifulSoup(html, "html.parser").select_one('input[name="from"]')["value"] == (
        "01/03/2020"
    )
