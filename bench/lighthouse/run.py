"""Lighthouse (npm, bench/lighthouse/package-lock.json) on the home page and an article,
mobile profile, against the production stack: production settings, PostgreSQL and
Redis, gunicorn and the bundled nginx on 127.0.0.1 (the same setup as bench/perf.py).

    flock /tmp/bench.lock bash bench/lighthouse/run.sh

Writes docs/lighthouse/{home,article}.report.html and docs/lighthouse.md (the scores,
the load average at the start and the end) and exits non-zero when a category of
either page scores under 95.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))
from bench.perf import Bench  # noqa: E402

LIGHTHOUSE = REPO / "bench/lighthouse/node_modules/lighthouse/cli/index.js"
OUTPUT = REPO / "docs/lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOAL = 95
CHROMIUM = "/usr/bin/chromium"


class Args:
    seconds = 0
    soak = 0


def lighthouse(url: str, name: str) -> dict:
    base = OUTPUT / name
    subprocess.run(
        [
            "node",
            str(LIGHTHOUSE),
            url,
            f"--chrome-path={CHROMIUM}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            "--form-factor=mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            "--output=html",
            f"--output-path={base}",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    report = json.loads(Path(f"{base}.report.json").read_text())
    Path(f"{base}.report.json").unlink()  # the HTML report holds the same data
    return {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES}


def main() -> None:
    if not LIGHTHOUSE.exists():
        raise SystemExit("run: npm ci --prefix bench/lighthouse")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    bench = Bench(Args())
    scores = {}
    try:
        bench.prepare()
        bench.start_gunicorn()
        reference = bench.work / "reference.html"
        reference.write_text("<!DOCTYPE html><title>reference</title>")
        proxy, _static = bench.start_nginx(reference)
        # Warm the caches a first reader would meet half-way (renditions, page cache).
        for path in (bench.home, bench.article):
            subprocess.run(["curl", "-s", "-o", "/dev/null", proxy + path], check=False)
        scores["home"] = lighthouse(proxy + bench.home, "home")
        scores["article"] = lighthouse(proxy + bench.article, "article")
    finally:
        bench.stop_all()
        shutil.rmtree(bench.work, ignore_errors=True)
    version = json.loads((LIGHTHOUSE.parent.parent / "package.json").read_text())["version"]
    lines = [
        "# Lighthouse",
        "",
        f"Lighthouse {version} (npm), mobile profile (simulated throttling), Debian's "
        "Chromium, against production settings behind the bundled nginx on 127.0.0.1 "
        "(PostgreSQL, Redis, gunicorn: the setup of bench/perf.py). Run with "
        "`flock /tmp/bench.lock bash bench/lighthouse/run.sh`; full reports beside this "
        "file in `docs/lighthouse/`.",
        "",
        f"Load average at the start: {bench.notes['load_start']}; at the end: {bench.load()} "
        "(a shared machine: the performance score moves with the load).",
        "",
        "| page | " + " | ".join(CATEGORIES) + " |",
        "| --- | " + " | ".join("---" for _ in CATEGORIES) + " |",
    ]
    for name, values in scores.items():
        lines.append(f"| {name} | " + " | ".join(str(values[key]) for key in CATEGORIES) + " |")
    (REPO / "docs/lighthouse.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    low = {name: v for name, v in scores.items() if min(v.values()) < GOAL}
    if low:
        raise SystemExit(f"under {GOAL}: {low}")


if __name__ == "__main__":
    main()
