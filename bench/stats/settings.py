"""Production settings plus the bench-only bare view (and, with STATS_BENCH_STUB=1,
stub stats template tags so a page can be measured without the widget and counter;
with STATS_BENCH_LOCAL_SECONDS=0, every repeat beacon is decided by Redis)."""

import os

from portal.settings.production import *  # noqa: F403
from portal.settings.production import TEMPLATES

ROOT_URLCONF = "bench.stats.urls"

if os.environ.get("STATS_BENCH_STUB") == "1":
    TEMPLATES[0]["OPTIONS"]["libraries"] = {"stats_tags": "bench.stats.stub_tags"}

if "STATS_BENCH_LOCAL_SECONDS" in os.environ:
    STATS_LOCAL_SECONDS = float(os.environ["STATS_BENCH_LOCAL_SECONDS"])
