"""Logins, sessions and the login lockout while Redis is down, in production's own
configuration: gunicorn with portal.settings.production on the suite's PostgreSQL and a
redis-server of this test's own, stopped mid-traffic and started again."""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.db import connection

from tests.newsroom import EDITORS, STRONG_PASSWORD, make_user
from tests.test_settings import GOOD

REPO = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 2
REDIS_DOWN = "Redis unavailable"

# serialized_rollback: the newsroom's groups (a data migration) are there, and the
# transactional flush after it leaves the next serialized test nothing to collide with.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, what: str, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}")
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} not ready after {limit}s")


def accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


class Redis:
    """A redis-server of this test's own, run as an unprivileged user like
    scripts/services.sh does, so it can be stopped and started at will."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        assert self.binary, "redis-server is required (Debian package redis-server)"
        self.port = free_port()
        # Outside pytest's tmp_path, whose parents only root may enter.
        self.workdir = Path(tempfile.mkdtemp(prefix="portal-redis-down-"))
        workdir = self.workdir
        self.prefix = []
        if os.geteuid() == 0:
            user = os.environ.get("SERVICES_USER", "portaltest")
            shutil.chown(workdir, user)
            self.prefix = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"]
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(
            self.prefix + args, cwd=self.workdir, stdout=subprocess.DEVNULL, start_new_session=True
        )
        wait_until(lambda: accepts(self.port), "redis-server", self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        assert not accepts(self.port)

    def remove(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


class App:
    """gunicorn serving portal.settings.production (static URLs aside), its log kept."""

    def __init__(self, tmp_path: Path, redis_url: str):
        self.port = free_port()
        self.log_path = tmp_path / "gunicorn.log"
        database = connection.settings_dict
        self.env = {k: v for k, v in os.environ.items() if k not in GOOD}
        self.env.update(GOOD)
        self.env.update(
            DJANGO_SETTINGS_MODULE="tests.settings_production_http",
            DATABASE_URL="postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**database),
            REDIS_URL=redis_url,
            ALLOWED_HOSTS="127.0.0.1",
            MEDIA_ROOT=str(tmp_path / "media"),
            STATIC_ROOT=str(tmp_path / "static"),
            SECURE_SSL_REDIRECT="false",
            TRUSTED_PROXY_COUNT="1",
            # One Redis-down line per worker for the whole test, however slow the machine.
            REDIS_DOWN_LOG_SECONDS="3600",
        )
        (tmp_path / "static").mkdir()
        self.process = self.log = None

    def start(self) -> None:
        args = [str(GUNICORN), "--workers", str(WORKERS), "--worker-class", "sync"]
        args += ["--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "portal.wsgi:application"]
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            args, cwd=REPO, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True
        )
        wait_until(
            lambda: Browser(self, "192.0.2.1").get("/healthz")[0] == 200, "gunicorn", self.process
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


class Browser:
    """One client at one address (behind the trusted proxy), keeping its cookies.

    The requests arrive as HTTPS through the proxy (X-Forwarded-Proto), as in production,
    so the Secure cookies are kept by hand here."""

    def __init__(self, app: App, address: str):
        self.app, self.address = app, address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.app.port, timeout=60)
        try:
            sent = {
                "X-Forwarded-For": self.address,
                "X-Forwarded-Proto": "https",
                "Origin": f"https://127.0.0.1:{self.app.port}",
                **(headers or {}),
            }
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body.encode(), headers=sent)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
        except OSError:
            return 0, {}, ""
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.headers, text

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]):
        from urllib.parse import urlencode

        if "csrftoken" not in self.cookies:
            self.get("/admin/login/")
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, urlencode(fields), headers)

    def login(self, username: str, password: str) -> int:
        return self.post("/admin/login/", {"username": username, "password": password})[0]

    def in_admin(self) -> bool:
        status, headers, text = self.get("/admin/")
        return status == 200 and "bientapvien" in text


@pytest.fixture
def servers(tmp_path):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (scripts/services.sh)"
    redis = Redis()
    app = App(tmp_path, redis.url)
    try:
        redis.start()
        app.start()
        yield app, redis
    finally:
        app.stop()
        redis.stop()
        redis.remove()


def test_logins_sessions_and_the_lockout_hold_while_redis_is_down(
    servers, django_user_model, settings
):
    app, redis = servers
    # Hashed the way production checks it (the suite's own hasher is MD5, for speed).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user(django_user_model, "bientapvien", EDITORS)
    limit = 5  # LOGIN_FAILURE_LIMIT's default, which the app runs with

    editor = Browser(app, "198.51.100.1")
    assert editor.login("bientapvien", STRONG_PASSWORD) == 302
    assert editor.in_admin()

    redis.stop()
    # The signed-in editor keeps working.
    assert editor.in_admin()
    assert editor.get("/")[0] == 200
    # Thirty wrong passwords from one address: the lockout keeps counting.
    guesser = Browser(app, "203.0.113.66")
    statuses = [guesser.login("bientapvien", f"doan-{n}") for n in range(30)]
    assert statuses == [200] * (limit - 1) + [429] * (31 - limit)
    assert guesser.login("bientapvien", STRONG_PASSWORD) == 429
    # The same account signs in from another address, and its session works.
    colleague = Browser(app, "198.51.100.2")
    assert colleague.login("bientapvien", STRONG_PASSWORD) == 302
    assert colleague.in_admin()
    # Logging out ends the session on the server: a copy of the cookie is worthless.
    stolen = dict(colleague.cookies)
    assert colleague.post("/admin/logout/", {})[0] == 302
    replay = Browser(app, "198.51.100.3")
    replay.cookies = stolen
    assert not replay.in_admin()

    # No traceback in the log, and one line per worker saying that Redis is down.
    log = app.log_text()
    assert "Traceback" not in log
    assert "Unable to create a new session key" not in log
    down = [line for line in log.splitlines() if "django_redis" in line]
    assert 1 <= len(down) <= WORKERS, down
    assert all(REDIS_DOWN in line and "Connection refused" in line for line in down), down

    redis.start()  # the same port, empty
    assert editor.in_admin()
    assert guesser.login("bientapvien", STRONG_PASSWORD) == 429  # still locked out
    fresh = Browser(app, "198.51.100.4")
    assert fresh.login("bientapvien", STRONG_PASSWORD) == 302
    assert fresh.in_admin()
