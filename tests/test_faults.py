"""Faults the production stack must survive: Redis stopping mid-traffic and
PostgreSQL restarting. Both use real servers: a private redis-server started here, and
the PostgreSQL cluster that scripts/services.sh started for the suite."""

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache
from django.db import connections

from stats.models import SiteCounter
from stats.tests.conftest import post_beacon, writes_done

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, up: bool, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            if up:
                return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise AssertionError(f"port {port} did not go {'up' if up else 'down'}")


class PrivateRedis:
    """A redis-server of this test's own, so it can be stopped and started at will."""

    def __init__(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is required (Debian package redis-server)"
        self.binary = binary
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, up=True)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        wait_for_port(self.port, up=False)


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    redis.start()
    yield redis
    if redis.process.poll() is None:
        redis.stop()


@pytest.fixture
def production_cache(settings, private_redis):
    """The production cache configuration (portal/settings/production.py) on that Redis."""
    options = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": options,
        }
    }
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.PAGE_CACHE_SECONDS = 600
    settings.STATS_REDIS_URL = private_redis.url
    cache.clear()
    return private_redis


def test_redis_stopping_mid_traffic(client, imported_article, production_cache):
    url = imported_article.url
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "HIT"
    assert post_beacon(client, imported_article.pk, reader="a" * 32).status_code == 200
    writes_done()  # counted views and visits reach the database in batches
    visits_before = SiteCounter.objects.get().visits

    production_cache.stop()
    during = [client.get(url) for _ in range(5)] + [client.get("/")]
    assert [r.status_code for r in during] == [200] * 6
    assert "X-Page-Cache" not in during[0] or during[0]["X-Page-Cache"] == "MISS"
    assert "Số lượt xem" in during[0].content.decode()
    beacon = post_beacon(client, imported_article.pk, reader="b" * 32)
    # Documented degradation (docs/stats.md, "When Redis fails"): counted in the database.
    assert beacon.status_code == 200, beacon.content
    assert beacon.json()["counted"] is True

    production_cache.start()  # the same port, empty
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "HIT"
    assert post_beacon(client, imported_article.pk, reader="c" * 32).json()["counted"]
    # Nothing counted was lost: the totals live in the database.
    writes_done()
    assert SiteCounter.objects.get().visits == visits_before + 2


def pg_ctl(*args: str) -> subprocess.CompletedProcess:
    env_names = ("SERVICES_POSTGRES_BIN", "SERVICES_POSTGRES_DATA", "SERVICES_POSTGRES_PORT")
    missing = [name for name in env_names if not os.environ.get(name)]
    assert not missing, f"run through scripts/services.sh (make test); missing {missing}"
    command = [f"{os.environ['SERVICES_POSTGRES_BIN']}/pg_ctl", *args]
    command += ["-D", os.environ["SERVICES_POSTGRES_DATA"], "-w", "-t", "60"]
    if os.geteuid() == 0:
        user = os.environ["SERVICES_POSTGRES_USER"]
        group = os.environ["SERVICES_POSTGRES_GROUP"]
        command = ["setpriv", f"--reuid={user}", f"--regid={group}", "--init-groups", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"pg_ctl {args[0]} failed: {result.stdout}{result.stderr}"
    return result


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - 127.0.0.1
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_postgresql_restart_fails_cleanly_and_recovers(live_server, section):
    url = live_server.url + section.url
    assert get(url)[0] == 200

    port = os.environ["SERVICES_POSTGRES_PORT"]
    pg_ctl("stop", "-m", "fast")
    try:
        status, headers, body = get(url)
        assert status == 503
        assert headers["Retry-After"] == "15"
        assert "Hệ thống đang tạm thời gián đoạn" in body
        assert "Traceback" not in body and "OperationalError" not in body
        assert get(live_server.url + "/healthz")[0] == 503
    finally:
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        log = os.path.join(os.path.dirname(os.environ["SERVICES_POSTGRES_DATA"]), "restart.log")
        pg_ctl("start", "-o", options, "-l", log)
        # This thread's connection died with the server; reconnect for teardown.
        connections.close_all()

    # The app recovers without a restart.
    status, _, body = get(url)
    assert status == 200 and section.title in body
    assert get(live_server.url + "/healthz")[0] == 200
