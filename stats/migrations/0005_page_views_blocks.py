"""Each page's views over aligned blocks of 1, 4, 16, 64 and 256 days
(stats_pageviewsblock), kept by triggers on the day rows, for the reports.

Triggers, as for the site's roll-up (0003): every path that writes day rows (the
PostgreSQL CTEs of the beacon and of the write-behind batch, the F() updates elsewhere)
keeps the blocks exact in the same transaction. A block's first day is a multiple of its
span days after 1900-01-01 (stats.reports.blocks computes the same in Python). A change
of a day row adds its difference; a deleted day row (its page deleted) takes its views
off with an UPDATE only, so it never fails when Django's cascade removed the block rows
first. Writers of one page hold its HitCount row lock when the triggers run (every
writing path updates the counter first), so block rows add no lock-order risk.

The reports read the blocks of a period through a covering index on (start, span)
(an index-only scan on PostgreSQL: page, type and views are in the index).

The existing day rows are summed into blocks here; stats_backfill_daily rebuilds them.
"""

from django.db import migrations, models
from django.db.models import deletion

SPANS = (1, 4, 16, 64, 256)
SPAN_LIST = ",".join(map(str, SPANS))

PG_FORWARD = f"""
CREATE FUNCTION stats_page_blocks_add(hc integer, d date, delta bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF delta > 0 THEN
    INSERT INTO stats_pageviewsblock (hitcount_id, page, page_type, span, start, views)
    SELECT hc, h.object_pk, h.content_type_id, s.span,
           d - (((d - DATE '1900-01-01') % s.span) + s.span) % s.span, delta
    FROM hitcount_hit_count h, unnest(ARRAY[{SPAN_LIST}]::smallint[]) AS s(span)
    WHERE h.id = hc
    ORDER BY s.span
    ON CONFLICT (hitcount_id, span, start)
    DO UPDATE SET views = stats_pageviewsblock.views + EXCLUDED.views;
  ELSIF delta < 0 THEN
    UPDATE stats_pageviewsblock b SET views = b.views + delta
    FROM unnest(ARRAY[{SPAN_LIST}]::smallint[]) AS s(span)
    WHERE b.hitcount_id = hc AND b.span = s.span
      AND b.start = d - (((d - DATE '1900-01-01') % s.span) + s.span) % s.span;
  END IF;
END $$;

CREATE FUNCTION stats_rollup_page_blocks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.hitcount_id = OLD.hitcount_id AND NEW.day = OLD.day THEN
    PERFORM stats_page_blocks_add(NEW.hitcount_id, NEW.day, NEW.views - OLD.views);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM stats_page_blocks_add(OLD.hitcount_id, OLD.day, -OLD.views);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM stats_page_blocks_add(NEW.hitcount_id, NEW.day, NEW.views);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER stats_rollup_page_blocks AFTER INSERT OR UPDATE OR DELETE
  ON stats_dailypageviews FOR EACH ROW EXECUTE FUNCTION stats_rollup_page_blocks();

CREATE INDEX stats_page_block_read ON stats_pageviewsblock (start, span)
  INCLUDE (page_type, page, views);
"""

PG_BACKWARD = """
DROP INDEX IF EXISTS stats_page_block_read;
DROP TRIGGER IF EXISTS stats_rollup_page_blocks ON stats_dailypageviews;
DROP FUNCTION IF EXISTS stats_rollup_page_blocks();
DROP FUNCTION IF EXISTS stats_page_blocks_add(integer, date, bigint);
"""

# SQLite (development and tests): the same per span; julianday() differences of dates
# are whole days.
_SQLITE_START = (
    "date({d}, '-' || (((CAST(julianday({d}) - julianday('1900-01-01') AS INTEGER) % {span})"
    " + {span}) % {span}) || ' days')"
)


def _sqlite_add(hc: str, d: str, views: str) -> str:
    return "\n".join(
        f"""  INSERT INTO stats_pageviewsblock (hitcount_id, page, page_type, span, start, views)
  SELECT h.id, h.object_pk, h.content_type_id, {span}, {_SQLITE_START.format(d=d, span=span)},
         {views}
  FROM hitcount_hit_count h WHERE h.id = {hc} AND {views} > 0
  ON CONFLICT (hitcount_id, span, start) DO UPDATE SET views = views + excluded.views;"""
        for span in SPANS
    )


def _sqlite_subtract(hc: str, d: str, views: str) -> str:
    return "\n".join(
        f"""  UPDATE stats_pageviewsblock SET views = views - {views}
  WHERE hitcount_id = {hc} AND span = {span} AND start = {_SQLITE_START.format(d=d, span=span)};"""
        for span in SPANS
    )


SQLITE_FORWARD = [
    f"""CREATE TRIGGER stats_rollup_page_blocks_insert AFTER INSERT ON stats_dailypageviews
BEGIN
{_sqlite_add("NEW.hitcount_id", "NEW.day", "NEW.views")}
END""",
    f"""CREATE TRIGGER stats_rollup_page_blocks_update AFTER UPDATE ON stats_dailypageviews
BEGIN
{_sqlite_subtract("OLD.hitcount_id", "OLD.day", "OLD.views")}
{_sqlite_add("NEW.hitcount_id", "NEW.day", "NEW.views")}
END""",
    f"""CREATE TRIGGER stats_rollup_page_blocks_delete AFTER DELETE ON stats_dailypageviews
BEGIN
{_sqlite_subtract("OLD.hitcount_id", "OLD.day", "OLD.views")}
END""",
    "CREATE INDEX stats_page_block_read ON stats_pageviewsblock (start, span)",
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS stats_page_block_read",
    "DROP TRIGGER IF EXISTS stats_rollup_page_blocks_insert",
    "DROP TRIGGER IF EXISTS stats_rollup_page_blocks_update",
    "DROP TRIGGER IF EXISTS stats_rollup_page_blocks_delete",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, None)  # no parameters: "%" is SQL's modulo
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)
    else:
        raise NotImplementedError(f"stats: no roll-up triggers for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in PG_BACKWARD.strip().split("\n") if vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


def fill_blocks(apps, schema_editor):
    from stats.reports.blocks import rebuild

    rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("hitcount", "0001_initial"),
        ("stats", "0004_journal_mark"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageViewsBlock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("page", models.PositiveIntegerField(verbose_name="page")),
                ("page_type", models.PositiveIntegerField(verbose_name="page type")),
                ("span", models.PositiveSmallIntegerField(verbose_name="days in the block")),
                ("start", models.DateField(verbose_name="first day of the block")),
                ("views", models.PositiveBigIntegerField(default=0, verbose_name="views")),
                (
                    "hitcount",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=deletion.CASCADE,
                        related_name="+",
                        to="hitcount.hitcount",
                    ),
                ),
            ],
            options={
                "verbose_name": "page views over a block of days",
                "verbose_name_plural": "page views over blocks of days",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("hitcount", "span", "start"), name="stats_page_block_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(fill_blocks, migrations.RunPython.noop),
    ]
