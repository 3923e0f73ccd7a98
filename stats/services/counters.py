"""The totals, in the database: atomic increments with F(), never read-modify-write."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from hitcount.models import Hit, HitCount

from stats.conf import conf
from stats.models import SITE_COUNTER_ID, DailyPageViews, SiteCounter

from .targets import Target


def count_view(
    target: Target, *, reader: str, ip: str, user_agent: str, user, now: datetime
) -> int:
    """Record one counted view; return the page's new total.

    One transaction: the HitCount total, a django-hitcount Hit row (so its admin,
    blacklisting and cleanup keep working) and the day's row for "Đọc nhiều nhất".
    """
    day = timezone.localdate(now)
    with transaction.atomic():
        HitCount.objects.filter(pk=target.hitcount_id).update(hits=F("hits") + 1, modified=now)
        # bulk_create skips Hit.save(), which would increment the HitCount a second time.
        Hit.objects.bulk_create(
            [
                Hit(
                    hitcount_id=target.hitcount_id,
                    ip=ip,
                    session=reader,
                    user_agent=user_agent[:255],
                    user=user,
                )
            ]
        )
        _bump_day(target.hitcount_id, day)
        return HitCount.objects.filter(pk=target.hitcount_id).values_list("hits", flat=True).get()


def _bump_day(hitcount_id: int, day) -> None:
    rows = DailyPageViews.objects.filter(hitcount_id=hitcount_id, day=day)
    if rows.update(views=F("views") + 1):
        return
    try:
        with transaction.atomic():
            DailyPageViews.objects.create(hitcount_id=hitcount_id, day=day, views=1)
    except IntegrityError:  # a concurrent first view of the day created it
        rows.update(views=F("views") + 1)


def _ensure_site_counter() -> None:
    try:
        with transaction.atomic():
            SiteCounter.objects.get_or_create(
                pk=SITE_COUNTER_ID, defaults={"visits_start": conf().visits_start}
            )
    except IntegrityError:
        pass


def count_visit() -> int:
    """Add one visit; return the new "Đã truy cập" total as committed."""
    counter = SiteCounter.objects.filter(pk=SITE_COUNTER_ID)
    if not counter.update(visits=F("visits") + 1):
        _ensure_site_counter()
        counter.update(visits=F("visits") + 1)
    return visits_total()


def visits_total() -> int:
    total = (
        SiteCounter.objects.filter(pk=SITE_COUNTER_ID)
        .values_list(F("visits_start") + F("visits"), flat=True)
        .first()
    )
    if total is None:
        _ensure_site_counter()
        return visits_total()
    return total


def set_visits_start(value: int) -> int:
    """Set the starting total (an administrator's decision); return the new total."""
    _ensure_site_counter()
    SiteCounter.objects.filter(pk=SITE_COUNTER_ID).update(visits_start=value)
    return visits_total()
