"""Same-moment A/B of the uncached pages of two checkouts of this repository.

    bash scripts/services.sh run postgres redis -- \
        .venv/bin/python bench/ab.py --a /path/to/old-checkout --b . [--rounds 400]

bench/run.sh measures one checkout; two of its runs minutes apart compare the machine's
load as much as the code (a busy or slower machine moved its figures by 10-16%). Here
both checkouts run at once, each with its own database on the same PostgreSQL, its own
Redis database and its own gunicorn (one sync worker, production settings, page cache
off), and the requests alternate A, B, A, B on fresh connections from one client, so
whatever else the machine does falls on both alike. With --cached the page cache is on
and the pages are answered from it (the warm-up fills it): the cost of a hit. It prints
the client-side median and p90 per page for each side and the ratio B/A.

Both checkouts run with this repository's virtualenv. Everything listens on 127.0.0.1,
and the run is bounded by --rounds.
"""

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
PY = str(REPO / ".venv/bin/python")
GUNICORN = str(REPO / ".venv/bin/gunicorn")

URLS_SNIPPET = r"""
import json
import django
django.setup()
from wagtail.models import Site
from news.models import ArticlePage, NewsIndexPage
# The portal holding the fixture report, asked for by its host name (a checkout whose
# demo has one site answers on 127.0.0.1).
article = ArticlePage.objects.get(initial_view_count=161)
site_id, _root, article_path = article.get_url_parts()
site = Site.objects.get(pk=site_id)
section = NewsIndexPage.objects.live().child_of(site.root_page).first()
host = "127.0.0.1" if site.is_default_site else site.hostname
print(json.dumps({"article": article_path, "home": "/", "section": section.get_url_parts()[2],
                  "host": host}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Side:
    def __init__(self, name: str, checkout: Path, redis_db: int, work: Path, cached: bool):
        self.name = name
        self.checkout = checkout
        self.port = free_port()
        database = urlsplit(os.environ["DATABASE_URL"])
        self.database = f"bench_ab_{name.lower()}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,.localhost",
            "SECURE_SSL_REDIRECT": "false",
            "STATS_READER_COOKIE_SECURE": "false",
            "DATABASE_URL": urlunsplit(database._replace(path="/" + self.database)),
            "REDIS_URL": f"{os.environ['REDIS_URL'].rsplit('/', 1)[0]}/{redis_db}",
            "MEDIA_ROOT": str(work / name / "media"),
            "STATIC_ROOT": str(work / name / "static"),
            "PAGE_CACHE_SECONDS": "600" if cached else "0",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESSLOG": "/dev/null",
            "GUNICORN_LOGLEVEL": "warning",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
        }
        self.server = None

    def run(self, *args: str) -> str:
        result = subprocess.run(
            [PY, *args], cwd=self.checkout, env=self.env, capture_output=True, text=True
        )
        if result.returncode:
            raise SystemExit(f"{self.name}: {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def prepare(self) -> None:
        for step in (
            ("migrate", "--noinput", "-v0"),
            ("load_demo", "-v0"),
            ("collectstatic", "--noinput", "-v0"),
            ("prepare_renditions",),
        ):
            self.run("manage.py", *step)
        self.urls = json.loads(self.run("-c", URLS_SNIPPET).strip().splitlines()[-1])

    def start(self) -> None:
        self.server = subprocess.Popen(
            [GUNICORN, "--config", "deploy/gunicorn.conf.py"],
            cwd=self.checkout,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{self.name}: gunicorn did not answer")

    def stop(self) -> None:
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=60)

    def get(self, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers={"Host": self.urls.get("host", "127.0.0.1")})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, (time.perf_counter() - started) * 1000


def create_databases(names: list[str]) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a", type=Path, required=True, help="the reference checkout")
    parser.add_argument("--b", type=Path, required=True, help="the checkout compared with it")
    parser.add_argument("--rounds", type=int, default=400, help="requests per page and side")
    parser.add_argument("--cached", action="store_true", help="measure page cache hits")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="portal-ab-"))
    sides = [
        Side("A", args.a.resolve(), 1, work, args.cached),
        Side("B", args.b.resolve(), 2, work, args.cached),
    ]
    create_databases([side.database for side in sides])
    load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    kind = "page cache hits" if args.cached else "uncached pages"
    print(f"load at start {load}; {kind}; preparing both checkouts", flush=True)
    for side in sides:
        side.prepare()
    try:
        for side in sides:
            side.start()
        results = {}
        for page in ("article", "home", "section"):
            times = {side.name: [] for side in sides}
            for side in sides:
                for _ in range(20):  # warm-up
                    side.get(side.urls[page])
            for _ in range(args.rounds):
                for side in sides:
                    status, ms = side.get(side.urls[page])
                    if status != 200:
                        raise SystemExit(f"{side.name} {side.urls[page]} answered {status}")
                    times[side.name].append(ms)
            (a50, a90), (b50, b90) = summary(times["A"]), summary(times["B"])
            results[page] = {"a_p50": a50, "a_p90": a90, "b_p50": b50, "b_p90": b90}
            print(
                f"{page:<8} A p50 {a50:6.2f} p90 {a90:6.2f} ms | "
                f"B p50 {b50:6.2f} p90 {b90:6.2f} ms | B/A p50 {b50 / a50:.3f}",
                flush=True,
            )
    finally:
        for side in sides:
            side.stop()
    load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    print(f"load at end {load}")
    print("RESULT " + json.dumps(results))


if __name__ == "__main__":
    sys.exit(main())
