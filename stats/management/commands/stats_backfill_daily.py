"""Fill the site's daily roll-up (DailySiteStats) for data counted before it existed.

Views per day are recomputed exactly from the pages' day rows. Visits were never stored
per day: a day without any is given the number of distinct readers counted that day
(from django-hitcount's Hit rows), a lower bound of its visits; days that already have
visits (kept by the triggers since the roll-up exists) are left alone.

Per portal: a day with visits in the installation's roll-up and none in any portal's
(DailySiteVisits) was counted before portals were counted apart, and its visits are
the default site's; each portal's views follow from its pages' blocks (the group of
kind "site" rebuilt with the other groups).
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from hitcount.models import Hit

from stats.models import DailyPageViews, DailySiteStats, DailySiteVisits
from stats.reports import blocks, groups
from stats.services import sites


class Command(BaseCommand):
    help = (
        "Fill the site's daily views and visits, the pages' views over blocks of days and "
        "the groups' (sections, authors) from the stored counts."
    )

    def handle(self, *args, **options):
        views = dict(
            DailyPageViews.objects.values("day")
            .annotate(total=Sum("views"))
            .values_list("day", "total")
        )
        readers = dict(
            Hit.objects.annotate(day=TruncDate("created", tzinfo=timezone.get_current_timezone()))
            .values("day")
            .annotate(total=Count("session", distinct=True))
            .values_list("day", "total")
        )
        with transaction.atomic():
            existing = {row.day: row for row in DailySiteStats.objects.select_for_update()}
            rows = []
            for day in sorted(set(views) | set(readers)):
                row = existing.get(day) or DailySiteStats(day=day)
                row.views = views.get(day, 0)
                if not row.visits:
                    row.visits = readers.get(day, 0)
                rows.append(row)
            DailySiteStats.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["day"],
                update_fields=["views", "visits"],
                batch_size=1000,
            )
            portal_days = set(DailySiteVisits.objects.values_list("day", flat=True))
            DailySiteVisits.objects.bulk_create(
                [
                    DailySiteVisits(site_key=sites.default_key(), day=day, visits=visits)
                    for day, visits in DailySiteStats.objects.filter(visits__gt=0).values_list(
                        "day", "visits"
                    )
                    if day not in portal_days
                ],
                batch_size=1000,
            )
            with groups.rebuilding():
                block_rows = blocks.rebuild()
            group_rows = groups.rebuild()
        self.stdout.write(
            f"{len(rows)} days filled, {block_rows} blocks of page views and "
            f"{group_rows} blocks of group views rebuilt"
        )
