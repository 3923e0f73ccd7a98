"""Bench helper, run with the bench settings:  python -m bench.stats.tool COMMAND

prepare COOKIES_FILE N   migrate is done; load the demo, print "PAGE_ID URL", write N cookies
cookie                   print one reader cookie
counts PAGE_ID           print "hits hit_rows distinct_readers daily_views visits"
inprocess PAGE_ID N      CPU per request of the bare view and the beacon (counted, repeat
                         decided by Redis), the WSGI handler called N times in a loop
                         through the whole middleware stack: the client's cost without
                         wrk, gunicorn and the scheduler of a busy machine
"""

import os
import sys
from urllib.parse import urlsplit

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.stats.settings")
    django.setup()
    from django.core.management import call_command
    from hitcount.models import Hit, HitCount
    from wagtail.models import Page

    from stats.conf import conf
    from stats.models import DailyPageViews, SiteCounter
    from stats.services import readers

    command, *args = sys.argv[1:]
    if command == "prepare":
        cookies_file, count = args[0], int(args[1])
        call_command("load_demo", verbosity=0)
        # The fixture report: the article that carried 161 views over.
        page = next(
            p for p in Page.objects.live().specific() if getattr(p, "initial_view_count", 0) == 161
        )
        with open(cookies_file, "w") as out:
            for _ in range(count):
                out.write(f"{conf().reader_cookie}={readers.signed(readers.mint_reader())}\n")
        # Its path and its portal's host name (the demo's report is a district's).
        _site_id, root_url, path = page.get_url_parts()
        print(page.pk, path, urlsplit(root_url).hostname)
    elif command == "cookie":
        print(f"{conf().reader_cookie}={readers.signed(readers.mint_reader())}")
    elif command == "counts":
        page = Page.objects.get(pk=int(args[0]))
        counter = HitCount.objects.get(content_type_id=page.content_type_id, object_pk=page.pk)
        hits = Hit.objects.filter(hitcount=counter)
        daily = sum(DailyPageViews.objects.filter(hitcount=counter).values_list("views", flat=True))
        visits = sum(SiteCounter.objects.values_list("visits", flat=True))  # every portal
        print(
            counter.hits,
            hits.count(),
            hits.values("session").distinct().count(),
            daily,
            visits,
        )
    elif command == "inprocess":
        inprocess(int(args[0]), int(args[1]))
    else:
        raise SystemExit(__doc__)


def inprocess(page_id: int, n: int) -> None:
    import io
    import json
    import time

    from django.core.handlers.wsgi import WSGIHandler

    from stats.conf import conf
    from stats.services import batch, readers

    handler = WSGIHandler()
    body = json.dumps({"page": page_id}).encode()

    def call(path: str, cookie: str) -> int:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36",
            "HTTP_COOKIE": cookie,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
        }
        status = []
        b"".join(handler(environ, lambda s, h, *a: status.append(s)))
        return int(status[0].split()[0])

    name = conf().reader_cookie

    def cookie() -> str:
        return f"{name}={readers.signed(readers.mint_reader())}"

    one = cookie()
    runs = {
        "bare": lambda: call("/bench/bare/", one),
        "counted": lambda: call("/stats/hit/", cookie()),
        "repeat_redis": lambda: call("/stats/hit/", one),
    }
    results = {}
    for label, run in runs.items():
        for _ in range(200):  # warm: caches, connections, the flusher thread
            run()
        batch.writer.flush()
        started = time.process_time()
        for _ in range(n):
            assert run() == 200
        batch.writer.flush()  # the durable record belongs to the counted beacon's cost
        results[label] = (time.process_time() - started) / n * 1e6
    bare = results["bare"]
    for label, cpu in results.items():
        print(f"{label}: {cpu:.0f} us CPU per request, {bare / cpu:.2f} of the bare view")


if __name__ == "__main__":
    main()
