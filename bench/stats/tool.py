"""Bench helper, run with the bench settings:  python -m bench.stats.tool COMMAND

prepare COOKIES_FILE N   migrate is done; load the demo, print "PAGE_ID URL", write N cookies
cookie                   print one reader cookie
counts PAGE_ID           print "hits hit_rows distinct_readers daily_views visits"
"""

import os
import sys

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
        print(page.pk, page.url)
    elif command == "cookie":
        print(f"{conf().reader_cookie}={readers.signed(readers.mint_reader())}")
    elif command == "counts":
        page = Page.objects.get(pk=int(args[0]))
        counter = HitCount.objects.get(content_type_id=page.content_type_id, object_pk=page.pk)
        hits = Hit.objects.filter(hitcount=counter)
        daily = sum(DailyPageViews.objects.filter(hitcount=counter).values_list("views", flat=True))
        site = SiteCounter.objects.get()
        print(
            counter.hits,
            hits.count(),
            hits.values("session").distinct().count(),
            daily,
            site.visits,
        )
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
