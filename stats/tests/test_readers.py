"""The reader cookie: Django's Signer, salt "stats.reader" (cookies issued before stay valid)."""

import secrets

import pytest
from django.core import signing
from django.test import RequestFactory

from stats.services import readers

READER = "0123456789abcdef0123456789abcdef"


def test_cookies_signed_by_django_verify_and_the_reverse(settings):
    django_signed = signing.Signer(salt="stats.reader").sign(READER)
    assert readers.signed(READER) == django_signed
    request = RequestFactory().post("/stats/hit/")
    request.COOKIES["portal_reader"] = django_signed
    assert readers.reader_from(request) == READER


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v[:-1] + ("A" if v[-1] != "A" else "B"),  # another signature
        lambda v: "f" + v[1:],  # another reader, the old signature
        lambda v: v.replace(":", ""),  # no separator
        lambda v: v.split(":")[0],  # no signature
        lambda v: v + "==",  # padded
    ],
)
def test_a_tampered_cookie_is_no_reader(rf, tamper):
    request = rf.post("/stats/hit/")
    request.COOKIES["portal_reader"] = tamper(readers.signed(READER))
    assert readers.reader_from(request) is None


def test_a_cookie_signed_with_a_retired_key_still_verifies(rf, settings):
    old = readers.signed(READER)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    request = rf.post("/stats/hit/")
    request.COOKIES["portal_reader"] = old
    assert readers.reader_from(request) == READER
    assert readers.signed(READER) != old  # new cookies use the new key
    settings.SECRET_KEY_FALLBACKS = []
    assert readers.reader_from(request) is None


def test_readers_without_a_session_cookie_never_load_the_user(rf):
    request = rf.post("/stats/hit/")

    class Exploding:
        def __getattr__(self, name):
            raise AssertionError("the user was loaded")

    request.user = Exploding()
    assert readers.user_of(request) is None
    assert readers.is_staff(request) is False
