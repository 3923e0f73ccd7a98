"""Driven by run.sh, inside scripts/services.sh (DATABASE_URL, ELASTICSEARCH_URL set)."""

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# Rounds of the queries before the measured ones, for each engine: at least
# WARMUP_ROUNDS, and more until WARMUP_SECONDS have passed. The services start cold (a
# new Elasticsearch process, empty caches, an index just rebuilt), and a newsroom's node
# has served thousands of searches before the ones that count: its JIT compilers go on
# compiling Lucene's and Elasticsearch's search code for many rounds, and the same
# queries cost the node less CPU as they do (docs/search.md). Elastic's own benchmarks
# (Rally's tracks) warm each search up for hundreds of iterations. Every round's p50 and
# p95 are kept (``p50_p95_ms_by_round``), the warm-up rounds' too, with who used the CPU
# in each (``cpu_s_by_round``) and the node's filter cache (``query_cache_by_round``: no
# round caches filters, so later rounds are not faster for that reason; docs/search.md).
WARMUP_ROUNDS = int(os.environ.get("BENCH_WARMUP_ROUNDS", "2"))
WARMUP_SECONDS = float(os.environ.get("BENCH_WARMUP_SECONDS", "90"))
ES_URL = os.environ["ELASTICSEARCH_URL"]

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SEARCH_ES_INDEX": "bench-archive",
    "LOG_LEVEL": "WARNING",
    # Production settings require these; nothing is uploaded during the benchmark.
    "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", "/tmp/bench-search-media"),  # noqa: S108
}

# 72 queries like a newsroom's staff type them, each with its class (the docs report how
# much of the archive each class matches). "section" and "author" are names here, turned
# into ids once the archive exists. The names, places and words come from bench/search/corpus.py.
QUERIES = [
    # people: frequent and rare names of the corpus's pool, with and without diacritics
    ("name", {"q": "Nguyễn Mạnh Vinh"}),
    ("name", {"q": "nguyen manh vinh"}),
    ("name", {"q": "Trần Thu Oanh"}),
    ("name", {"q": "Lê Ngọc Khánh"}),
    ("name", {"q": "Phạm Mai Tuyết"}),
    ("name", {"q": "Đỗ Văn Phong"}),
    ("name", {"q": '"Trần Bích Vân"'}),
    ("name", {"q": "NGUYỄN TIẾN HÒA"}),
    # places: province, district, commune
    ("place", {"q": "Bắc Ninh"}),
    ("place", {"q": "Yên Phong"}),
    ("place", {"q": "thuan thanh"}),
    ("place", {"q": "Lục Ngạn"}),
    ("place", {"q": "xã Thạch Quế"}),
    ("place", {"q": "Tiến Liên"}),
    ("place", {"q": "Quảng Bình"}),
    # 2-4 syllable phrases, with and without diacritics
    ("phrase", {"q": "sốt xuất huyết"}),
    ("phrase", {"q": "sot xuat huyet"}),
    ("phrase", {"q": "tai nạn giao thông"}),
    ("phrase", {"q": "chuyển đổi số"}),
    ("phrase", {"q": "an toan thuc pham"}),
    ("phrase", {"q": "giải phóng mặt bằng"}),
    ("phrase", {"q": "dịch tả lợn châu Phi"}),
    ("phrase", {"q": "vai thieu Luc Ngan"}),
    ("phrase", {"q": "nhà đại đoàn kết"}),
    ("phrase", {"q": "kỳ thi tốt nghiệp THPT"}),
    ("phrase", {"q": "Đại hội Đảng bộ"}),
    # quoted phrases
    ("quoted", {"q": '"nông thôn mới"'}),
    ("quoted", {"q": '"lừa đảo qua mạng"'}),
    ("quoted", {"q": '"di tích quốc gia đặc biệt"'}),
    ("quoted", {"q": '"bão số 3" Quảng Ninh'}),
    # single words: common and rare
    ("common", {"q": "trong"}),
    ("common", {"q": "hội nghị"}),
    ("common", {"q": "tỉnh"}),
    ("common", {"q": "dai hoi"}),
    ("rare", {"q": "homestay"}),
    ("rare", {"q": "ghép thận"}),
    ("rare", {"q": "xâm nhập mặn"}),
    # filters (section, dates, author, type), newest first, deep pages
    ("filter", {"q": "vốn FDI", "section": "Kinh tế"}),
    ("filter", {"q": "ma túy", "section": "Pháp luật", "sort": "newest"}),
    ("filter", {"q": "học sinh giỏi", "from": "2020-01-01", "to": "2020-12-31"}),
    ("filter", {"q": "bảo hiểm y tế", "from": "2024-01-01"}),
    ("filter", {"q": "lễ hội", "author": "Minh Thu"}),
    ("filter", {"q": "hộ nghèo", "sort": "newest"}),
    ("filter", {"q": "Sở Y tế", "sort": "newest", "type": "article"}),
    ("filter", {"q": "thi đua", "page": "3"}),
    ("filter", {"q": "khu công nghiệp", "page": "20"}),
    ("filter", {"sort": "newest", "section": "Thời sự", "from": "2025-01-01"}),
    # misses
    ("miss", {"q": "qwxyzzy"}),
    ("miss", {"q": "robot hút bụi"}),
    ("miss", {"q": '"Nguyễn Trọng Bình"'}),
    # the query kinds staff type: words, diacritics, acronyms, typos, questions, authors
    # (what each should find is the query set's job, search/tests; here: what they cost
    # with every feature on)
    # two-syllable words side by side
    ("pair", {"q": "thi đua khen thưởng"}),
    ("pair", {"q": "kinh tế xã hội"}),
    ("pair", {"q": "an ninh trật tự"}),
    # diacritics that mean something ("ký kết", not "kỳ"), old and new tone placement
    ("intent", {"q": "Ký kết"}),
    ("intent", {"q": "mùa lúa"}),
    ("intent", {"q": "hòa giải"}),
    # acronyms, both ways
    ("acronym", {"q": "UBND tỉnh"}),
    ("acronym", {"q": "Hội đồng nhân dân tỉnh"}),
    ("acronym", {"q": "kỳ thi THPT"}),
    ("acronym", {"q": "KT-XH"}),
    # one misspelt syllable
    ("typo", {"q": "giải phóng mặt bừng"}),
    ("typo", {"q": "chuyễn đổi số"}),
    ("typo", {"q": "xây dựng nông thông mới"}),
    # some diacritics typed, some not
    ("partial", {"q": "Trần Van Bình"}),
    ("partial", {"q": "nong thôn mới"}),
    ("partial", {"q": "giai phóng mặt bằng"}),
    # plain questions
    ("question", {"q": "nông thôn mới là gì"}),
    ("question", {"q": "thủ tục cấp giấy chứng nhận quyền sử dụng đất như thế nào"}),
    ("question", {"q": "sốt xuất huyết ở đâu"}),
    # a reporter's name (the byline)
    ("author", {"q": "Minh Thu"}),
    ("author", {"q": "Phương Linh"}),
    ("author", {"q": "Đức Trung"}),
]
assert len(QUERIES) == 72

# What the header box asks while someone types (/search/suggest/): each prefix of these
# queries from the second letter on, as the script sends them.
SUGGEST_TYPED = [
    "nông thôn mới",
    "nong thon moi",
    "Bắc Ninh",
    "chuyển đổi số",
    "giai phong mat bang",
    "Nguyễn Văn",
    "Minh Thu",
    "lễ hội",
    "tai nạn giao thông",
    "sốt xuất huyết",
    "UBND tỉnh",
    "qwxyzzy",
]
SUGGEST_QUERIES = sorted(
    {typed[:end].rstrip() for typed in SUGGEST_TYPED for end in range(2, len(typed) + 1)}
)


def run(*args, env=None, **kwargs):
    print("$", " ".join(args), flush=True)
    return subprocess.run(args, cwd=ROOT, env=env or ENV, check=True, **kwargs)


def manage(*args, env=None):
    started = time.monotonic()
    run(PY, "manage.py", *args, env=env)
    return time.monotonic() - started


def generate():
    code = f"""
import time
from django.utils.text import slugify
from news.models import HomePage, NewsIndexPage
from bench.search.corpus import SECTIONS, bulk_articles
home = HomePage.objects.get()
pages = {{}}
for title in ["Lưu trữ", *SECTIONS]:
    page = home.add_child(instance=NewsIndexPage(title=title, slug="bench-" + slugify(title)))
    page.save_revision().publish()
    pages[title] = page
started = time.monotonic()
def progress(done):
    if done % 10000 == 0:
        print(f"  generated {{done}} ({{time.monotonic() - started:.0f}} s)", flush=True)
sections = {{title: pages[title] for title in SECTIONS}}
bulk_articles(
    pages["Lưu trữ"], {ARTICLES}, seed=2024, batch_size=2000, progress=progress, sections=sections
)
print(f"generated {ARTICLES} articles in {{time.monotonic() - started:.1f}} s")
"""
    started = time.monotonic()
    run(PY, "manage.py", "shell", "-c", code)
    return time.monotonic() - started


# Section and author names in QUERIES become ids; every query is also counted exactly
# (the JSON total stops at 10,000) to report how much of the archive each class matches.
INSPECT = """
import json, sys
from django.http import QueryDict
from news.models import Author, NewsIndexPage
from search import service
from search.forms import SearchForm
queries = json.loads(sys.stdin.read())
sections = dict(NewsIndexPage.objects.values_list("title", "pk"))
authors = dict(Author.objects.values_list("name", "pk"))
resolved, counts = [], []
for query in queries:
    query = dict(query)
    if "section" in query:
        query["section"] = str(sections[query["section"]])
    if "author" in query:
        query["author"] = str(authors[query["author"]])
    resolved.append(query)
    data = QueryDict(mutable=True)
    data.update(query)
    counts.append(service.database_engine().count(SearchForm(data).parsed().params))
print(json.dumps({"queries": resolved, "matches": counts}))
"""


def inspect_queries() -> dict:
    output = run(
        PY,
        "manage.py",
        "shell",
        "-c",
        INSPECT,
        input=json.dumps([params for _, params in QUERIES]),
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def match_fractions(matches: list[int]) -> dict:
    """Per query class: how much of the archive its queries match (median and max)."""
    by_class: dict[str, list[float]] = {}
    for (name, _), count in zip(QUERIES, matches, strict=True):
        by_class.setdefault(name, []).append(count / ARTICLES)
    return {
        name: {
            "queries": len(values),
            "median": round(statistics.median(values), 4),
            "max": round(max(values), 4),
        }
        for name, values in by_class.items()
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def timed_get(url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - loopback only
        body = response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - started) * 1000, body


def measure_suggestions(root: str) -> dict:
    """Every prefix in SUGGEST_QUERIES, ROUNDS times after a warm-up round."""
    samples, empty = [], 0
    for round_number in range(ROUNDS + 1):
        for typed in SUGGEST_QUERIES:
            url = root + "suggest/?" + urllib.parse.urlencode({"q": typed})
            elapsed, body = timed_get(url)
            if round_number:
                samples.append(elapsed)
                empty += not json.loads(body)["suggestions"]
    return {**percentiles(samples), "queries": len(SUGGEST_QUERIES), "empty": empty // ROUNDS}


# Who used the CPU while a round ran (``cpu_s_by_round``): processes by name, in CPU
# seconds, from /proc. A round that is slower than the others shows whether something
# beside the timed requests was running (a merge, autovacuum, the kernel writing back a
# rebuilt index), or the request path itself was slower. Elasticsearch's JVM threads are
# told apart by name: the JIT compilers' and the garbage collector's CPU from the rest of
# the node (searching, merging, HTTP).
CPU_GROUPS = {"java": "elasticsearch", "postgres": "postgres", "gunicorn": "gunicorn"}
TICKS = os.sysconf("SC_CLK_TCK")
JVM_THREADS = {"C1 CompilerThre": "jit", "C2 CompilerThre": "jit", "GC Thread": "gc", "G1 ": "gc"}


def _stat(path: str) -> tuple[str, float] | None:
    """(name, CPU seconds) of a /proc stat file; None for a process gone meanwhile."""
    try:
        stat = Path(path).read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    seconds = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return stat[stat.index("(") + 1 : stat.rindex(")")], seconds


def cpu_seconds() -> dict:
    """The CPU seconds of every process (Elasticsearch's: of every thread) by its group,
    and the machine's busy, iowait and steal seconds."""
    tasks: dict[str, tuple[str, float]] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        found = _stat(f"/proc/{pid}/stat")
        if found is None:
            continue
        group = "bench" if int(pid) == os.getpid() else CPU_GROUPS.get(found[0], "other")
        if group != "elasticsearch":
            tasks[pid] = (group, found[1])
            continue
        for task in os.listdir(f"/proc/{pid}/task"):
            thread = _stat(f"/proc/{pid}/task/{task}/stat")
            if thread is not None:
                kind = next((k for p, k in JVM_THREADS.items() if thread[0].startswith(p)), "")
                tasks[f"{pid}/{task}"] = (f"{group}_{kind}" if kind else group, thread[1])
    with open("/proc/stat") as stat:
        cpu = [int(x) for x in stat.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...: steal is time the hypervisor
    # gave this machine's CPUs to another guest.
    busy = (sum(cpu) - cpu[3] - cpu[4] - cpu[7]) / TICKS
    return {
        "tasks": tasks,
        "busy": busy,
        "iowait": cpu[4] / TICKS,
        "steal": cpu[7] / TICKS,
        "wall": time.monotonic(),
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds between two readings by group. A process started meanwhile counts
    whole; one that ended meanwhile is missing (its last seconds are lost with it)."""
    groups = ("elasticsearch", "elasticsearch_jit", "elasticsearch_gc", *CPU_GROUPS.values())
    used = dict.fromkeys((*groups, "bench", "other"), 0.0)  # each once, in this order
    for task, (group, seconds) in after["tasks"].items():
        used[group] += seconds - before["tasks"].get(task, (group, 0.0))[1]
    for key in ("busy", "iowait", "steal", "wall"):
        used[key] = after[key] - before[key]
    return {key: round(value, 2) for key, value in used.items()}


def query_cache() -> dict[str, int]:
    """The node's filter cache (hits, misses, filters cached): a round that is faster
    because the node cached its filters would show hits here."""
    with urllib.request.urlopen(f"{ES_URL}/_nodes/stats/indices/query_cache", timeout=30) as r:  # noqa: S310
        nodes = json.load(r)["nodes"].values()
    keys = ("hit_count", "miss_count", "cache_count")
    return {key: sum(node["indices"]["query_cache"][key] for node in nodes) for key in keys}


def measure(engine, queries):
    env = dict(ENV)
    env["ELASTICSEARCH_URL"] = ES_URL if engine == "elasticsearch" else ""
    port = free_port()
    base = f"http://127.0.0.1:{port}/search/"
    proc = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_up(base + "?format=json", proc)
        samples, per_query, totals = [], {}, {}
        by_round, cpu_by_round, cache_by_round = [], [], []

        def play(counted: bool) -> None:
            """One round of the queries: its times, CPU and filter cache are kept; a
            counted round's times are also the samples, and its answers the totals."""
            cpu_before, cache_before = cpu_seconds(), query_cache()
            timings = []
            for index, params in enumerate(queries):
                url = base + "?" + urllib.parse.urlencode({**params, "format": "json"})
                elapsed, body = timed_get(url)
                timings.append(elapsed)
                if counted:
                    samples.append(elapsed)
                    per_query.setdefault(index, []).append(elapsed)
                    data = json.loads(body)
                    totals[index] = data["total"] if data["total_exact"] else f"{data['total']}+"
            by_round.append(timings)
            cpu_by_round.append(cpu_used(cpu_before, cpu_seconds()))
            cache_by_round.append({k: v - cache_before[k] for k, v in query_cache().items()})

        started, warmup_rounds = time.monotonic(), 0
        while warmup_rounds < WARMUP_ROUNDS or time.monotonic() - started < WARMUP_SECONDS:
            play(counted=False)
            warmup_rounds += 1
        for _ in range(ROUNDS):
            play(counted=True)
        slowest = sorted(per_query, key=lambda i: -statistics.median(per_query[i]))[:5]
        by_class: dict[str, list[float]] = {}
        for index, timings in per_query.items():
            by_class.setdefault(QUERIES[index][0], []).extend(timings)
        return {
            **percentiles(samples),
            "warmup_rounds": warmup_rounds,
            "p95_ms_by_class": {
                name: percentiles(timings)["p95_ms"] for name, timings in by_class.items()
            },
            # The first ``warmup_rounds`` are the warm-up: how much faster each round is
            # shows what was still warming up (the JVM's compiled code, the caches).
            "p50_p95_ms_by_round": [
                [percentiles(timings)["p50_ms"], percentiles(timings)["p95_ms"]]
                for timings in by_round
            ],
            "cpu_s_by_round": cpu_by_round,
            "query_cache_by_round": cache_by_round,
            "suggestions": measure_suggestions(base),
            "slowest": [
                {
                    "query": QUERIES[i][1],
                    "median_ms": round(statistics.median(per_query[i]), 1),
                    "total": totals[i],
                }
                for i in slowest
            ],
            "median_ms": [round(statistics.median(per_query[i]), 1) for i in range(len(QUERIES))],
            "totals": [totals[i] for i in range(len(QUERIES))],
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_for_merges() -> float:
    """Seconds until the node's merges of whole indexes (``_forcemerge``) are done."""
    started = time.monotonic()
    url = f"{ES_URL.rstrip('/')}/_tasks?actions=*forcemerge*&wait_for_completion=true&timeout=30m"
    with urllib.request.urlopen(url, timeout=1900) as response:  # noqa: S310 - loopback only
        response.read()
    return time.monotonic() - started


def measure_sizes() -> dict:
    """The indexes' sizes and what positions and pairs weigh (bench/search/sizes.py)."""
    started = time.monotonic()
    try:
        output = run(
            PY,
            "manage.py",
            "shell",
            "-c",
            "from bench.search.sizes import main; main()",
            capture_output=True,
            text=True,
        ).stdout
    except subprocess.CalledProcessError as exc:
        # The timed figures are kept and printed; the failure is in the results and on
        # standard error, and the run exits non-zero.
        print(exc.stderr, file=sys.stderr)
        return {"error": exc.stderr[-2000:]}
    sizes = json.loads(output.strip().splitlines()[-1])
    sizes["measured_s"] = round(time.monotonic() - started, 1)
    return sizes


def print_sizes(sizes: dict) -> None:
    es_size, db_size = sizes["elasticsearch"], sizes["postgresql"]
    mb = 1024 * 1024
    rows = [
        ("index size", es_size["store_bytes"], db_size["total_bytes"]),
        (
            "of which positions (phrases, pairs)",
            es_size["positions_and_seams_bytes_scaled"],
            db_size["positions_bytes_scaled"],
        ),
        ("pairs indexed as terms would add", es_size["pairs_indexed_bytes_scaled"], None),
    ]
    for label, es_bytes, db_bytes in rows:
        db_text = f"{db_bytes / mb:.1f} MB" if db_bytes is not None else "not measured"
        print(f"| {label} | {es_bytes / mb:.1f} MB | {db_text} |")


def load() -> str:
    """The 1/5/15-minute load averages: other work on this machine skews the figures."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def es_java() -> str:
    """The Java the Elasticsearch node runs on: its search code is compiled by that JVM, so
    runs on different JDKs are told apart (docs/search.md)."""
    url = f"{ES_URL.rstrip('/')}/_nodes/jvm?filter_path=**.jvm.version,**.jvm.vm_vendor"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        nodes = json.load(response)["nodes"]
    found = {f"{node['jvm']['vm_vendor']} {node['jvm']['version']}" for node in nodes.values()}
    return ", ".join(sorted(found))


OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "search" / "results.json"))


def save(results: dict) -> None:
    """Written after every phase, so a run cut short by the timeout keeps what it measured."""
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main():
    results = {"articles": ARTICLES, "rounds": ROUNDS, "queries": len(QUERIES)}
    results["warmup_rounds"] = WARMUP_ROUNDS  # at least; each engine's own count is in its results
    results["warmup_seconds"] = WARMUP_SECONDS
    results["cpus"] = os.cpu_count()
    results["elasticsearch_java"] = es_java()
    results["load_start"] = load()
    manage("migrate", "--noinput", "-v", "0")
    results["generate_s"] = round(generate(), 1)
    save(results)
    # Each engine is rebuilt twice, in turn, and both times are kept. The first runs on
    # services just started: the Elasticsearch node's JVM compiles Lucene's indexing
    # code meanwhile. The second, which replaces a full index as a rebuild in production
    # does, is the figure held to the goal: a newsroom's servers have been running for
    # days (docs/search.md).
    results["load_before_rebuild"] = load()
    for suffix in ("_first", ""):
        for engine in ("database", "elasticsearch"):
            results[f"rebuild_{engine}{suffix}_s"] = round(
                manage("search_index", "--rebuild", "--engine", engine), 1
            )
            if engine == "elasticsearch":
                # The rebuild returns once the new index is live; the node then merges
                # it. Nothing timed may run beside that merge.
                results[f"merge_after_{engine}_rebuild{suffix}_s"] = round(wait_for_merges(), 1)
            results[f"load_after_{engine}_rebuild{suffix}"] = load()
            save(results)
    inspected = inspect_queries()  # on the database index, now filled
    results["query_matches"] = [
        {"class": name, "query": params, "matches": count}
        for (name, params), count in zip(QUERIES, inspected["matches"], strict=True)
    ]
    results["match_fraction_by_class"] = match_fractions(inspected["matches"])
    save(results)
    for engine in ("elasticsearch", "database"):
        results[engine] = measure(engine, inspected["queries"])
        results[f"load_after_{engine}_queries"] = load()
        save(results)
    # After the queries: loading the samples again and reading every segment of the live
    # index must not run into the timed requests.
    results["index_sizes"] = measure_sizes()
    results["load_after_index_sizes"] = load()
    save(results)
    es_totals, db_totals = results["elasticsearch"]["totals"], results["database"]["totals"]
    differ = [
        {"query": QUERIES[i][1], "elasticsearch": es, "database": db}
        for i, (es, db) in enumerate(zip(es_totals, db_totals, strict=True))
        if es != db
    ]
    results["same_totals_on_both_engines"] = not differ
    results["totals_that_differ"] = differ
    save(results)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print()
    print("| measure | Elasticsearch | database (PostgreSQL) |")
    print("| --- | --- | --- |")
    es_s, db_s = results["rebuild_elasticsearch_s"], results["rebuild_database_s"]
    print(f"| rebuild, {ARTICLES} articles | {es_s} s | {db_s} s |")
    es_s, db_s = results["rebuild_elasticsearch_first_s"], results["rebuild_database_first_s"]
    print(f"| the first rebuild, on services just started | {es_s} s | {db_s} s |")
    for key in ("p50_ms", "p95_ms", "max_ms"):
        print(f"| {key} | {results['elasticsearch'][key]} | {results['database'][key]} |")
    for key in ("p50_ms", "p95_ms"):
        es_value = results["elasticsearch"]["suggestions"][key]
        db_value = results["database"]["suggestions"][key]
        print(f"| suggestions {key} | {es_value} | {db_value} |")
    sizes = results["index_sizes"]
    if "error" not in sizes:
        print_sizes(sizes)
    else:
        print("\nFAILED: the index sizes were not measured", file=sys.stderr)
    if differ:
        # The engines must agree on every total: a difference is a bug, never a figure.
        print("\nFAILED: the engines disagree on these totals:", file=sys.stderr)
        for row in differ:
            print(f"  {row}", file=sys.stderr)
        return 1
    return 1 if "error" in sizes else 0


if __name__ == "__main__":
    sys.exit(main())
