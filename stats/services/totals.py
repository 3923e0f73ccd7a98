"""The totals, in the database: atomic increments, never read-modify-write.

On PostgreSQL a counted view is one statement (a data-modifying CTE: the HitCount
total, django-hitcount's Hit row, the day's row for "Đọc nhiều nhất" and, for a new
visit, "Đã truy cập"), atomic on its own. Other databases run the same increments with
F() updates in one transaction.

"Đã truy cập" is kept per portal (SiteCounter, one row per site key); the network's
total is the sum of the rows.
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from hitcount.models import Hit, HitCount

from stats.conf import conf
from stats.locks import lock_writers
from stats.models import DailyPageViews, SiteCounter

from .pages import CountedPage
from .sites import NETWORK, default_key


class StalePage(LookupError):
    """The cached page -> counter mapping no longer matches a counter row."""


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


@functools.cache
def _count_view_sql() -> str:
    # Identifiers come from the models' metadata (quoted); every value is a parameter.
    hc, hit, day, site = _table(HitCount), _table(Hit), _table(DailyPageViews), _table(SiteCounter)
    c = _col
    return f"""
WITH hc AS (
  UPDATE {hc} SET {c(HitCount, "hits")} = {c(HitCount, "hits")} + 1,
                  {c(HitCount, "modified")} = %(now)s
  WHERE {c(HitCount, "id")} = %(hitcount)s AND {c(HitCount, "object_pk")} = %(page)s
  RETURNING {c(HitCount, "id")} AS id, {c(HitCount, "hits")} AS hits
), hit AS (
  INSERT INTO {hit} ({c(Hit, "created")}, {c(Hit, "ip")}, {c(Hit, "session")},
                     {c(Hit, "user_agent")}, {c(Hit, "user")}, {c(Hit, "hitcount")})
  SELECT %(now)s, %(ip)s, %(reader)s, %(user_agent)s, %(user)s, id FROM hc
), day AS (
  INSERT INTO {day} ({c(DailyPageViews, "hitcount")}, {c(DailyPageViews, "day")},
                     {c(DailyPageViews, "views")})
  SELECT id, %(day)s, 1 FROM hc
  ON CONFLICT ({c(DailyPageViews, "hitcount")}, {c(DailyPageViews, "day")})
  DO UPDATE SET {c(DailyPageViews, "views")} = {day}.{c(DailyPageViews, "views")} + 1
), visit AS (
  UPDATE {site} SET {c(SiteCounter, "visits")} = {c(SiteCounter, "visits")} + 1
  WHERE {c(SiteCounter, "site_key")} = %(site)s AND %(new_visit)s AND EXISTS (SELECT 1 FROM hc)
  RETURNING {c(SiteCounter, "visits_start")} + {c(SiteCounter, "visits")} AS total
)
SELECT (SELECT hits FROM hc), (SELECT total FROM visit)
"""  # noqa: S608


def count_view(
    target: CountedPage,
    *,
    reader: str,
    ip: str,
    user_agent: str,
    user,
    now: datetime,
    site_key: int,
    new_visit: bool = False,
) -> tuple[int, int | None]:
    """Record one counted view (and a new visit of the portal `site_key`); return (page
    total, the portal's visits total).

    The visits total is None when no visit was counted. Raises StalePage when the
    counter in `target` is gone (nothing was written then).
    """
    day = timezone.localdate(now)
    if connection.vendor == "postgresql":
        params = {
            "now": now,
            "hitcount": target.hitcount_id,
            "page": target.page_id,
            "ip": ip,
            "reader": reader,
            "user_agent": user_agent[:255],
            "user": getattr(user, "pk", None),
            "day": day,
            "site": site_key,
            "new_visit": new_visit,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            lock_writers()
            cursor.execute(_count_view_sql(), params)
            hits, visits = cursor.fetchone()
            if hits is None:
                raise StalePage(target)
            if new_visit and visits is None:  # no counter row yet (the portal's first visit)
                visits = count_visit(site_key)
        return hits, visits

    with transaction.atomic():
        lock_writers()
        counter = HitCount.objects.filter(pk=target.hitcount_id, object_pk=target.page_id)
        if not counter.update(hits=F("hits") + 1, modified=now):
            raise StalePage(target)
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
        bump_day(target.hitcount_id, day)
        hits = counter.values_list("hits", flat=True).get()
    return hits, count_visit(site_key) if new_visit else None


def bump_day(hitcount_id: int, day, count: int = 1) -> None:
    """+count on the page's row of the day (created by its first view)."""
    rows = DailyPageViews.objects.filter(hitcount_id=hitcount_id, day=day)
    if rows.update(views=F("views") + count):
        return
    try:
        with transaction.atomic():
            DailyPageViews.objects.create(hitcount_id=hitcount_id, day=day, views=count)
    except IntegrityError:  # a concurrent first view of the day created it
        rows.update(views=F("views") + count)


def _ensure_site_counter(site_key: int) -> None:
    """The portal's counter row. A fresh installation's STATS_VISITS_START is the default
    site's (the portal that was there before the others)."""
    start = conf().visits_start if site_key == default_key() else 0
    try:
        with transaction.atomic():
            SiteCounter.objects.get_or_create(site_key=site_key, defaults={"visits_start": start})
    except IntegrityError:
        pass


def _count_visit_once(site_key: int, count: int) -> int | None:
    """+count visits of a portal; its new total, or None when its counter row does not
    exist yet."""
    if connection.vendor == "postgresql":
        site, c = _table(SiteCounter), _col
        # Identifiers from the model's metadata (quoted), the value a parameter.
        sql = f"""UPDATE {site} SET {c(SiteCounter, "visits")} = {c(SiteCounter, "visits")} + %s
WHERE {c(SiteCounter, "site_key")} = %s
RETURNING {c(SiteCounter, "visits_start")} + {c(SiteCounter, "visits")}"""  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [count, site_key])
            row = cursor.fetchone()
        return None if row is None else row[0]
    with transaction.atomic():
        counter = SiteCounter.objects.filter(site_key=site_key)
        if not counter.update(visits=F("visits") + count):
            return None
        return _site_total(site_key)


def count_visit(site_key: int, count: int = 1) -> int:
    """Add `count` visits of a portal; return its new "Đã truy cập" total as committed.

    A visit is a writer like a view: its triggers lock the portal's and the site's rows
    of the day, which a view's transaction may already hold when it counts its portal's
    first visit, so it takes the writers' lock first (re-entrant for the callers that
    hold it already)."""
    with transaction.atomic():
        lock_writers()
        total = _count_visit_once(site_key, count)
        if total is None:
            _ensure_site_counter(site_key)
            total = _count_visit_once(site_key, count)
    return total


def _site_total(site_key: int) -> int | None:
    return (
        SiteCounter.objects.filter(site_key=site_key)
        .values_list(F("visits_start") + F("visits"), flat=True)
        .first()
    )


def network_total() -> int:
    """The whole network's "Đã truy cập": the sum of every portal's total (portals
    removed since included, so no visit leaves it)."""
    total = SiteCounter.objects.aggregate(total=Sum(F("visits_start") + F("visits")))["total"]
    return int(total or 0)


def visits_total(scope: str) -> int:
    """ "Đã truy cập" of a scope: a site key as text, or sites.NETWORK."""
    if scope == NETWORK:
        return network_total()
    site_key = int(scope)
    total = _site_total(site_key)
    if total is None:
        _ensure_site_counter(site_key)
        total = _site_total(site_key)
    return total


def set_visits_start(site_key: int, value: int) -> tuple[int, int]:
    """Set a portal's starting total (an administrator's decision); return its new
    total and the difference from the former start."""
    _ensure_site_counter(site_key)
    with transaction.atomic():
        counter = SiteCounter.objects.select_for_update().get(site_key=site_key)
        difference = value - counter.visits_start
        SiteCounter.objects.filter(pk=counter.pk).update(visits_start=value)
    return _site_total(site_key), difference
