"""Helpers for the stats tests: readers, beacons, and the two stores."""

import json
import os
import time
import uuid

import pytest
from django.core.servers.basehttp import WSGIServer

from stats.conf import conf
from stats.services import batch, pages, popular, readers, stores

# The live server's listen backlog (Django's default is 10) would drop part of 50
# simultaneous connections before the server sees them; the concurrency tests need 50.
WSGIServer.request_queue_size = 128

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
BEACON = "/stats/hit/"


def reader_cookie(reader: str) -> str:
    return f"{conf().reader_cookie}={readers.signed(reader)}"


def post_beacon(client, page=None, reader=None, ua=BROWSER_UA, **extra):
    """Send a beacon with the Django test client, as the reader `reader`."""
    if reader is not None:
        client.cookies[conf().reader_cookie] = readers.signed(reader)
    body = {} if page is None else {"page": page}
    return client.post(
        BEACON, json.dumps(body), content_type="application/json", HTTP_USER_AGENT=ua, **extra
    )


@pytest.fixture
def redis_url():
    """The Redis of the full test pass; missing it is a failure, not a skip."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: run the suite through scripts/services.sh")
    return url


@pytest.fixture
def db_store(settings):
    settings.STATS_REDIS_URL = None
    settings.STATS_BLACKLIST_CACHE_SECONDS = 0
    assert isinstance(stores.get_store(), stores.DatabaseStore)
    return stores.get_store()


@pytest.fixture
def redis_store(settings, redis_url):
    settings.STATS_REDIS_URL = redis_url
    settings.STATS_REDIS_PREFIX = f"stats-test-{uuid.uuid4().hex}:"
    settings.STATS_BLACKLIST_CACHE_SECONDS = 0
    store = stores.get_store()
    assert isinstance(store, stores.RedisStore)
    yield store
    for key in store.client.scan_iter(match=settings.STATS_REDIS_PREFIX + "*"):
        store.client.delete(key)


@pytest.fixture(params=["database", "redis"])
def any_store(request):
    """Each test runs with the database store and with the Redis store."""
    return request.getfixturevalue("db_store" if request.param == "database" else "redis_store")


@pytest.fixture
def article(imported_article):
    return imported_article


@pytest.fixture(autouse=True)
def _fresh_state():
    from django.core.cache import cache

    cache.clear()
    readers.blacklists.clear()
    # Per-process copies: a rolled-back database may reuse ids (SQLite).
    pages.cache.forget()
    popular.local.clear()
    yield
    # The flusher thread closes its database connection (the test database is dropped
    # at the end); whatever a test left queued is not written into the next test.
    batch.writer.stop(discard=True)
    stores.reset()
    pages.cache.forget()
    popular.local.clear()


def wait_for(read, expected, timeout: float = 30.0):
    """Poll `read()` until it returns `expected` or `timeout` passes; return the last
    value (counted views reach the database in batches a few tens of ms later)."""
    deadline = time.monotonic() + timeout
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.02)
        value = read()
    return value


def writes_done(timeout: float = 30.0) -> None:
    """Wait until this process has nothing queued and no batch being written."""
    assert wait_for(batch.writer.idle, True, timeout), "queued views not written in time"
