"""The production-stack benchmark. Run it through bench/run.sh, which starts
PostgreSQL and Redis and exports DATABASE_URL and REDIS_URL.

    python bench/perf.py [--seconds 15] [--soak 600] [--output docs/performance.md]

Everything targets 127.0.0.1 and every load run is bounded in time. Steps:
1. production settings, migrate, demo content, collectstatic, renditions ahead of time;
2. SQL queries per page (Django test client, page cache off);
3. gunicorn (2 sync workers) with the page cache off: article (also one connection, for
   the server time), home, section, search, the counting endpoint (a new reader on every
   request);
4. gunicorn with the page cache on: the article from the app's cache, then through the
   deployed nginx config (deploy/nginx/, microcache), and nginx serving the saved HTML
   of the same article as a static file (the physical-limit reference); keep-alive off
   in nginx for both;
5. peak RSS of each worker; a pyinstrument profile of the uncached article;
6. optionally a soak: a steady mix of pages, beacons and searches for --soak seconds,
   counting errors and worker memory growth. Its result is kept in bench/last-soak.json
   and reported by later runs too; `--soak 600 --soak-only` runs the soak alone.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "deploy"))
from local_nginx import nginx_binary, render  # noqa: E402

PY = str(REPO / ".venv/bin/python")
GUNICORN = str(REPO / ".venv/bin/gunicorn")
WRK_SCRIPT = REPO / "bench/stats/wrk.lua"
MIX_SCRIPT = REPO / "bench/mix.lua"
SOAK_RESULTS = REPO / "bench/last-soak.json"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - 127.0.0.1
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {timeout}s")


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.work.chmod(0o755)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,.localhost",
            "SECURE_SSL_REDIRECT": "false",
            "STATS_READER_COOKIE_SECURE": "false",
            "MEDIA_ROOT": str(self.work / "media"),
            "STATIC_ROOT": str(self.work / "static"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESSLOG": "/dev/null",
            "GUNICORN_LOGLEVEL": "warning",
        }
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.gunicorn = None
        self.nginx = None
        self.results: dict[str, dict] = {}
        self.notes: dict[str, object] = {}

    # --- processes ------------------------------------------------------------------

    def manage(self, *args: str, env=None) -> str:
        result = subprocess.run(
            [PY, "manage.py", *args],
            cwd=REPO,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def start_gunicorn(self, **extra_env: str) -> None:
        env = {**self.env, **extra_env, "GUNICORN_WORKERS": "2"}
        env["GUNICORN_BIND"] = f"127.0.0.1:{self.port}"
        self.gunicorn = subprocess.Popen(
            [GUNICORN, "--config", "deploy/gunicorn.conf.py"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.work / "gunicorn.log", "ab"),  # noqa: SIM115
        )
        wait_http(self.base + "/healthz")

    def stop_gunicorn(self) -> None:
        self.gunicorn.send_signal(signal.SIGTERM)
        self.gunicorn.wait(timeout=60)
        self.gunicorn = None

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.gunicorn.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]

    def worker_memory(self, field: str) -> list[float]:
        """VmHWM (peak RSS) or VmRSS from /proc/PID/status, or Pss (the worker's share
        of memory, counting pages shared with the preloaded master once) from
        /proc/PID/smaps_rollup, for each worker, in MB."""
        source = "smaps_rollup" if field == "Pss" else "status"
        values = []
        for pid in self.worker_pids():
            text = Path(f"/proc/{pid}/{source}").read_text()
            kb = int(re.search(rf"{field}:\s+(\d+) kB", text).group(1))
            values.append(kb / 1024)
        return values

    def start_nginx(self, static_html: Path) -> tuple[str, str]:
        proxy_port, static_port = free_port(), free_port()
        static_root = self.work / "static-reference"
        static_root.mkdir()
        shutil.copy(static_html, static_root / "article.html")
        static_root.chmod(0o755)
        (static_root / "article.html").chmod(0o644)
        extra = (
            f"    server {{\n        listen 127.0.0.1:{static_port};\n"
            f"        root {static_root};\n    }}\n"
        )
        prefix = self.work / "nginx"
        config = render(
            prefix,
            f"127.0.0.1:{proxy_port}",
            f"127.0.0.1:{self.port}",
            static_root=self.work / "static",
            extra_server=extra,
        )
        self.nginx = subprocess.Popen(
            [nginx_binary(), "-p", str(prefix), "-c", str(config), "-g", "daemon off;"]
        )
        wait_http(f"http://127.0.0.1:{static_port}/article.html")
        return f"http://127.0.0.1:{proxy_port}", f"http://127.0.0.1:{static_port}/article.html"

    def stop_all(self) -> None:
        if self.gunicorn:
            self.stop_gunicorn()
        if self.nginx:
            self.nginx.send_signal(signal.SIGQUIT)
            self.nginx.wait(timeout=30)
            self.nginx = None

    # --- measuring ------------------------------------------------------------------

    def wrk(self, label: str, url: str, connections=16, threads=2, seconds=None, **env) -> dict:
        seconds = seconds or self.args.seconds
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
        command += ["-H", f"Host: {self.host}", "-s", str(WRK_SCRIPT), url]
        out = subprocess.run(
            command, env={**os.environ, **env}, capture_output=True, text=True, check=True
        ).stdout
        line = next(x for x in out.splitlines() if x.startswith("RESULT"))
        result = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
        self.results[label] = result
        print(
            f"{label:<28} {result['rps']:>9.0f} req/s  p50 {result['p50_ms']:.2f} ms"
            f"  p99 {result['p99_ms']:.2f} ms  non-2xx {result['non2xx']:.0f}",
            flush=True,
        )
        return result

    def load(self) -> str:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())

    def prepare(self) -> None:
        self.notes["load_start"] = self.load()
        print("preparing: migrate, demo content, static files, renditions", flush=True)
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_demo", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("prepare_renditions")
        info = json.loads(self.run_django(PREPARE_SNIPPET, str(self.work / "cookies.txt")))
        self.article, self.home, self.section = info["article"], info["home"], info["section"]
        # The portal holding the fixture report (a district of the demo): every page
        # measured is that portal's, asked for by its host name.
        self.host = info["host"]
        self.page_id = info["page_id"]
        self.notes["queries"] = info["queries"]
        self.notes["photos"] = info["photos"]

    def open(self, path: str):
        request = urllib.request.Request(self.base + path, headers={"Host": self.host})  # noqa: S310
        return urllib.request.urlopen(request)  # noqa: S310 - 127.0.0.1

    def run_django(self, code: str, *argv: str, env=None) -> str:
        result = subprocess.run(
            [PY, "-c", code, *argv],
            cwd=REPO,
            env={**self.env, "PAGE_CACHE_SECONDS": "0", **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise SystemExit(result.stderr)
        return result.stdout.strip().splitlines()[-1]

    def uncached(self) -> None:
        print("gunicorn, page cache off", flush=True)
        access_log = self.work / "access.log"
        self.start_gunicorn(
            PAGE_CACHE_SECONDS="0",
            GUNICORN_ACCESSLOG=str(access_log),
            GUNICORN_ACCESS_LOG_FORMAT="%(U)s %(D)s",
        )
        body = json.dumps({"page": self.page_id})
        for _ in range(20):
            self.open(self.article).read()  # warm-up
        self.wrk("article, uncached", self.base + self.article)
        logged = len(access_log.read_text().splitlines())
        self.wrk(
            "article, uncached, 1 connection",
            self.base + self.article,
            connections=1,
            threads=1,
        )
        # Server time: what gunicorn's workers measured for those requests (%(D)s).
        times = sorted(
            int(line.split()[1]) / 1000
            for line in access_log.read_text().splitlines()[logged:]
            if line.startswith(self.article)
        )
        self.notes["server_ms"] = {
            "p50": times[len(times) // 2],
            "p99": times[int(len(times) * 0.99)],
            "requests": len(times),
        }
        self.wrk("home page, uncached", self.base + self.home)
        self.wrk("section page, uncached", self.base + self.section)
        self.wrk("search page", self.base + "/search/?q=dai+hoi")
        self.wrk(
            "counting endpoint",
            self.base + "/stats/hit/",
            BENCH_BODY=body,
            BENCH_COOKIES=str(self.work / "cookies.txt"),
        )
        self.notes["rss_uncached"] = self.worker_memory("VmHWM")
        self.notes["pss_uncached"] = self.worker_memory("Pss")
        self.stop_gunicorn()

    def cached(self) -> None:
        print("gunicorn, page cache on; nginx in front", flush=True)
        self.start_gunicorn()
        saved = self.work / "article.html"
        with self.open(self.article) as response:
            saved.write_bytes(response.read())
        self.wrk("article, app cache", self.base + self.article)
        proxy, static = self.start_nginx(saved)
        self.wrk("article, nginx cache", proxy + self.article)
        self.wrk("static file (nginx)", static)
        self.notes["rss_cached"] = self.worker_memory("VmHWM")
        self.notes["pss_cached"] = self.worker_memory("Pss")
        self.notes["html_bytes"] = saved.stat().st_size
        self.stop_all()

    def profile(self) -> None:
        print("profiling the uncached article", flush=True)
        self.notes["profile"] = self.run_django(PROFILE_SNIPPET, self.article, self.host)

    def soak(self) -> None:
        seconds = self.args.soak
        print(f"soak: {seconds}s of a steady mix", flush=True)
        self.start_gunicorn(GUNICORN_MAX_REQUESTS="0")
        paths = [self.article, self.home, self.section, "/search/?q=ky+ket"]
        paths_file = self.work / "mix.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        warm = self.wrk_mix(30, paths_file)
        start = self.worker_memory("VmRSS")
        result = self.wrk_mix(seconds, paths_file)
        end = self.worker_memory("VmRSS")
        self.stop_gunicorn()
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        soak = {
            "seconds": seconds,
            "warm": warm,
            "result": result,
            "rss_start": start,
            "rss_end": end,
            "load_start": self.notes["load_start"],
            "load_end": self.load(),
            "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "commit": commit,
        }
        # Kept apart from the speed figures: a later run without --soak reports it too.
        SOAK_RESULTS.write_text(json.dumps(soak, indent=1))

    def wrk_mix(self, seconds: int, paths_file: Path) -> dict:
        command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-H", f"Host: {self.host}"]
        command += ["-s", str(MIX_SCRIPT)]
        env = {
            **os.environ,
            "BENCH_PATHS": str(paths_file),
            "BENCH_COOKIES": str(self.work / "cookies.txt"),
            "BENCH_PAGE": str(self.page_id),
            "BENCH_DELAY_MS": "40",
        }
        out = subprocess.run(
            [*command, self.base + "/"], env=env, capture_output=True, text=True, check=True
        ).stdout
        line = next(x for x in out.splitlines() if x.startswith("RESULT"))
        return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


PREPARE_SNIPPET = r"""
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from news.models import ArticlePage, NewsIndexPage
from stats.conf import conf
from stats.services import readers

from wagtail.models import Site
article = ArticlePage.objects.get(initial_view_count=161)
site_id, _root, article_path = article.get_url_parts()
site = Site.objects.get(pk=site_id)
section = NewsIndexPage.objects.live().child_of(site.root_page).first()
section_path = section.get_url_parts()[2]
host = "127.0.0.1" if site.is_default_site else site.hostname
client = Client(HTTP_HOST=host)
queries = {}
for label, url in [("article", article_path), ("home", "/"), ("section", section_path),
                   ("search", "/search/?q=dai+hoi")]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    queries[label] = len(ctx.captured_queries)
with open(sys.argv[1], "w") as out:
    for _ in range(200000):
        out.write(f"{conf().reader_cookie}={readers.signed(readers.mint_reader())}\n")
photos = sum(1 for b in article.body if b.block_type == "captioned_image" and b.value["image"])
print(json.dumps({"article": article_path, "home": "/", "section": section_path, "host": host,
                  "page_id": article.pk, "queries": queries, "photos": photos}))
"""

PROFILE_SNIPPET = r"""
import json, sys, time
import django
django.setup()
from django.test import Client
from pyinstrument import Profiler
client = Client(HTTP_HOST=sys.argv[2])
client.get(sys.argv[1])
profiler = Profiler(interval=0.0005)
profiler.start()
started = time.perf_counter()
for _ in range(100):
    client.get(sys.argv[1])
elapsed = time.perf_counter() - started
profiler.stop()
text = profiler.output_text(unicode=False, color=False, show_all=False)
print(json.dumps(f"{elapsed * 10:.1f} ms per render under the profiler\n" + text))
"""


LIMITS = """
## What limits each figure

* **Through nginx's cache** the app is not involved: nginx answers from its cache zone
  (a key lookup and a file it keeps in the page cache), so it runs close to nginx serving
  the same bytes as a file. Both are bound by nginx and wrk sharing the two cores.
* **From the app's cache** every request still passes Django's middleware (security
  headers, whitenoise, sessions untouched) and one Redis round trip (`get_many` of the
  entry and the site-wide generation) in a Python sync worker; two workers, Redis and
  wrk share two cores. The nginx microcache in front is the way past it.
* **The uncached article** is CPU in the worker (profile below): rendering the
  templates (the page, StreamField blocks, the SEO metadata and JSON-LD) and the SQL
  round trips with their ORM compilation (the queries counted above: the page and its
  ancestors by URL path, the specific page, view restrictions, the photos, tags, authors,
  related articles; the section menu and the view count come from Redis). Wagtail's own
  routing took five queries and its restriction check two more before portal/routing.py;
  the Site lookup is remembered in Redis. Photos cost no query for renditions (a
  per-process memo of `<picture>` sources).
* **Worker memory** is mostly code: Python, Django, Wagtail with its admin (the same
  workers serve editors), DRF for the API, psycopg and redis-py, about 103 MB when a
  worker forks from the preloaded master. Measured here without ELASTICSEARCH_URL; with
  it the Elasticsearch client (imported at start-up only then) adds about 10 MB of RSS
  per worker (9.8 MB measured by importing the app with and without it), shared with
  the master copy-on-write.
* **The counting endpoint** is one Redis round trip and, for a counted view, a queued
  row that a per-process thread writes in batches: see docs/stats.md.
"""


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:.3f}" if reference else "-"


def report(bench: Bench) -> str:
    r, n = bench.results, bench.notes
    static = r["static file (nginx)"]["rps"]
    lines = [
        "# Performance",
        "",
        "Measured by `bash bench/run.sh` on this machine: "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, production settings "
        "with PostgreSQL and Redis (started by scripts/services.sh), gunicorn with 2 sync "
        f"workers, `wrk -t2 -c16 -d{bench.args.seconds}s --latency` on 127.0.0.1. The article "
        f"is the imported fixture report with {n['photos']} photos "
        f"({n['html_bytes']:,} bytes of HTML). nginx runs the deployed locations "
        "(deploy/nginx/portal-locations.conf) with keep-alive off; the static reference is the "
        "same nginx serving the article's saved HTML as a file. Load average (1, 5, 15 min) "
        f"at the start: {n['load_start']}; at the end: {n['load_end']} (other work on the "
        "machine inflates latencies).",
        "",
        "The benchmark writes this file whole; comparisons between runs and same-moment A/B "
        "measurements are kept in [performance-history.md](performance-history.md).",
        "",
        "| what | req/s | p50 ms | p99 ms | non-2xx | ratio to static |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, result in r.items():
        lines.append(
            f"| {label} | {result['rps']:.0f} | {result['p50_ms']:.2f} | "
            f"{result['p99_ms']:.2f} | {result['non2xx']:.0f} | {ratio(result['rps'], static)} |"
        )
    server_time = n["server_ms"]["p50"]
    rss = n["rss_uncached"] + n["rss_cached"]
    goals = [
        (
            "cached through nginx ≥ 0.5 of static",
            r["article, nginx cache"]["rps"] / static >= 0.5,
            ratio(r["article, nginx cache"]["rps"], static),
        ),
        (
            "cached in the app ≥ 0.1 of static",
            r["article, app cache"]["rps"] / static >= 0.1,
            ratio(r["article, app cache"]["rps"], static),
        ),
        (
            "uncached article < 15 ms server time at the median",
            server_time < 15,
            f"{server_time:.2f} ms (gunicorn's own request time over "
            f"{n['server_ms']['requests']} requests on one connection; p99 "
            f"{n['server_ms']['p99']:.2f} ms; wrk saw p50 "
            f"{r['article, uncached, 1 connection']['p50_ms']:.2f} ms with a new TCP connection "
            "per request)",
        ),
        ("worker RSS < 120 MB (peak)", max(rss) < 120, f"{max(rss):.1f} MB"),
    ]
    lines += ["", "## Goals", "", "| goal | met | measured |", "| --- | --- | --- |"]
    lines += [f"| {goal} | {'yes' if ok else 'NO'} | {value} |" for goal, ok, value in goals]
    lines += [
        "",
        "## Memory and SQL",
        "",
        "Peak RSS (VmHWM) per worker: page cache off "
        + ", ".join(f"{x:.1f}" for x in n["rss_uncached"])
        + " MB; page cache on "
        + ", ".join(f"{x:.1f}" for x in n["rss_cached"])
        + " MB. Proportional set size (shared pages of the preloaded app counted once "
        "across master and workers): "
        + ", ".join(f"{x:.1f}" for x in n["pss_uncached"] + n["pss_cached"])
        + " MB.",
        "",
        "SQL queries per page (uncached, anonymous): "
        + ", ".join(f"{k} {v}" for k, v in n["queries"].items())
        + ". The test suite pins the maxima (news/tests/test_query_counts.py).",
        "",
        *LIMITS.strip().splitlines(),
    ]
    if SOAK_RESULTS.exists():
        soak = json.loads(SOAK_RESULTS.read_text())
        result = soak["result"]
        growth = [
            (end - start) / start * 100
            for start, end in zip(soak["rss_start"], soak["rss_end"], strict=False)
        ]
        lines += [
            "",
            "## Soak",
            "",
            f"From `bash bench/run.sh --soak {soak['seconds']}` at {soak['finished']} "
            f"(commit {soak['commit']}; load average {soak['load_start']} at the start, "
            f"{soak['load_end']} at the end; the soak checks errors and memory growth, "
            "not speed, so it may share the machine with other work):",
            "",
            f"{soak['seconds']} s at a steady rate (8 connections, each waiting 40 ms between "
            "requests) of a mix: the article, home, a section and a search, each followed by a "
            "beacon from a new reader; gunicorn with the page cache on and worker recycling "
            f"off (max_requests=0). {result['requests']:.0f} requests, "
            f"{result['rps']:.0f} req/s, p50 {result['p50_ms']:.2f} ms, "
            f"p99 {result['p99_ms']:.2f} ms, non-2xx {result['non2xx']:.0f}, socket errors "
            f"{result['socket_errors']:.0f}. Worker RSS after a 30 s warm-up: "
            + ", ".join(f"{x:.1f}" for x in soak["rss_start"])
            + " MB; at the end: "
            + ", ".join(f"{x:.1f}" for x in soak["rss_end"])
            + " MB (growth "
            + ", ".join(f"{g:+.1f}%" for g in growth)
            + ").",
        ]
    profile = json.loads(n["profile"])
    lines += [
        "",
        "## Where the uncached article's time goes",
        "",
        "pyinstrument over 100 renders of the article through the Django test client "
        "(page cache off), trimmed:",
        "",
        "```",
        *profile.strip().splitlines()[:60],
        "```",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--soak", type=int, default=0, help="soak duration in seconds")
    parser.add_argument(
        "--soak-only", action="store_true", help="prepare, then only the soak (with --soak)"
    )
    parser.add_argument("--output", type=Path, default=REPO / "docs/performance.md")
    parser.add_argument(
        "--profile-only", action="store_true", help="prepare, then print the profile only"
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite --output from bench/last-run.json and bench/last-soak.json",
    )
    args = parser.parse_args()
    bench = Bench(args)
    if args.report_only:
        saved = json.loads((REPO / "bench/last-run.json").read_text())
        bench.results, bench.notes = saved["results"], saved["notes"]
        bench.args.seconds = saved.get("seconds", bench.args.seconds)
        args.output.write_text(report(bench))
        shutil.rmtree(bench.work, ignore_errors=True)
        return
    if args.profile_only:
        bench.prepare()
        print(json.loads(bench.run_django(PROFILE_SNIPPET, bench.article)))
        print(json.dumps(bench.notes["queries"]))
        shutil.rmtree(bench.work, ignore_errors=True)
        return
    if args.soak_only:
        if not args.soak:
            parser.error("--soak-only needs --soak SECONDS")
        try:
            bench.prepare()
            bench.soak()
        finally:
            bench.stop_all()
        print(SOAK_RESULTS.read_text())
        shutil.rmtree(bench.work, ignore_errors=True)
        return
    try:
        bench.prepare()
        bench.uncached()
        bench.cached()
        bench.profile()
        if args.soak:
            bench.soak()
    finally:
        bench.stop_all()
    bench.notes["load_end"] = bench.load()
    text = report(bench)
    args.output.write_text(text)
    (REPO / "bench/last-run.json").write_text(
        json.dumps(
            {"results": bench.results, "notes": bench.notes, "seconds": args.seconds}, indent=1
        )
    )
    print(text)
    shutil.rmtree(bench.work, ignore_errors=True)


if __name__ == "__main__":
    main()
