"""The deployment files: checked with the real tools that run them."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
sys.path.insert(0, str(DEPLOY))

from local_nginx import nginx_binary, render  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_compose_file_matches_the_compose_specification():
    result = subprocess.run(
        [
            str(REPO / ".venv/bin/check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(DEPLOY / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deployed_nginx_config_passes_nginx_t(tmp_path):
    """The full TLS config as installed (upstream host and certificate made local)."""
    conf = tmp_path / "conf"
    (conf / "snippets").mkdir(parents=True)
    (conf / "tls").mkdir()
    for name in ("portal-locations.conf", "portal-proxy.conf"):
        (conf / "snippets" / name).write_text((DEPLOY / "nginx" / name).read_text())
    site = (DEPLOY / "nginx/portal.conf").read_text()
    assert "server app:8000" in site
    site = site.replace("server app:8000", "server 127.0.0.1:8000")
    site = site.replace("/var/cache/nginx/portal", str(tmp_path / "cache"))
    (conf / "portal.conf").write_text(site)
    # Every portal's certificate the example names (one per host name).
    names = re.findall(r"ssl_certificate\s+tls/(\S+)\.crt;", site)
    assert len(names) >= 3 and len(set(names)) == len(names)
    for name in names:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={name}",
                "-keyout",
                str(conf / f"tls/{name}.key"),
                "-out",
                str(conf / f"tls/{name}.crt"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    (conf / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\nhttp {\n include /etc/nginx/mime.types;\n"
        f" client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
        " include portal.conf;\n}\n"
    )
    result = subprocess.run(
        [nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(conf / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_gunicorn_config_loads_the_production_app(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 20 + "Qm4Zp8Lw2Rt6Yv0Nb3Kc7",
        "ALLOWED_HOSTS": "portal.test",
        "DATABASE_URL": "postgres://portal@127.0.0.1:1/portal",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "MEDIA_ROOT": str(tmp_path),
    }
    result = subprocess.run(
        [str(REPO / ".venv/bin/gunicorn"), "--check-config", "-c", "deploy/gunicorn.conf.py"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def nginx_proxy(live_server):
    upstream = live_server.url.removeprefix("http://").replace("localhost", "127.0.0.1")
    port = free_port()
    # Outside pytest's private tmp tree: nginx workers run as nobody and must reach it.
    prefix = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
    config = render(prefix, f"127.0.0.1:{port}", upstream)
    process = subprocess.Popen(
        [nginx_binary(), "-p", str(prefix), "-c", str(config), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError(f"nginx did not start: {process.stderr.read().decode()}")
    yield f"http://127.0.0.1:{port}"
    process.send_signal(signal.SIGQUIT)
    process.wait(timeout=20)
    shutil.rmtree(prefix, ignore_errors=True)


def fetch(url, cookie=None, host=None):
    headers = {"Cookie": cookie} if cookie else {}
    if host:
        headers["Host"] = host
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
        return response.status, response.headers, response.read()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nginx_microcaches_anonymous_pages_only(nginx_proxy, section):
    _, first, body = fetch(nginx_proxy + section.url)
    _, second, cached = fetch(nginx_proxy + section.url)
    assert first["X-Proxy-Cache"] == "MISS" and second["X-Proxy-Cache"] == "HIT"
    assert body == cached and "Tin tức - Sự kiện".encode() in body

    _, editor, _ = fetch(nginx_proxy + section.url, cookie="sessionid=abc")
    assert editor["X-Proxy-Cache"] == "BYPASS"

    status, health, _ = fetch(nginx_proxy + "/healthz")
    assert status == 200 and "X-Proxy-Cache" not in health
    _, admin, _ = fetch(nginx_proxy + "/admin/login/")
    assert "X-Proxy-Cache" not in admin

    # Document files are never served straight from disk: the app checks privacy.
    with pytest.raises(urllib.error.HTTPError) as denied:
        fetch(nginx_proxy + "/media/documents/bien-ban.pdf")
    assert denied.value.code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nginx_keeps_each_portal_apart(nginx_proxy, section):
    from news.portals import create_portal
    from tests.newsroom import publish_article

    district = create_portal("Tiên Du", "tiendu.bacninh.gov.vn")
    publish_article(section, "Tin của tỉnh qua nginx")
    publish_article(district.sections["chinh-tri"], "Tin Tiên Du qua nginx")
    pages = {}
    for host in ("localhost", "tiendu.bacninh.gov.vn"):
        _, first, body = fetch(nginx_proxy + "/", host=host)
        _, second, cached = fetch(nginx_proxy + "/", host=host)
        assert first["X-Proxy-Cache"] == "MISS" and second["X-Proxy-Cache"] == "HIT"
        assert cached == body
        pages[host] = body.decode()
    assert "Tin của tỉnh qua nginx" in pages["localhost"]
    assert "Tin Tiên Du qua nginx" not in pages["localhost"]
    assert "Tin Tiên Du qua nginx" in pages["tiendu.bacninh.gov.vn"]
    assert "Tin của tỉnh qua nginx" not in pages["tiendu.bacninh.gov.vn"]
