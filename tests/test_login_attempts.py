"""core/login_attempts.py against django-axes' own database handler: where the two limits
agree, they lock exactly the same clients; where they differ, an address trying many
names gets its own, higher limit."""

import random

import pytest
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.test import RequestFactory

from core.login_attempts import LoginAttemptsHandler
from tests.newsroom import EDITORS, STRONG_PASSWORD, make_user

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]

ADDRESSES = ["198.51.100.7", "198.51.100.8", "203.0.113.9"]
NAMES = ["bientapvien", "thuky", "admin", "nguoi-dung"]


def request_from(address):
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR=address)
    AxesProxyHandler.update_request(request)
    return request


def fail(address, name):
    assert authenticate(request_from(address), username=name, password="sai-mat-khau") is None


def locked(handler, address, name):
    return handler.is_locked(request_from(address), {"username": name})


def test_with_equal_limits_it_locks_exactly_as_axes_does(settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = settings.LOGIN_FAILURE_LIMIT
    ours, theirs = LoginAttemptsHandler(), AxesDatabaseHandler()
    chooser = random.Random(20261206)
    seen_locked = 0
    for _ in range(40):
        fail(chooser.choice(ADDRESSES[:2]), chooser.choice(NAMES))
        for address in ADDRESSES:
            for name in NAMES:
                assert locked(ours, address, name) == locked(theirs, address, name), (
                    address,
                    name,
                )
                seen_locked += locked(ours, address, name)
    assert seen_locked  # the sequence did reach the limits
    assert not locked(ours, ADDRESSES[2], "bientapvien")


def test_an_address_gets_its_own_higher_limit(client, settings, django_user_model):
    assert settings.LOGIN_FAILURE_LIMIT < settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    editor = make_user(django_user_model, "bientapvien", EDITORS)
    ours, theirs = LoginAttemptsHandler(), AxesDatabaseHandler()
    address = ADDRESSES[0]
    for number in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS - 1):
        fail(address, f"nguoi-dung-{number}")
    # axes alone would have locked the address after LOGIN_FAILURE_LIMIT names.
    assert locked(theirs, address, "bientapvien")
    assert not locked(ours, address, "bientapvien")
    signed_in = client.post(
        "/admin/login/",
        {"username": "bientapvien", "password": STRONG_PASSWORD},
        REMOTE_ADDR=address,
    )
    assert signed_in.status_code == 302
    # Signing in cleared that name's failures only, not the address's: one more
    # failure from there reaches the address's limit.
    fail(address, "nguoi-dung-cuoi")
    assert locked(ours, address, "bientapvien")
    assert (
        authenticate(request_from(address), username=editor.username, password=STRONG_PASSWORD)
        is None
    )
