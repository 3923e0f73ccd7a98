"""A period's views per page read from few rows: the period is cut into the largest
aligned blocks of days that fit (PageViewsBlock, kept by the triggers of migration
0005); a block of one day is a day.

A block of `span` days starts a multiple of `span` days after EPOCH; the triggers
compute the same start in SQL. Summing the blocks gives exactly what summing the day
rows gives (held by stats/tests/test_blocks.py).
"""

from __future__ import annotations

import functools
import operator
from datetime import date, timedelta

from django.db import connection as default_connection
from django.db.models import Q
from hitcount.models import HitCount

from stats.models import DailyPageViews, PageGroup, PageViewsBlock

EPOCH = date(1900, 1, 1)
SPANS = (256, 64, 16, 4, 1)  # largest first; must match migration 0005


def block_start(day: date, span: int) -> date:
    return day - timedelta(days=(day - EPOCH).days % span)


def pieces(start: date, end: date) -> list[tuple[int, date]]:
    """[start, end] as the fewest aligned blocks, (span, first day) each: greedy from
    the left, since blocks nest and the largest aligned block that fits always belongs
    to the best cut."""
    cut = []
    day = start
    while day <= end:
        span = next(
            span
            for span in SPANS
            if (day - EPOCH).days % span == 0 and day + timedelta(days=span - 1) <= end
        )
        cut.append((span, day))
        day += timedelta(days=span)
    return cut


def period_filter(start: date, end: date) -> Q:
    """The rows of a blocks table (span, start) that make up [start, end]."""
    return functools.reduce(
        operator.or_, (Q(span=span, start=first) for span, first in pieces(start, end))
    )


def _q(name: str, connection) -> str:
    return connection.ops.quote_name(name)


def _col(model, field: str, connection) -> str:
    return _q(model._meta.get_field(field).column, connection)


def page_totals_sql(
    start: date,
    end: date,
    page_type: int | None = None,
    connection=default_connection,
    group: tuple[str, int] | None = None,
) -> tuple[str, list]:
    """SQL of (page, views): every page's views in [start, end] (pages with at least one),
    of one content type if given, of the member pages of one group (kind, key: a
    portal's) if given, and its parameters.

    One table, grouped by page, so the planner estimates the groups from the column's
    statistics. On PostgreSQL the pairs' list alone: each pair is an index condition of
    the covering index (start, span), read alone, and the rows are estimated within a
    fifth of what a period reads. Lists of the starts and spans beside it, which SQLite
    needs to use that index, made PostgreSQL multiply their selectivities with the
    pairs' and expect fifty times fewer rows than it read: it then planned a nested loop
    of one index probe of a portal's members per block row, or a bitmap heap scan,
    rather than one hash of the members (docs/stats.md)."""
    cut = pieces(start, end)
    b = PageViewsBlock
    page, views = _col(b, "page", connection), _col(b, "views", connection)
    span, first = _col(b, "span", connection), _col(b, "start", connection)
    where = [f"({span}, {first}) IN (VALUES {', '.join(['(%s, %s)'] * len(cut))})"]
    params = [value for pair in cut for value in pair]
    if connection.vendor != "postgresql":
        starts = sorted({day for _span, day in cut})
        spans = sorted({size for size, _day in cut})
        where += [
            f"{first} IN ({', '.join(['%s'] * len(starts))})",
            f"{span} IN ({', '.join(['%s'] * len(spans))})",
        ]
        params += [*starts, *spans]
    if page_type is not None:
        where.append(f"{_col(b, 'page_type', connection)} = %s")
        params.append(page_type)
    if group is not None:
        # Before the grouping, so only the group's pages are summed (an index-only scan
        # of the members' index gives them).
        g = PageGroup
        where.append(
            f"{page} IN (SELECT {_col(g, 'page', connection)} "  # noqa: S608
            f"FROM {_q(g._meta.db_table, connection)} WHERE {_col(g, 'kind', connection)} = %s "
            f"AND {_col(g, 'group_key', connection)} = %s)"
        )
        params.extend(group)
    table = _q(b._meta.db_table, connection)
    total = f"SUM({views})"
    if connection.vendor == "postgresql":
        # PostgreSQL sums a bigint into a numeric, with a state allocated per page:
        # a fifth of a year's grouping of 100,000 pages. Summed as float8 it keeps one
        # by-value state, and stays exact while a page's total in the period is below
        # 2**53 (each partial sum of counts is at most the total): a day row holds at
        # most 2**31 - 1 views, so even a century of them stays below 2**47.
        total = f"SUM({views}::float8)::bigint"
    sql = (
        f"SELECT {page} AS page, {total} AS views FROM {table} "  # noqa: S608
        f"WHERE {' AND '.join(where)} GROUP BY {page}"
    )
    return sql, params


def rebuild(connection=default_connection) -> int:
    """Recompute every block from the day rows (the migration and stats_backfill_daily);
    returns the number of block rows. Call it inside a transaction: on PostgreSQL the
    day rows are locked against writes until it commits, so no view written meanwhile
    is lost or counted twice (counting waits for it, seconds on a large site)."""
    day, block, hc = DailyPageViews, PageViewsBlock, HitCount
    d = f"d.{_col(day, 'day', connection)}"
    table = _q(block._meta.db_table, connection)
    columns = ", ".join(
        _col(block, name, connection)
        for name in ("hitcount", "page", "page_type", "span", "start", "views")
    )
    counter = f"d.{_col(day, 'hitcount', connection)}"
    joined = (
        f"{_q(day._meta.db_table, connection)} d JOIN {_q(hc._meta.db_table, connection)} h "
        f"ON h.{_col(hc, 'id', connection)} = {counter}"
    )
    page, page_type = (
        f"h.{_col(hc, 'object_pk', connection)}",
        f"h.{_col(hc, 'content_type', connection)}",
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {_q(day._meta.db_table, connection)} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for span in SPANS:
            if connection.vendor == "postgresql":
                start = f"{d} - ((({d} - DATE '1900-01-01') % {span}) + {span}) % {span}"
            else:
                start = (
                    f"date({d}, '-' || (((CAST(julianday({d}) - julianday('1900-01-01') "
                    f"AS INTEGER) % {span}) + {span}) % {span}) || ' days')"
                )
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"SELECT {counter}, {page}, {page_type}, {span}, {start}, "
                f"SUM(d.{_col(day, 'views', connection)}) FROM {joined} "
                f"GROUP BY {counter}, {page}, {page_type}, {start}"
            )
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]
