"""The scale-out drill: the portal keeps serving while an app server and an
Elasticsearch node die under load.

Runs inside `scripts/services.sh run postgres redis elasticsearch` with ES_NODES=2
(bench/drill.sh does that). On 127.0.0.1 only:

- two gunicorn app servers (deploy/gunicorn.conf.py, production settings, separate
  masters and ports) behind nginx with the deployed locations (deploy/local_nginx.py)
  and an upstream of both;
- PostgreSQL, Redis and a two-node Elasticsearch cluster, the index at 1 replica;
- for a bounded time: readers fetching articles (a quarter with a session cookie, so
  nginx's microcache does not hide the app servers), readers searching, new readers
  sending the counting beacon (each from its own loopback address: the 428 dance, the
  counted view, then a repeat that must not count) and an editor publishing revisions;
- mid-run: SIGKILL of one app server (master and workers), later of one Elasticsearch
  node, which is then started again with its data.

It reports every failed request, the counted answers against the counters' rise in
PostgreSQL, search answers while the node is gone and the time until the cluster is
green again. `python -m bench.drill.run --help` for the timings.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PY = str(REPO / ".venv/bin/python")
GUNICORN = str(REPO / ".venv/bin/gunicorn")
sys.path.insert(0, str(REPO / "deploy"))

from local_nginx import nginx_binary, render, upstream_servers  # noqa: E402

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
READER_COOKIE = "portal_reader"  # STATS_READER_COOKIE's default
# nginx's access log in the drill: which app server answered, and whether nginx had to
# try the other one.
LOG_FORMAT = (
    "log_format drill '$msec $remote_addr $request_method $uri $status "
    '"$upstream_addr" "$upstream_status"\';\n'
    "    access_log logs/access.log drill;"
)


class DrillError(RuntimeError):
    """A part of the stack could not start: the drill stops, loudly."""


@dataclass
class Plan:
    """When things happen, in seconds from the start of the traffic."""

    seconds: float = 120
    kill_app_at: float = 25
    restart_app_at: float | None = 45
    kill_es_at: float = 55
    restart_es_at: float | None = 80
    green_timeout: float = 300
    article_threads: int = 3
    search_threads: int = 2
    beacon_threads: int = 3
    workers: int = 2
    editor_every: float = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def loopback(n: int) -> str:
    """The n-th reader's own address in 127.0.0.0/8 (never 127.0.0.1): nginx sees a
    distinct client for each, as it would on the internet."""
    return f"127.{1 + n // 65025 % 250}.{1 + n // 255 % 255}.{1 + n % 255}"


def wait_until(check, what: str, limit: float, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise DrillError(f"{what} exited with {process.returncode}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            result = check()
            if result:
                return result
        time.sleep(0.2)
    raise DrillError(f"{what} not ready after {limit:.0f} s")


def http_get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Event:
    at: float
    kind: str
    status: int  # 0: no answer (connection failed)
    detail: str = ""


@dataclass
class Beacons:
    counted: int = 0  # 200 answers saying "counted"
    visits: int = 0  # readers whose counted view also started a visit (every new reader)
    repeats_counted: int = 0  # a repeat answered "counted": a double count
    unanswered: int = 0  # the counted request got no 200 (in flight on a killed server)
    wrong: list[str] = field(default_factory=list)
    answers: list[tuple[str, float]] = field(default_factory=list)  # (reader address, at)
    unanswered_readers: list[str] = field(default_factory=list)


class Traffic:
    """Readers, searchers and new readers' beacons, each kind in its own threads."""

    def __init__(self, base_port: int, articles: list[dict], words: list[str], plan: Plan):
        self.port, self.articles, self.words, self.plan = base_port, articles, words, plan
        self.events: list[Event] = []
        self.beacons = Beacons()
        self.search_hits: list[tuple[float, int, int]] = []  # (at, status, results)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.start = 0.0
        self.readers = itertools.count(1)

    def now(self) -> float:
        return time.monotonic() - self.start

    def request(self, method, path, source, headers=None, body=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        except http.client.HTTPException as exc:
            # A server killed mid-answer cuts the response (IncompleteRead, no status
            # line): for a reader that is a dropped connection, and the loops count it so.
            raise ConnectionError(repr(exc)) from exc
        finally:
            connection.close()

    def record(self, kind: str, status: int, detail: str = "") -> None:
        with self.lock:
            self.events.append(Event(round(self.now(), 3), kind, status, detail))

    def articles_loop(self, n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - traffic shape, not a secret
        source = loopback(10_000 + n)
        while not self.stop.is_set():
            article = rng.choice(self.articles)
            url = article["url"]
            bypass = rng.random() < 0.25
            headers = {"User-Agent": BROWSER_UA, "Host": article["host"]}
            if bypass:  # a signed-in reader: nginx's microcache does not answer it
                headers["Cookie"] = "sessionid=drill-reader"
            try:
                status, _, body = self.request("GET", url, source, headers)
                ok = status == 200 and b"</html>" in body
                self.record("article", status, "" if ok else body[:120].decode(errors="replace"))
            except OSError as exc:
                self.record("article", 0, repr(exc))

    def search_loop(self, n: int) -> None:
        rng = random.Random(100 + n)  # noqa: S311
        source = loopback(20_000 + n)
        while not self.stop.is_set():
            # The words come from every portal's titles: asked on the province (the default
            # site, 127.0.0.1) across the whole province ("Toàn tỉnh").
            query = urllib.parse.urlencode({"q": rng.choice(self.words), "site": "all"})
            # A fresh query string each time: the microcache must not answer for search.
            path = f"/search/?{query}&r={rng.randrange(10**9)}"
            try:
                status, _, body = self.request("GET", path, source, {"User-Agent": BROWSER_UA})
                results = body.count(b'class="search-result"')
                self.record("search", status)
                with self.lock:
                    self.search_hits.append((round(self.now(), 3), status, results))
            except OSError as exc:
                self.record("search", 0, repr(exc))

    def beacon(self, source: str, page: int, cookie: str | None):
        headers = {
            "User-Agent": BROWSER_UA,
            "Content-Type": "application/json",
            "Sec-Fetch-Site": "same-origin",
        }
        if cookie:
            headers["Cookie"] = cookie
        status, response_headers, body = self.request(
            "POST", "/stats/hit/", source, headers, json.dumps({"page": page})
        )
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        return status, response_headers, answer

    def beacons_loop(self, n: int) -> None:
        rng = random.Random(200 + n)  # noqa: S311
        while not self.stop.is_set():
            source = loopback(next(self.readers) * 7 + 100_000)
            page = rng.choice(self.articles)["id"]
            try:
                status, headers, _ = self.beacon(source, page, None)
            except OSError as exc:
                self.record("beacon", 0, repr(exc))
                continue
            self.record("beacon", status)
            cookies = [v for k, v in headers if k.lower() == "set-cookie" and READER_COOKIE in v]
            if status != 428 or not cookies:
                continue
            cookie = cookies[0].split(";", 1)[0]
            try:
                status, _, answer = self.beacon(source, page, cookie)
            except OSError as exc:
                status, answer = 0, {"error": repr(exc)}
            self.record("beacon", status)
            with self.lock:
                if status == 200 and answer.get("reason") == "counted":
                    self.beacons.counted += 1
                    self.beacons.visits += 1
                    self.beacons.answers.append((source, round(self.now(), 3)))
                elif status == 200:
                    self.beacons.wrong.append(f"first beacon of a new reader: {answer}")
                else:
                    self.beacons.unanswered += 1
                    self.beacons.unanswered_readers.append(source)
                    continue
            try:
                status, _, answer = self.beacon(source, page, cookie)
            except OSError as exc:
                self.record("beacon", 0, repr(exc))
                continue
            self.record("beacon", status)
            if status == 200 and answer.get("counted"):
                with self.lock:
                    self.beacons.repeats_counted += 1

    def run_threads(self) -> list[threading.Thread]:
        self.start = time.monotonic()
        threads = []
        for target, count in (
            (self.articles_loop, self.plan.article_threads),
            (self.search_loop, self.plan.search_threads),
            (self.beacons_loop, self.plan.beacon_threads),
        ):
            for n in range(count):
                thread = threading.Thread(target=target, args=(n,), daemon=True)
                thread.start()
                threads.append(thread)
        return threads


class Stack:
    """The processes the drill starts (and stops): app servers, nginx, the editor."""

    def __init__(self, work: Path, plan: Plan):
        self.work, self.plan = work, plan
        missing = [
            name
            for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SERVICES_ES_NODES")
            if not os.environ.get(name)
        ]
        if missing:
            raise DrillError(
                f"{', '.join(missing)} not set: run under ES_NODES=2 scripts/services.sh "
                "run postgres redis elasticsearch (bench/drill.sh does)"
            )
        if int(os.environ["SERVICES_ES_NODES"]) < 2:
            raise DrillError("the drill needs an Elasticsearch cluster: ES_NODES=2")
        # A database and a Redis database of the drill's own: whatever else runs on these
        # servers (the rest of the test suite) neither sees nor disturbs its pages.
        self.database = f"drill_{secrets.token_hex(4)}"
        database_url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        self.admin_url = database_url.geturl()
        redis_url = urllib.parse.urlsplit(os.environ["REDIS_URL"])
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url._replace(path="/" + self.database).geturl(),
            "REDIS_URL": redis_url._replace(path="/5").geturl(),
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,.localhost",
            "SECURE_SSL_REDIRECT": "false",
            "STATS_READER_COOKIE_SECURE": "false",
            "TRUSTED_PROXY_COUNT": "1",
            "SEARCH_ES_REPLICAS": "1",
            "SEARCH_ES_INDEX": "drill-archive",
            "MEDIA_ROOT": str(work / "media"),
            "STATIC_ROOT": str(work / "static"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        self.apps: dict[int, tuple[subprocess.Popen, int]] = {}
        self.nginx: subprocess.Popen | None = None
        self.nginx_prefix: Path | None = None
        self.editor: subprocess.Popen | None = None
        self.es_restarted: list[subprocess.Popen] = []
        self.port = 0
        self.created_database = False

    # -- Django side
    def site(self, *args: str) -> dict:
        """Run bench/drill/site.py with the app servers' settings; its JSON answer."""
        result = subprocess.run(
            [PY, "-m", "bench.drill.site", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if result.returncode:
            raise DrillError(f"bench.drill.site {args[0]} failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def sql(self, statement: str) -> None:
        import psycopg  # the database driver the portal uses

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def prepare(self, log) -> dict:
        self.sql(f'CREATE DATABASE "{self.database}"')
        self.created_database = True
        log("migrate, demo content (indexed as it is published), static files")
        prepared = self.site("prepare")
        log(f"prepared in {prepared['stages_s']} s")
        return prepared

    # -- app servers
    def start_app(self, n: int, port: int | None = None, wait: bool = True) -> int:
        port = port or free_port()
        env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(self.plan.workers),
            "GUNICORN_ACCESSLOG": "/dev/null",
        }
        with open(self.work / f"app{n}.log", "ab") as log:
            process = subprocess.Popen(
                [GUNICORN, "--config", "deploy/gunicorn.conf.py"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: master and workers
            )
        self.apps[n] = (process, port)
        if wait:
            self.wait_app(n)
        return port

    def wait_app(self, n: int) -> None:
        process, port = self.apps[n]
        wait_until(
            lambda: http_get(f"http://127.0.0.1:{port}/healthz")[0] == 200,
            f"app server {n} (see {self.work}/app{n}.log)",
            120,
            process,
        )

    def kill_app(self, n: int) -> list[int]:
        """SIGKILL to the master and every worker at once: a machine lost, no goodbye."""
        process, _ = self.apps[n]
        pids = [process.pid, *children(process.pid)]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
        return pids

    def stop_apps(self) -> None:
        """SIGTERM: each worker writes its queued counts before it exits."""
        for process, _ in self.apps.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, _ in self.apps.values():
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    # -- nginx
    def start_nginx(self) -> int:
        self.port = free_port()
        # Outside the work tree's private folders: nginx workers run as nobody.
        self.nginx_prefix = Path(tempfile.mkdtemp(prefix="portal-drill-nginx-"))
        upstreams = [f"127.0.0.1:{port}" for _, port in self.apps.values()]
        config = render(
            self.nginx_prefix, f"127.0.0.1:{self.port}", upstreams, static_root=self.work / "static"
        )
        text = config.read_text()
        config.write_text(text.replace("    access_log off;", "    " + LOG_FORMAT, 1))
        self.nginx = subprocess.Popen(
            [nginx_binary(), "-p", str(self.nginx_prefix), "-c", str(config), "-g", "daemon off;"],
            stderr=open(self.work / "nginx.log", "ab"),  # noqa: SIM115 - closed with the process
        )
        wait_until(
            lambda: http_get(f"http://127.0.0.1:{self.port}/healthz")[0] == 200,
            f"nginx (see {self.work}/nginx.log)",
            30,
            self.nginx,
        )
        return self.port

    def nginx_log(self) -> list[str]:
        path = self.nginx_prefix / "logs/access.log"
        return path.read_text().splitlines() if path.exists() else []

    # -- the editor
    def start_editor(self, seconds: float) -> None:
        self.editor = subprocess.Popen(
            [PY, "-m", "bench.drill.site", "editor", str(seconds)]
            + ["--every", str(self.plan.editor_every)],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=open(self.work / "editor.log", "ab"),  # noqa: SIM115
            text=True,
        )

    def editor_result(self) -> dict:
        out, _ = self.editor.communicate(timeout=300)
        if self.editor.returncode:
            tail = (self.work / "editor.log").read_text()[-3000:]
            raise DrillError(f"the editor failed:\n{tail}")
        return json.loads(out.strip().splitlines()[-1])

    # -- Elasticsearch
    @staticmethod
    def es_node(n: int, what: str) -> str:
        return os.environ[f"SERVICES_ES_NODE{n}_{what}"]

    def kill_es(self, n: int) -> list[int]:
        """SIGKILL to the node's server JVM and its launcher."""
        pid = int(Path(self.es_node(n, "PIDFILE")).read_text().strip())
        pids = [pid]
        parent = parent_of(pid)
        if parent and "elasticsearch" in cmdline(parent):
            pids.append(parent)
        for target in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(target, signal.SIGKILL)
        return pids

    def restart_es(self, n: int) -> None:
        with open(self.es_node(n, "LOG"), "ab") as log:
            self.es_restarted.append(
                subprocess.Popen(
                    ["bash", self.es_node(n, "START")],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )
            )

    def stop(self) -> None:
        if self.editor and self.editor.poll() is None:
            self.editor.kill()
            self.editor.wait()
        self.stop_apps()
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
            self.nginx.wait(30)
        if self.nginx_prefix:
            shutil.rmtree(self.nginx_prefix, ignore_errors=True)
        if self.created_database:
            self.sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        # Restarted Elasticsearch nodes are stopped by services.sh (their pid files).


def children(pid: int) -> list[int]:
    found = []
    for path in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if parent_of(int(path.parent.name)) == pid:
                found.append(int(path.parent.name))
    return found


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Health:
    """The health of the portal's index, sampled from node 1 while the drill runs. The
    index's own health, not the whole cluster's: other indexes on the same cluster (a test
    session's, kept without replicas) say nothing about whether the portal's search
    lost a shard."""

    def __init__(self, url: str, traffic: Traffic, index: str):
        self.url, self.traffic, self.index = url, traffic, index
        self.samples: list[tuple[float, str, int]] = []  # (at, status, nodes)
        self.stop = threading.Event()

    def sample(self) -> tuple[str, int]:
        status, body = http_get(f"{self.url}/_cluster/health/{self.index}", timeout=10)
        health = json.loads(body)
        return health["status"], health["number_of_nodes"]

    def loop(self) -> None:
        while not self.stop.wait(0.25):
            try:
                status, nodes = self.sample()
            except (OSError, ValueError, KeyError, http.client.HTTPException):
                status, nodes = "unreachable", 0
            self.samples.append((round(self.traffic.now(), 3), status, nodes))

    def back_since(self, marks: dict) -> float | None:
        """From when the restarted node can count as back: once it was restarted and
        the cluster had seen it gone (the master notices a killed node a little later)."""
        gone = self.first(marks["es_killed"], None, 1)
        if "es_restarted" not in marks or gone is None:
            return None
        return max(marks["es_restarted"], gone)

    def first(self, after: float, status: str | None, nodes: int | None = None) -> float | None:
        """When the cluster was first seen in this status (any, if None) with this many
        nodes (any, if None) from `after` on."""
        for at, seen, count in self.samples:
            if at < after or (status is not None and seen != status):
                continue
            if nodes is None or count == nodes:
                return at
        return None


def run(plan: Plan, work: Path, log=print) -> dict:
    """Start the stack, run the traffic and the failures; return the figures."""
    stack = Stack(work, plan)
    result: dict = {"plan": asdict(plan), "load_start": os.getloadavg()}
    try:
        prepared = stack.prepare(log)
        stack.start_app(1, wait=False)
        stack.start_app(2, wait=False)
        stack.wait_app(1)
        stack.wait_app(2)
        log("app servers ready")
        port = stack.start_nginx()
        log(f"nginx on 127.0.0.1:{port} -> app servers {[p for _, p in stack.apps.values()]}")
        es_url = os.environ["ELASTICSEARCH_URL"]
        status, body = http_get(f"{es_url}/drill-archive/_settings")
        replicas = json.loads(body).popitem()[1]["settings"]["index"]["number_of_replicas"]
        result["index_replicas"] = int(replicas)
        # Both copies of the index must be in place before a node may die.
        wait_until(
            lambda: (
                json.loads(http_get(f"{es_url}/_cluster/health/drill-archive", timeout=10)[1])[
                    "status"
                ]
                == "green"
            ),
            "Elasticsearch cluster green (index and its replica allocated)",
            180,
        )

        traffic = Traffic(port, prepared["articles"], prepared["words"], plan)
        health = Health(es_url, traffic, "drill-archive")
        stack.start_editor(plan.seconds)
        threads = traffic.run_threads()
        monitor = threading.Thread(target=health.loop, daemon=True)
        monitor.start()
        marks: dict[str, float] = {}

        def at(moment: float) -> None:
            delay = moment - traffic.now()
            if delay > 0:
                time.sleep(delay)

        at(plan.kill_app_at)
        marks["app_killed"] = traffic.now()
        result["app_killed_pids"] = stack.kill_app(1)
        log(f"{marks['app_killed']:6.1f} s  SIGKILL app server 1 {result['app_killed_pids']}")
        if plan.restart_app_at is not None:
            at(plan.restart_app_at)
            marks["app_restarting"] = traffic.now()
            stack.start_app(1, port=stack.apps[1][1])
            marks["app_back"] = traffic.now()
            log(f"{marks['app_back']:6.1f} s  app server 1 answers again")
        at(plan.kill_es_at)
        marks["es_killed"] = traffic.now()
        result["es_killed_pids"] = stack.kill_es(2)
        log(f"{marks['es_killed']:6.1f} s  SIGKILL Elasticsearch node 2 {result['es_killed_pids']}")
        if plan.restart_es_at is not None:
            at(plan.restart_es_at)
            marks["es_restarted"] = traffic.now()
            stack.restart_es(2)
            log(f"{marks['es_restarted']:6.1f} s  Elasticsearch node 2 started again")
        at(plan.seconds)
        traffic.stop.set()
        for thread in threads:
            thread.join(60)
        marks["traffic_end"] = traffic.now()
        log(f"{marks['traffic_end']:6.1f} s  traffic stopped")
        deadline = time.monotonic() + plan.green_timeout
        while (back := health.back_since(marks)) is None or not health.first(back, "green", 2):
            if "es_restarted" not in marks or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        health.stop.set()
        monitor.join(5)
        result["editor"] = stack.editor_result()
        result["journals"] = wait_for_journals(stack, marks, traffic)
        log(f"{marks['journals_empty']:6.1f} s  journals written: {result['journals']}")
        stack.stop_apps()  # graceful: the survivors write their queues
        counts = stack.site("counts")
        result["marks"] = {k: round(v, 2) for k, v in marks.items()}
        ports = {port: n for n, (_, port) in stack.apps.items()}
        result.update(
            summarize(traffic, health, marks, prepared, counts, stack.nginx_log(), work, ports)
        )
    finally:
        stack.stop()
        result["load_end"] = os.getloadavg()
    return result


# The app servers' journal heartbeat and replay interval (STATS_JOURNAL_TTL_SECONDS and
# STATS_RECOVER_SECONDS, their defaults), plus a margin for a loaded machine.
JOURNAL_WAIT_S = 15 + 5 + 20


def wait_for_journals(stack, marks: dict, traffic) -> dict:
    """Wait (bounded) until no journal in Redis holds an entry: the killed server's
    counted views and visits, journaled by the Lua call that answered them, are written
    by the surviving server's writer threads once the killed workers' heartbeats expire."""
    deadline = max(marks["app_killed"] + JOURNAL_WAIT_S, traffic.now() + 5)
    state = stack.site("journals")
    while state["entries"] and traffic.now() < deadline:
        time.sleep(1)
        state = stack.site("journals")
    marks["journals_empty"] = traffic.now()
    return state


def window(marks: dict, at: float) -> str:
    if at < marks["app_killed"]:
        return "steady"
    if at < marks.get("app_back", marks["es_killed"]):
        return "app server 1 down"
    if at < marks["es_killed"]:
        return "both app servers"
    if at < marks.get("es_restarted", float("inf")):
        return "ES node 2 down"
    return "ES node 2 recovering"


def nginx_max_fails() -> int:
    """The deployed upstream's max_fails: how many errors nginx takes from an app server
    before it stops sending it requests (for fail_timeout)."""
    match = re.search(r"max_fails=(\d+)", upstream_servers(["127.0.0.1:1"]))
    return int(match.group(1)) if match else 1


def parse_nginx(lines: list[str], ports: dict[int, int]):
    """(requests nginx passed to the other app server, upstream errors, the app server
    that gave each reader address its first counted answer, the app servers each beacon
    answered 502 was sent to)."""
    retried, upstream_errors, answered_by = Counter(), Counter(), {}
    beacon_502_sent_to = Counter()
    for line in lines:
        quoted = line.split('"')
        fields = quoted[0].split()
        if len(quoted) < 4 or len(fields) < 5:
            continue
        _, address, method, uri, status = fields[:5]
        upstream, upstream_status = quoted[1], quoted[3]
        if "," in upstream:
            retried[f"{method} /{uri.split('/')[1]}/"] += 1
        if "502" in upstream_status or "504" in upstream_status:
            upstream_errors[f"{method} {upstream_status}"] += 1
        if method == "POST" and status == "200" and address not in answered_by:
            last = upstream.split(",")[-1].strip()
            answered_by[address] = ports.get(int(last.rsplit(":", 1)[1])) if ":" in last else None
        if method == "POST" and status == "502":
            servers = [
                str(ports.get(int(u.rsplit(":", 1)[1]))) if ":" in u else u.strip()
                for u in upstream.split(",")
            ]
            beacon_502_sent_to[",".join(servers)] += 1
    return retried, upstream_errors, answered_by, beacon_502_sent_to


def summarize(traffic, health, marks, prepared, counts, nginx_lines, work, ports) -> dict:
    by_window: dict[str, Counter] = {}
    failures = []
    expected = {"article": {200}, "search": {200}, "beacon": {200, 428}}
    for event in traffic.events:
        name = window(marks, event.at)
        by_window.setdefault(name, Counter())[f"{event.kind} {event.status}"] += 1
        if event.status not in expected[event.kind]:
            failures.append(asdict(event))
    es_end = marks.get("es_restarted", marks["traffic_end"])
    es_down = [s for s in traffic.search_hits if marks["es_killed"] <= s[0] < es_end]
    yellow = health.first(marks["es_killed"], "yellow", 1)
    back = health.back_since(marks)
    green = health.first(back, "green", 2) if back is not None else None
    rejoined = health.first(back, None, 2) if back is not None else None
    retried, upstream_errors, answered_by, beacon_502_sent_to = parse_nginx(nginx_lines, ports)
    fallbacks = sum(
        (work / f"app{n}.log").read_text(errors="replace").count("answering from the database")
        for n in (1, 2)
    )
    # The surviving server's writers log each replay of a dead worker's journal.
    replayed = sum(
        int(n)
        for k in (1, 2)
        for n in re.findall(
            r"wrote (\d+) views and visits journaled by dead processes",
            (work / f"app{k}.log").read_text(errors="replace"),
        )
    )
    rise = {key: counts[key] - prepared[key] for key in ("views", "hit_rows", "visits")}
    # Reader by reader: each has its own address, so the Hit rows say whose view the
    # database holds.
    held = counts["hit_ips"]
    lost = [
        {"reader": ip, "at": at, "server": answered_by.get(ip)}
        for ip, at in traffic.beacons.answers
        if ip not in held
    ]
    unanswered_counted = [ip for ip in traffic.beacons.unanswered_readers if ip in held]
    answered = Counter(answered_by.get(ip) for ip, _ in traffic.beacons.answers)
    return {
        "requests": {name: dict(sorted(c.items())) for name, c in by_window.items()},
        "failures": failures,
        "beacons": {
            k: v
            for k, v in asdict(traffic.beacons).items()
            if k not in ("answers", "unanswered_readers")
        },
        "counted_answers_by_server": {str(k): v for k, v in answered.items()},
        "counter_rise": rise,
        "journal_replayed": replayed,
        "lost_views": traffic.beacons.counted - rise["views"],
        "lost_hit_rows": traffic.beacons.counted - rise["hit_rows"],
        "lost_visits": traffic.beacons.visits - rise["visits"],
        "lost_readers": lost,
        "counted_without_answer": len(unanswered_counted),
        "readers_counted_twice": sum(1 for n in held.values() if n > 1),
        "readers_in_database": len(held),
        "search_while_es_node_down": {
            "answers": len(es_down),
            "statuses": dict(Counter(str(s[1]) for s in es_down)),
            "with_results": sum(1 for s in es_down if s[2] > 0),
        },
        "search_fallbacks_to_database": fallbacks,
        "cluster": {
            "yellow_after_kill_s": None
            if yellow is None
            else round(yellow - marks["es_killed"], 2),
            "node_back_after_restart_s": None
            if rejoined is None
            else round(rejoined - marks["es_restarted"], 2),
            "green_after_restart_s": None
            if green is None
            else round(green - marks["es_restarted"], 2),
            "statuses_seen": dict(Counter(s[1] for s in health.samples)),
        },
        "nginx_retried_on_other_server": dict(retried),
        "nginx_upstream_errors": dict(upstream_errors),
        "nginx_beacon_502_sent_to": dict(beacon_502_sent_to),
        "nginx_max_fails": nginx_max_fails(),
    }


def report(result: dict) -> str:
    plan = result["plan"]
    lines = [
        "Scale-out drill: 2 gunicorn app servers "
        f"({plan['workers']} sync workers each) behind nginx, PostgreSQL, Redis, "
        f"Elasticsearch 2 nodes (index at {result.get('index_replicas')} replica), "
        f"{plan['seconds']:.0f} s of traffic on 127.0.0.1 ({os.cpu_count()} cores).",
        "",
        "Load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}; "
        "after: {:.2f} {:.2f} {:.2f}.".format(*result["load_start"], *result["load_end"]),
        "",
        f"Timeline (s): {result['marks']}",
        "",
        "| window | requests by kind and status |",
        "| --- | --- |",
    ]
    for name, counts in result["requests"].items():
        lines.append(f"| {name} | {', '.join(f'{k}: {v}' for k, v in counts.items())} |")
    beacons = result["beacons"]
    search = result["search_while_es_node_down"]
    cluster = result["cluster"]
    lines += [
        "",
        f"- Failed requests: {len(result['failures'])} "
        + (
            "("
            + "; ".join(f"{f['kind']} {f['status']} at {f['at']} s" for f in result["failures"])
            + ")"
            if result["failures"]
            else ""
        ),
        f"- nginx passed to the other app server: {result['nginx_retried_on_other_server']}; "
        f"upstream errors: {result['nginx_upstream_errors']}",
        f"- Counted answers: {beacons['counted']} (by app server: "
        f"{result['counted_answers_by_server']}); counters' rise in PostgreSQL: "
        f"{result['counter_rise']['views']} views, {result['counter_rise']['hit_rows']} Hit rows, "
        f"{result['counter_rise']['visits']} visits; difference: {result['lost_views']} views, "
        f"{result['lost_visits']} visits; views and visits written from dead workers' "
        f"journals: {result['journal_replayed']}",
        f"- Readers answered 'counted' but missing from the database: "
        f"{len(result['lost_readers'])}"
        + "".join(
            f" (app server {r['server']}, answered at {r['at']} s, "
            f"{result['marks']['app_killed'] - r['at']:.3f} s before the kill)"
            for r in result["lost_readers"]
        )
        + f"; beacons in flight on the killed server (no answer): {beacons['unanswered']}, "
        f"of which in the database: {result['counted_without_answer']}; readers counted "
        f"twice: {result['readers_counted_twice']}; repeats counted: {beacons['repeats_counted']}",
        f"- Search while Elasticsearch node 2 was down: {search['answers']} answers, "
        f"statuses {search['statuses']}, {search['with_results']} with results; "
        f"answers from the database fallback (whole run): {result['search_fallbacks_to_database']}",
        f"- Cluster: yellow {cluster['yellow_after_kill_s']} s after the kill; node 2 back "
        f"{cluster['node_back_after_restart_s']} s and green "
        f"{cluster['green_after_restart_s']} s after it was started again; "
        f"samples {cluster['statuses_seen']}",
        f"- Editor: {result['editor']['published']} revisions published, "
        f"{len(result['editor']['errors'])} errors, "
        f"slowest {result['editor']['slowest_publish_s']} s",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    defaults = Plan()
    for name, value in asdict(defaults).items():
        kind = float if name != "workers" and not name.endswith("threads") else int
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=value)
    parser.add_argument("--out", type=Path, help="write the JSON result here")
    args = parser.parse_args()
    plan = Plan(**{name: getattr(args, name) for name in asdict(defaults)})
    work = Path(tempfile.mkdtemp(prefix="portal-drill-"))
    try:
        result = run(plan, work, log=lambda text: print(time.strftime("%T"), text, flush=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(result)
    print(text)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
