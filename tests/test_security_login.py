"""Admin login: brute-force throttling and password validators."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.newsroom import EDITORS, STRONG_PASSWORD, fresh_cache, make_user  # noqa: F401

pytestmark = [pytest.mark.embedded, pytest.mark.usefixtures("fresh_cache")]
LOGIN = "/admin/login/"


@pytest.fixture
def editor(db, django_user_model):
    return make_user(django_user_model, "bientapvien", EDITORS)


def attempt(client, username, password, address="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client):
    return "_auth_user_id" in client.session


def test_correct_password_signs_in(client, editor):
    response = attempt(client, "bientapvien", STRONG_PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_repeated_failures_lock_the_account_for_that_address(client, editor, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        response = attempt(client, "bientapvien", "sai-mat-khau")
        assert response.status_code == 200  # the form again, with its error
    # The failure that reaches the limit already gets the locked-out page.
    assert attempt(client, "bientapvien", "sai-mat-khau").status_code == 429
    # Now even the right password is refused, with an explanation in Vietnamese.
    locked = attempt(client, "bientapvien", STRONG_PASSWORD)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.LOGIN_LOCKOUT_SECONDS
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert not signed_in(client)
    # The same account from another address is not locked out.
    assert attempt(client, "bientapvien", STRONG_PASSWORD, "203.0.113.20").status_code == 302


def test_lockout_ends_after_its_window(client, editor, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            attempt(client, "bientapvien", "sai-mat-khau")
        assert attempt(client, "bientapvien", STRONG_PASSWORD).status_code == 429
    later = start + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert attempt(client, "bientapvien", STRONG_PASSWORD).status_code == 302


def test_attempts_during_the_lockout_neither_extend_it_nor_pile_up(client, editor, settings):
    from axes.models import AccessAttempt

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            attempt(client, "bientapvien", "sai-mat-khau")
    almost = start + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS - 1)
    with time_machine.travel(almost, tick=False):
        for _ in range(30):
            assert attempt(client, "bientapvien", "sai-mat-khau").status_code == 429
    stored = AccessAttempt.objects.get()
    assert stored.failures_since_start == settings.LOGIN_FAILURE_LIMIT
    assert stored.post_data.count("username=") == settings.LOGIN_FAILURE_LIMIT
    assert "sai-mat-khau" not in stored.post_data  # passwords are never stored
    later = start + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert attempt(client, "bientapvien", STRONG_PASSWORD).status_code == 302


def test_an_address_guessing_many_names_is_throttled(client, editor, settings):
    for number in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS):
        attempt(client, f"nguoi-dung-{number}", "sai-mat-khau")
    assert attempt(client, "bientapvien", STRONG_PASSWORD).status_code == 429


def test_every_login_form_shares_the_throttle(client, editor, settings, django_user_model):
    # Failures on the Wagtail login also lock authenticate() for the Django admin.
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "bientapvien", "sai-mat-khau")
    request = RequestFactory().post("/django-admin/login/", REMOTE_ADDR="198.51.100.7")
    assert authenticate(request, username="bientapvien", password=STRONG_PASSWORD) is None
    other = RequestFactory().post("/django-admin/login/", REMOTE_ADDR="192.0.2.1")
    assert authenticate(other, username="bientapvien", password=STRONG_PASSWORD) == editor


def test_authenticate_without_a_request_still_works(client, editor):
    # Django's test client's login() calls authenticate() with no request.
    assert client.login(username="bientapvien", password=STRONG_PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert not Client().login(username="bientapvien", password="sai-mat-khau")


def test_success_resets_the_count(client, editor, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(client, "bientapvien", "sai-mat-khau")
    assert attempt(client, "bientapvien", STRONG_PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(client, "bientapvien", "sai-mat-khau")
    assert attempt(client, "bientapvien", STRONG_PASSWORD).status_code == 302


def test_forwarded_address_is_used_only_behind_trusted_proxies(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def via_proxy(password, reader):
        return client.post(
            LOGIN,
            {"username": "bientapvien", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=reader,
        )

    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        via_proxy("sai", "203.0.113.50")
    assert via_proxy(STRONG_PASSWORD, "203.0.113.50").status_code == 429
    # A different reader behind the same proxy is not affected.
    assert via_proxy(STRONG_PASSWORD, "203.0.113.51").status_code == 302


@pytest.mark.parametrize(
    "password",
    ["12345678901234", "matkhau", "password123456", "bientapvien2026", "Abc12345"],
)
def test_weak_passwords_are_refused(django_user_model, password):
    user = django_user_model(username="bientapvien", email="bientapvien@example.vn")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_strong_password_is_accepted(django_user_model):
    user = django_user_model(username="bientapvien")
    validate_password(STRONG_PASSWORD, user)


# --- The page-password form of restricted pages ------------------------------------

PAGE_PASSWORD = "mat-khau-trang-rieng"


@pytest.fixture
def password_page(section):
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password=PAGE_PASSWORD
    )
    return section, f"/_util/authenticate_with_password/{restriction.pk}/{section.pk}/"


def try_page_password(client, form_url, password, return_url, address="198.51.100.7"):
    return client.post(
        form_url, {"password": password, "return_url": return_url}, REMOTE_ADDR=address
    )


def test_page_password_form_locks_out_a_guessing_address(client, password_page, settings):
    page, form_url = password_page
    assert f'action="{form_url}"' in client.get(page.url).content.decode()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        wrong = try_page_password(client, form_url, "doan-bua", page.url)
        assert wrong.status_code == 200  # the form again
        assert 'name="password"' in wrong.content.decode()
    locked = try_page_password(client, form_url, "doan-bua", page.url)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.LOGIN_LOCKOUT_SECONDS
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    # Even the right password is refused now, and the page stays closed.
    assert try_page_password(client, form_url, PAGE_PASSWORD, page.url).status_code == 429
    assert 'name="password"' in client.get(page.url).content.decode()
    # Another reader, at another address, gets in.
    other = Client()
    opened = try_page_password(other, form_url, PAGE_PASSWORD, page.url, "203.0.113.20")
    assert (opened.status_code, opened["Location"]) == (302, page.url)
    assert page.title in other.get(page.url).content.decode()


def test_page_password_failures_count_toward_the_address_limit(
    client, password_page, editor, settings
):
    page, form_url = password_page
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS - 1):
        attempt(client, f"nguoi-dung-{_}", "sai-mat-khau")
    assert try_page_password(client, form_url, "doan-bua", page.url).status_code == 429
    assert attempt(client, "bientapvien", STRONG_PASSWORD).status_code == 429


def test_right_page_password_signs_in_and_wrong_ones_do_not_lock_before_the_limit(
    client, password_page, settings
):
    page, form_url = password_page
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        try_page_password(client, form_url, "doan-bua", page.url)
    opened = try_page_password(client, form_url, PAGE_PASSWORD, page.url)
    assert (opened.status_code, opened["Location"]) == (302, page.url)
    assert page.title in client.get(page.url).content.decode()


def test_document_password_form_locks_out_a_guessing_address(client, db, settings):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Nội bộ")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password=PAGE_PASSWORD
    )
    doc = Document.objects.create(
        title="Tài liệu mật", collection=private, file=ContentFile(b"bi-mat", "mat.txt")
    )
    form_url = f"/documents/authenticate_with_password/{restriction.pk}/"
    assert f'action="{form_url}"' in client.get(doc.url).content.decode()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert try_page_password(client, form_url, "doan-bua", doc.url).status_code == 200
    assert try_page_password(client, form_url, "doan-bua", doc.url).status_code == 429
    assert try_page_password(client, form_url, PAGE_PASSWORD, doc.url).status_code == 429
    assert client.get(doc.url).content != b"bi-mat"
    other = Client()
    opened = try_page_password(other, form_url, PAGE_PASSWORD, doc.url, "203.0.113.20")
    assert (opened.status_code, opened["Location"]) == (302, doc.url)
    assert b"".join(other.get(doc.url).streaming_content) == b"bi-mat"


def test_user_names_count_without_case_or_spaces(client, editor, settings):
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "BienTapVien " if number % 2 else "bientapvien", "sai-mat-khau")
    assert attempt(client, "bientapvien", STRONG_PASSWORD).status_code == 429


# --- Logout -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "options", "head"])
def test_a_refused_logout_changes_nothing(client, editor, method):
    client.force_login(editor)
    session_key = client.cookies["sessionid"].value
    response = getattr(client, method)("/admin/logout/")
    assert response.status_code == (405 if method != "options" else 200)
    # The cookie is neither deleted nor replaced, and no "logged out" message is queued.
    assert "sessionid" not in response.cookies
    assert "messages" not in response.cookies
    assert client.cookies["sessionid"].value == session_key
    assert client.get("/admin/").status_code == 200  # still signed in


def test_logout_ends_the_session_on_the_server(client, editor):
    client.force_login(editor)
    stolen = client.cookies["sessionid"].value
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert response.cookies["sessionid"].value == ""  # the browser forgets it
    # A copy of the old cookie no longer signs anyone in.
    replay = Client()
    replay.cookies["sessionid"] = stolen
    assert replay.get("/admin/").status_code == 302
