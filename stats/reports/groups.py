"""Views per group of pages (a section, an author) over a period, read from the groups'
own blocks of days (GroupViewsBlock) instead of grouping every page's blocks.

stats does not know what a section or an author is. An app registers a GroupSource with
the "register_stats_groups" hook (its kind and every (page, group) pair, for the
backfill) and keeps its pages' membership current with set_members(); from then on a
trigger on the pages' blocks (migration 0006) adds each page's views to its groups as
they are written. The invariant, held by stats/tests/test_groups.py: a group's block is
the sum of its member pages' blocks.
"""

from __future__ import annotations

import functools
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q, Sum
from hitcount.models import HitCount
from wagtail import hooks

from stats.locks import lock_writers
from stats.models import GroupViewsBlock, PageGroup, PageViewsBlock

from . import blocks
from .periods import Period

SOURCES_HOOK = "register_stats_groups"
# Rows per multi-row statement (SQLite allows 32,766 parameters per statement).
CHUNK = 500


class GroupSource:
    """One way an app groups its pages: `kind` (at most 20 characters) and every
    (page id, group key) pair as it stands, for the backfill."""

    kind = ""

    def members(self) -> Iterable[tuple[int, int]]:
        raise NotImplementedError


def sources() -> list[GroupSource]:
    return [hook() for hook in hooks.get_hooks(SOURCES_HOOK)]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _add(deltas: Counter) -> None:
    """Add {(kind, key, page_type, span, start): views} to the group blocks."""
    rows = [(*key, views) for key, views in sorted(deltas.items()) if views]
    table = _q(GroupViewsBlock._meta.db_table)
    for n in range(0, len(rows), CHUNK):
        chunk = rows[n : n + CHUNK]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (kind, group_key, page_type, span, start, views) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (kind, group_key, page_type, span, start) "
                f"DO UPDATE SET views = {table}.views + excluded.views",
                [value for row in chunk for value in row],
            )


def set_members(kind: str, members: dict[int, Iterable[int]]) -> None:
    """Make the groups of `kind` of each page given exactly its keys (an empty list: no
    group), moving the page's views so far from the groups it leaves to those it joins.

    The writers' lock comes first, as in every writer of views (stats.locks), then the
    pages' counters, so no view is written between reading a page's blocks and moving
    them."""
    if not members:
        return
    wanted = {int(page): {int(key) for key in keys} for page, keys in members.items()}
    with transaction.atomic():
        lock_writers()
        counters = list(
            HitCount.objects.select_for_update()
            .filter(object_pk__in=sorted(wanted))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        current = defaultdict(set)
        for page, key in PageGroup.objects.filter(kind=kind, page__in=wanted).values_list(
            "page", "group_key"
        ):
            current[page].add(key)
        leaving = {page: current[page] - keys for page, keys in wanted.items()}
        joining = {page: keys - current[page] for page, keys in wanted.items()}
        changed = [page for page in wanted if leaving[page] or joining[page]]
        if not changed:
            return
        deltas = Counter()
        if counters:
            for page, page_type, span, start, views in PageViewsBlock.objects.filter(
                hitcount_id__in=counters, page__in=changed
            ).values_list("page", "page_type", "span", "start", "views"):
                for key in leaving[page]:
                    deltas[(kind, key, page_type, span, start)] -= views
                for key in joining[page]:
                    deltas[(kind, key, page_type, span, start)] += views
        gone = [Q(page=page, group_key__in=leaving[page]) for page in changed if leaving[page]]
        if gone:
            PageGroup.objects.filter(functools.reduce(operator.or_, gone), kind=kind).delete()
        PageGroup.objects.bulk_create(
            [
                PageGroup(page=page, kind=kind, group_key=key)
                for page in changed
                for key in sorted(joining[page])
            ],
            batch_size=CHUNK,
        )
        _add(deltas)


def clear() -> None:
    PageGroup.objects.all().delete()
    GroupViewsBlock.objects.all().delete()


@contextmanager
def rebuilding():
    """Around a wholesale rebuild of the pages' blocks (stats_backfill_daily): the
    trigger would move every deleted and inserted block row through the groups, so the
    groups are emptied (and on PostgreSQL the trigger is off) meanwhile; call rebuild()
    after it, in the same transaction."""
    clear()
    postgres = connection.vendor == "postgresql"
    table = _q(PageViewsBlock._meta.db_table)
    if postgres:
        with connection.cursor() as cursor:
            # Django's foreign keys are checked at commit; ALTER TABLE refuses to run
            # with such checks pending on the table, so they are run now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER stats_group_blocks")
    yield
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER stats_group_blocks")


def _lock_for_rebuild() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {_q(PageViewsBlock._meta.db_table)} IN SHARE MODE")
            cursor.execute(f"LOCK TABLE {_q(PageGroup._meta.db_table)} IN EXCLUSIVE MODE")


def _fill(source: GroupSource) -> None:
    """The source's memberships and its groups' blocks summed from the pages' blocks
    (the kind's rows must be gone)."""
    PageGroup.objects.bulk_create(
        (
            PageGroup(page=page, kind=source.kind, group_key=key)
            for page, key in set(source.members())
        ),
        batch_size=5000,
    )
    group, page = _q(PageGroup._meta.db_table), _q(PageViewsBlock._meta.db_table)
    table = _q(GroupViewsBlock._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, group_key, page_type, span, start, views) "  # noqa: S608
            f"SELECT g.kind, g.group_key, b.page_type, b.span, b.start, SUM(b.views) "
            f"FROM {page} b JOIN {group} g ON g.page = b.page WHERE g.kind = %s "
            f"GROUP BY g.kind, g.group_key, b.page_type, b.span, b.start",
            [source.kind],
        )


def rebuild() -> int:
    """Every membership from the apps' sources and every group block summed from the
    pages' blocks; returns the number of group block rows. On PostgreSQL the pages'
    blocks are locked against writes until the transaction commits."""
    with transaction.atomic():
        _lock_for_rebuild()
        clear()
        for source in sources():
            _fill(source)
        return GroupViewsBlock.objects.count()


def rebuild_kind(source: GroupSource) -> None:
    """One source's memberships and group blocks rebuilt, the other kinds untouched (a
    kind added to a database that already has blocks)."""
    with transaction.atomic():
        _lock_for_rebuild()
        PageGroup.objects.filter(kind=source.kind).delete()
        GroupViewsBlock.objects.filter(kind=source.kind).delete()
        _fill(source)


def group_views(period: Period, kind: str, page_type: int) -> list[tuple[int, int]]:
    """(group key, views) of every group of `kind` with views of pages of `page_type`
    in the period, from the period's few blocks per group."""
    return list(
        GroupViewsBlock.objects.filter(
            blocks.period_filter(period.start, period.end), kind=kind, page_type=page_type
        )
        .values("group_key")
        .annotate(total=Sum("views"))
        .filter(total__gt=0)
        .values_list("group_key", "total")
    )
