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

With --beacon SECONDS it measures the counting endpoint instead (POST /stats/hit/, a new
reader on every request, as bench/run.sh does): each side runs two sync workers (as
bench/run.sh), and wrk loads one side at a time for SECONDS, alternating A, B then B, A
for --rounds rounds, each round with readers never seen before. It prints each side's
req/s per round, the medians and B/A, and checks that every completed request was
counted exactly once (views, Hit rows, distinct readers, day rows and visits). With
--one-site, side A keeps only the default Site (the demo's district portals are
deleted), so the same checkout compares one site against three.

Both checkouts run with this repository's virtualenv. Everything listens on 127.0.0.1,
and the run is bounded by --rounds.
"""

import argparse
import http.client
import json
import os
import re
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
WRK_SCRIPT = REPO / "bench/stats/wrk.lua"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"
# Connections of the beacon's load (bench/run.sh's): requests still in flight when wrk
# stops are counted but not reported, at most this many per round.
BEACON_CONNECTIONS = 16

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
                  "host": host, "page_id": article.pk}))
"""

# Writes N reader cookies (name=value lines) to a file: argv PATH N.
COOKIES_SNIPPET = r"""
import sys
import django
django.setup()
from stats.conf import conf
from stats.services import readers
name = conf().reader_cookie
with open(sys.argv[1], "w") as out:
    for _ in range(int(sys.argv[2])):
        out.write(f"{name}={readers.signed(readers.mint_reader())}\n")
"""

# Keeps only the default Site (argv: nothing): one portal on the same content.
ONE_SITE_SNIPPET = r"""
import django
django.setup()
from wagtail.models import Site
Site.objects.filter(is_default_site=False).delete()
print(Site.objects.count())
"""

# The counted page's totals: argv PAGE_ID; prints views, Hit rows, distinct readers,
# day views, visits (every portal's).
COUNTS_SNIPPET = r"""
import sys
import django
django.setup()
from django.db.models import Sum
from hitcount.models import Hit, HitCount
from wagtail.models import Page
from stats.models import DailyPageViews, SiteCounter
page = Page.objects.get(pk=int(sys.argv[1]))
# The counter exists from the page's first counted view, starting at its carried-over
# count.
counter = HitCount.objects.filter(content_type_id=page.content_type_id, object_pk=page.pk).first()
hits = Hit.objects.filter(hitcount=counter)
daily = DailyPageViews.objects.filter(hitcount=counter).aggregate(n=Sum("views"))["n"] or 0
visits = SiteCounter.objects.aggregate(n=Sum("visits"))["n"] or 0
views = counter.hits if counter else getattr(page.specific, "initial_view_count", 0)
print(views, hits.count(), hits.values("session").distinct().count(), daily, visits)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Side:
    def __init__(
        self, name: str, checkout: Path, redis_db: int, work: Path, cached: bool, workers=1
    ):
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
            "GUNICORN_WORKERS": str(workers),
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

    def prepare(self, pages: bool = True) -> None:
        steps = [("migrate", "--noinput", "-v0"), ("load_demo", "-v0")]
        steps += [("collectstatic", "--noinput", "-v0")]
        if pages:  # the beacon renders no image
            steps += [("prepare_renditions",)]
        for step in steps:
            self.run("manage.py", *step)
        self.urls = json.loads(self.run("-c", URLS_SNIPPET).strip().splitlines()[-1])

    def counts(self) -> list[int]:
        out = self.run("-c", COUNTS_SNIPPET, str(self.urls["page_id"]))
        return [int(value) for value in out.split()]

    def wrk_beacon(self, seconds: int, cookies: Path) -> dict:
        """A bounded wrk run on the counting endpoint, a new reader on every request."""
        command = ["wrk", "-t2", f"-c{BEACON_CONNECTIONS}", f"-d{seconds}s", "--latency"]
        command += ["-H", f"Host: {self.urls['host']}", "-s", str(WRK_SCRIPT)]
        command += [f"http://127.0.0.1:{self.port}/stats/hit/"]
        env = {
            **os.environ,
            "BENCH_BODY": json.dumps({"page": self.urls["page_id"]}),
            "BENCH_COOKIES": str(cookies),
        }
        out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("RESULT"))
        return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}

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
    parser.add_argument(
        "--beacon", type=int, metavar="SECONDS", help="the counting endpoint, wrk rounds"
    )
    parser.add_argument("--one-site", action="store_true", help="side A keeps one Site")
    args = parser.parse_args()
    if args.beacon:
        return beacon(args)

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


def beacon(args) -> None:
    """Alternating bounded wrk rounds on each side's counting endpoint."""
    work = Path(tempfile.mkdtemp(prefix="portal-ab-"))
    sides = [
        Side("A", args.a.resolve(), 1, work, False, workers=2),
        Side("B", args.b.resolve(), 2, work, False, workers=2),
    ]
    create_databases([side.database for side in sides])
    load_start = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    print(f"load at start {load_start}; counting endpoint; preparing both checkouts", flush=True)
    for side in sides:
        side.prepare(pages=False)
    if args.one_site:
        print("A: sites left:", sides[0].run("-c", ONE_SITE_SNIPPET).split()[-1], flush=True)
    # Enough new readers for any round: wrap-around would turn readers into repeats.
    per_round = 4000 * args.beacon
    rps = {side.name: [] for side in sides}
    completed = {side.name: 0 for side in sides}
    try:
        for side in sides:
            side.start()
            before = side.counts()
            side.before = before
            warm = work / f"{side.name}-warm.txt"
            side.run("-c", COOKIES_SNIPPET, str(warm), str(per_round))
            side.warm = warm
        for side in sides:  # warm-up: workers, connections, the writer threads
            completed[side.name] += int(side.wrk_beacon(2, side.warm)["requests"])
        for number in range(args.rounds):
            order = sides if number % 2 == 0 else sides[::-1]
            for side in order:
                cookies = work / f"{side.name}-{number}.txt"
                side.run("-c", COOKIES_SNIPPET, str(cookies), str(per_round))
                time.sleep(1)  # the other side's queue written, its writer idle
                result = side.wrk_beacon(args.beacon, cookies)
                if result["non2xx"] or result["socket_errors"]:
                    raise SystemExit(f"{side.name}: errors in round {number}: {result}")
                if result["requests"] >= per_round:
                    raise SystemExit(f"{side.name}: more requests than new readers: {result}")
                rps[side.name].append(result["rps"])
                completed[side.name] += int(result["requests"])
                print(
                    f"round {number + 1} {side.name}: {result['rps']:7.0f} req/s  "
                    f"p50 {result['p50_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms",
                    flush=True,
                )
    finally:
        for side in sides:  # a graceful stop writes each worker's queue
            side.stop()
        for cookies in work.glob("*.txt"):  # tens of MB of reader cookies per run
            cookies.unlink()
    load_end = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    exact = {}
    for side in sides:
        after = side.counts()
        rise = [b - a for a, b in zip(side.before, after, strict=True)]
        in_flight = rise[0] - completed[side.name]
        slack = BEACON_CONNECTIONS * (args.rounds + 1)
        exact[side.name] = len(set(rise)) == 1 and 0 <= in_flight <= slack
        print(
            f"{side.name}: views +{rise[0]}, Hit rows +{rise[1]}, readers +{rise[2]}, "
            f"day views +{rise[3]}, visits +{rise[4]}; wrk completed {completed[side.name]} "
            f"(in flight at the rounds' ends: {in_flight}, at most {slack}); "
            f"exact: {'yes' if exact[side.name] else 'NO'}",
            flush=True,
        )
    a50, b50 = statistics.median(rps["A"]), statistics.median(rps["B"])
    print(f"median req/s A {a50:.0f} | B {b50:.0f} | B/A {b50 / a50:.3f}")
    print(f"load at start {load_start}; at end {load_end}")
    print("RESULT " + json.dumps({"rps": rps, "b_over_a": b50 / a50, "exact": exact}))
    if not all(exact.values()):
        raise SystemExit("a side's counts are not exact")


if __name__ == "__main__":
    sys.exit(main())
