"""An index of the page tree's root nodes (depth 1), for Wagtail's own lookups.

Wagtail finds the tree's root with `Page.objects.filter(depth=1).order_by("path")`
(`get_first_root_node`, and a superuser's explorable root on every admin page: the
sidebar's menu, the statistics' scope). The page table has no index on the depth, and
the path's index cannot give Wagtail's "C" collation order, so each lookup scanned the
whole table: 20-30 ms per admin page with 100,000 articles (docs/stats.md). The partial
index holds the root alone, so it costs nothing to keep."""

from django.db import migrations

FORWARD = (
    "CREATE INDEX IF NOT EXISTS wagtailcore_page_roots ON wagtailcore_page (depth) WHERE depth = 1"
)
BACKWARD = "DROP INDEX IF EXISTS wagtailcore_page_roots"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_portalsettings_visitor_stats_network"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
