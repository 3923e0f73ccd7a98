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

# 50 varied queries: folded and exact, names, phrases, rare and common words, filters,
# sorting, deep pages and misses.
QUERIES = [
    {"q": "ky ket giao uoc thi dua"},
    {"q": "Ký kết giao ước thi đua"},
    {"q": "dai hoi"},
    {"q": "Đại hội"},
    {"q": "NGUYỄN VĂN AN"},
    {"q": "nguyen van an"},
    {"q": "Trần Thị Lan"},
    {"q": "hòa giải"},
    {"q": "hoà bình"},
    {"q": "khỏe mạnh"},
    {"q": '"thi đua yêu nước"'},
    {"q": '"cải cách hành chính"'},
    {"q": '"nông thôn mới"'},
    {"q": "chuyển đổi số"},
    {"q": "chuyen doi so"},
    {"q": "phòng chống dịch bệnh"},
    {"q": "an toàn thực phẩm"},
    {"q": "giao thông nông thôn"},
    {"q": "Sở Y tế"},
    {"q": "so giao duc va dao tao"},
    {"q": "Công an tỉnh an ninh trật tự"},
    {"q": "du lịch lễ hội"},
    {"q": "khoa học công nghệ"},
    {"q": "Hội Nông dân"},
    {"q": "Đoàn Thanh niên"},
    {"q": "trong"},
    {"q": "tỉnh"},
    {"q": "hội nghị"},
    {"q": "thi đua", "sort": "newest"},
    {"q": "Bắc Ninh", "sort": "newest"},
    {"q": "Yên Phong", "type": "article"},
    {"q": "Từ Sơn", "from": "2020-01-01", "to": "2020-12-31"},
    {"q": "Quế Võ", "from": "2018-01-01"},
    {"q": "Gia Bình", "to": "2017-06-30"},
    {"q": "tổng kết năm", "page": "2"},
    {"q": "trao tặng bằng khen", "page": "5"},
    {"q": "đất đai tài nguyên"},
    {"q": "giải quyết việc làm"},
    {"q": "hỗ trợ người nghèo"},
    {"q": "bảo vệ môi trường"},
    {"q": "văn hóa công sở"},
    {"q": "công tác cán bộ"},
    {"q": "Lê Minh Hùng"},
    {"q": "Phạm Đức Dũng"},
    {"q": "tập huấn nghiệp vụ", "sort": "newest"},
    {"q": "mùa màng bội thu"},
    {"q": "trạm y tế xã"},
    {"q": "qwxyzzy"},
    {"q": '"Nguyễn Trọng Bình"'},
    {"sort": "newest", "type": "article", "from": "2024-01-01"},
]
assert len(QUERIES) == 50


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
from news.models import HomePage, NewsIndexPage
from search.corpus import bulk_articles
home = HomePage.objects.get()
section = home.add_child(instance=NewsIndexPage(title="Lưu trữ", slug="luu-tru"))
section.save_revision().publish()
started = time.monotonic()
def progress(done):
    if done % 10000 == 0:
        print(f"  generated {{done}} ({{time.monotonic() - started:.0f}} s)", flush=True)
bulk_articles(section, {ARTICLES}, seed=2024, batch_size=2000, progress=progress)
print(f"generated {ARTICLES} articles in {{time.monotonic() - started:.1f}} s")
"""
    started = time.monotonic()
    run(PY, "manage.py", "shell", "-c", code)
    return time.monotonic() - started


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


def measure(engine):
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
        for round_number in range(ROUNDS + 1):  # round 0 warms caches, not counted
            for index, params in enumerate(QUERIES):
                url = base + "?" + urllib.parse.urlencode({**params, "format": "json"})
                started = time.perf_counter()
                with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310
                    body = response.read()
                    status = response.status
                elapsed = (time.perf_counter() - started) * 1000
                assert status == 200, status
                if round_number:
                    samples.append(elapsed)
                    per_query.setdefault(index, []).append(elapsed)
                    totals[index] = json.loads(body)["total"]
        ordered = sorted(samples)
        slowest = sorted(per_query, key=lambda i: -statistics.median(per_query[i]))[:5]
        return {
            "requests": len(samples),
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
            "max_ms": round(ordered[-1], 1),
            "slowest": [
                {
                    "query": QUERIES[i],
                    "median_ms": round(statistics.median(per_query[i]), 1),
                    "total": totals[i],
                }
                for i in slowest
            ],
            "totals": [totals[i] for i in range(len(QUERIES))],
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def load() -> str:
    """The 1/5/15-minute load averages: other work on this machine skews the figures."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "search" / "results.json"))


def save(results: dict) -> None:
    """Written after every phase, so a run cut short by the timeout keeps what it measured."""
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main():
    results = {"articles": ARTICLES, "rounds": ROUNDS, "queries": len(QUERIES)}
    results["cpus"] = os.cpu_count()
    results["load_start"] = load()
    manage("migrate", "--noinput", "-v", "0")
    results["generate_s"] = round(generate(), 1)
    save(results)
    results["load_before_rebuild"] = load()
    results["rebuild_database_s"] = round(
        manage("search_index", "--rebuild", "--engine", "database"), 1
    )
    results["load_after_database_rebuild"] = load()
    save(results)
    results["rebuild_elasticsearch_s"] = round(
        manage("search_index", "--rebuild", "--engine", "elasticsearch"), 1
    )
    results["load_after_elasticsearch_rebuild"] = load()
    save(results)
    for engine in ("elasticsearch", "database"):
        results[engine] = measure(engine)
        results[f"load_after_{engine}_queries"] = load()
        save(results)
    same = results["elasticsearch"]["totals"] == results["database"]["totals"]
    results["same_totals_on_both_engines"] = same
    save(results)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print()
    print("| measure | Elasticsearch | database (PostgreSQL) |")
    print("| --- | --- | --- |")
    es_s, db_s = results["rebuild_elasticsearch_s"], results["rebuild_database_s"]
    print(f"| rebuild, {ARTICLES} articles | {es_s} s | {db_s} s |")
    for key in ("p50_ms", "p95_ms", "max_ms"):
        print(f"| {key} | {results['elasticsearch'][key]} | {results['database'][key]} |")


if __name__ == "__main__":
    sys.exit(main())
