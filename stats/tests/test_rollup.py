"""The site's daily roll-up matches the raw records, whatever path wrote them."""

import io
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from hitcount.models import Hit

from stats.models import DailyPageViews, DailySiteStats, SiteCounter

from .conftest import post_beacon

pytestmark = [pytest.mark.django_db]

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def raw_views_per_day() -> dict:
    return dict(Counter(timezone.localdate(hit.created) for hit in Hit.objects.all()))


def rollup_views() -> dict:
    return {row.day: row.views for row in DailySiteStats.objects.all() if row.views}


def test_daily_rollup_matches_hits_and_visits(client, any_store, article):
    # Two local days, one of them just after midnight (the previous UTC day).
    moments = [
        datetime(2026, 3, 1, 9, 0, tzinfo=ZONE),
        datetime(2026, 3, 2, 0, 10, tzinfo=ZONE),
    ]
    expected_views = 0
    for n, moment in enumerate(moments):
        with time_machine.travel(moment, tick=False):
            for reader in range(3 + n):
                name = f"{n:02d}{reader:030d}"
                assert post_beacon(client, article.pk, name).json()["reason"] == "counted"
                expected_views += 1
                assert post_beacon(client, article.pk, name).json()["reason"] == "repeat"
            post_beacon(client, None, "f" * 32)  # a visit without a counted view

    views = rollup_views()
    assert views == raw_views_per_day()
    assert views == {moments[0].date(): 3, moments[1].date(): 4}
    assert sum(views.values()) == expected_views
    page_days = dict(
        DailyPageViews.objects.values("day").annotate(v=Sum("views")).values_list("day", "v")
    )
    assert views == page_days
    visits = DailySiteStats.objects.aggregate(v=Sum("visits"))["v"]
    assert visits == SiteCounter.objects.get().visits == 9


def test_backfill_rebuilds_views_and_estimates_missing_visits(client, db_store, article):
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=ZONE), tick=False):
        for reader in range(4):
            post_beacon(client, article.pk, f"{reader:032d}")
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=ZONE) + timedelta(days=1)):
        post_beacon(client, article.pk, "9" * 32)
    expected = rollup_views()
    DailySiteStats.objects.all().delete()

    call_command("stats_backfill_daily", stdout=io.StringIO())

    assert rollup_views() == expected == raw_views_per_day()
    assert DailySiteStats.objects.get(day="2026-03-01").visits == 4
    assert DailySiteStats.objects.get(day="2026-03-02").visits == 1
