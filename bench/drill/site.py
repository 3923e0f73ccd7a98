"""The drill's Django side, run as `python -m bench.drill.site COMMAND` with the app
servers' settings and environment (the orchestrator in bench/drill/run.py keeps no
Django of its own, so it can run anywhere, including inside pytest).

    prepare           migrate, load the demo content (indexed as it is published),
                      collect static files, ensure every article's view counter exists;
                      print the articles (id, url), search words and the counters as JSON
    counts            print the committed counters as JSON
    editor SECONDS    publish a new revision of an article every --every seconds for
                      SECONDS, as an editor does in the admin; print what happened
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

import django


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    django.setup()


def counts() -> dict:
    from hitcount.models import Hit, HitCount

    from news.models import ArticlePage
    from stats.models import SiteCounter

    ids = [str(pk) for pk in ArticlePage.objects.live().values_list("pk", flat=True)]
    hits = HitCount.objects.filter(object_pk__in=ids)
    rows = Hit.objects.filter(hitcount__in=hits)
    return {
        "views": sum(hits.values_list("hits", flat=True)),
        "hit_rows": rows.count(),
        # Every portal's visits (one counter row per portal).
        "visits": sum(SiteCounter.objects.values_list("visits", flat=True)),
        # Each drill reader has an address of its own: which readers the database holds.
        "hit_ips": dict(Counter(rows.values_list("ip", flat=True))),
    }


def journals() -> dict:
    """Entries left in the app processes' journals in Redis (stats/services/journal.py):
    a killed server's are written by the other server once its heartbeats expire."""
    from stats.services import journal, stores

    store = stores.get_store()
    pattern = journal.journal_key(store.prefix, "*")
    keys = list(store.client.scan_iter(match=pattern))
    return {"journals": len(keys), "entries": sum(store.client.llen(key) for key in keys)}


def prepare() -> dict:
    """Everything in one process: each manage.py would load Django again."""
    from django.core.cache import cache
    from django.core.management import call_command

    from news.models import ArticlePage
    from stats.services import pages

    cache.clear()  # the drill's own Redis database: nothing from an earlier run
    stages = {}
    for name, args in (
        ("migrate", ("migrate", "--noinput")),
        ("load_demo", ("load_demo",)),
        ("collectstatic", ("collectstatic", "--noinput")),
    ):
        started = time.monotonic()
        call_command(*args, verbosity=0)
        stages[name] = round(time.monotonic() - started, 1)

    articles = []
    words: set[str] = set()
    for page in ArticlePage.objects.live().public().order_by("pk"):
        if pages.find(page.pk) is None:  # creates the counter, as a first beacon would
            raise SystemExit(f"article {page.pk} is not counted")
        # A path and the host of its portal: the demo's articles live on several.
        _site_id, root_url, path = page.get_url_parts()
        articles.append({"id": page.pk, "url": path, "host": urlsplit(root_url).hostname})
        words.update(w for w in page.title.lower().split() if len(w) >= 4 and w.isalpha())
    if not articles:
        raise SystemExit("no live articles: run load_demo first")
    return {"articles": articles, "words": sorted(words), "stages_s": stages, **counts()}


def editor(seconds: float, every: float) -> dict:
    """Publish revisions the way the admin's "Publish" button does (save_revision, then
    publish): the same signals reach the page cache and the search index."""
    from news.models import ArticlePage

    pages = list(ArticlePage.objects.live().order_by("pk"))
    rng = random.Random(13)  # noqa: S311 - which article to edit, not a secret
    published, errors, durations = 0, [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = rng.choice(pages).specific
        page.kicker = f"Cập nhật lần {published + 1}"
        started = time.monotonic()
        try:
            page.save_revision().publish()
            published += 1
        except Exception as exc:  # the drill reports every failure, it never stops on one
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
            page.refresh_from_db()
        durations.append(time.monotonic() - started)
        time.sleep(every)
    return {
        "published": published,
        "errors": errors,
        "slowest_publish_s": round(max(durations, default=0), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare")
    sub.add_parser("counts")
    sub.add_parser("journals")
    edit = sub.add_parser("editor")
    edit.add_argument("seconds", type=float)
    edit.add_argument("--every", type=float, default=1.0)
    args = parser.parse_args()
    _setup()
    if args.command == "prepare":
        result = prepare()
    elif args.command == "counts":
        result = counts()
    elif args.command == "journals":
        result = journals()
    else:
        result = editor(args.seconds, args.every)
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
