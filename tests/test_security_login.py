"""Admin login: brute-force throttling and password validators."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
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
