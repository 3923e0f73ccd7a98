"""Views per group of pages (a section, an author) over the same aligned blocks of days
as the pages' (stats_groupviewsblock), and which pages belong to which group
(stats_pagegroup), for the reports' breakdowns.

A trigger on the pages' blocks adds every change of a page's block to the same block of
each group the page belongs to, in the same transaction, whichever path wrote the day
row (the blocks themselves follow the day rows by the triggers of 0005). Membership
changes go through stats.reports.groups.set_members, which moves the page's blocks
between groups. Only the views of a block row change after it is written, so the
trigger reads the page and block from one row.

On PostgreSQL the trigger takes one transaction-level advisory lock before touching the
group rows: a write-behind batch writes many pages, and two batches whose pages belong
to the same sections in different orders would otherwise lock the shared group rows in
different orders and deadlock. Every writer of today already waits for the day's row of
the site's roll-up (0003), so the lock serialises nothing more in practice.

Existing data: groups are defined by the apps (stats_backfill_daily asks them through
the "register_stats_groups" hook and rebuilds these tables); this migration fills them
the same way when there are already page blocks to sum.
"""

from django.db import migrations, models

# pg_advisory_xact_lock key of the group rows; stats.locks.WRITERS_LOCK matches.
GROUP_LOCK = 7_245_010_006

PG_FORWARD = f"""
CREATE FUNCTION stats_group_blocks() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r stats_pageviewsblock%ROWTYPE;
  delta bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    r := OLD; delta := -OLD.views;
  ELSIF TG_OP = 'INSERT' THEN
    r := NEW; delta := NEW.views;
  ELSE
    r := NEW; delta := NEW.views - OLD.views;
  END IF;
  IF delta = 0 OR NOT EXISTS (SELECT 1 FROM stats_pagegroup WHERE page = r.page) THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock({GROUP_LOCK});
  INSERT INTO stats_groupviewsblock (kind, group_key, page_type, span, start, views)
  SELECT g.kind, g.group_key, r.page_type, r.span, r.start, delta
  FROM stats_pagegroup g WHERE g.page = r.page
  ORDER BY g.kind, g.group_key
  ON CONFLICT (kind, group_key, page_type, span, start)
  DO UPDATE SET views = stats_groupviewsblock.views + EXCLUDED.views;
  RETURN NULL;
END $$;
CREATE TRIGGER stats_group_blocks AFTER INSERT OR UPDATE OF views OR DELETE
  ON stats_pageviewsblock FOR EACH ROW EXECUTE FUNCTION stats_group_blocks();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS stats_group_blocks ON stats_pageviewsblock;
DROP FUNCTION IF EXISTS stats_group_blocks();
"""


def _sqlite_add(row: str, views: str) -> str:
    return f"""  INSERT INTO stats_groupviewsblock (kind, group_key, page_type, span, start, views)
  SELECT g.kind, g.group_key, {row}.page_type, {row}.span, {row}.start, {views}
  FROM stats_pagegroup g WHERE g.page = {row}.page
  ON CONFLICT (kind, group_key, page_type, span, start)
  DO UPDATE SET views = views + excluded.views;"""


SQLITE_FORWARD = [
    f"""CREATE TRIGGER stats_group_blocks_insert AFTER INSERT ON stats_pageviewsblock
BEGIN
{_sqlite_add("NEW", "NEW.views")}
END""",
    f"""CREATE TRIGGER stats_group_blocks_update AFTER UPDATE OF views ON stats_pageviewsblock
WHEN NEW.views <> OLD.views
BEGIN
{_sqlite_add("NEW", "NEW.views - OLD.views")}
END""",
    f"""CREATE TRIGGER stats_group_blocks_delete AFTER DELETE ON stats_pageviewsblock
BEGIN
{_sqlite_add("OLD", "-OLD.views")}
END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS stats_group_blocks_insert",
    "DROP TRIGGER IF EXISTS stats_group_blocks_update",
    "DROP TRIGGER IF EXISTS stats_group_blocks_delete",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, None)  # no parameters: "%" is plpgsql's
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)
    else:
        raise NotImplementedError(f"stats: no group triggers for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in PG_BACKWARD.strip().split("\n") if vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


def fill_groups(apps, schema_editor):
    # A new database has nothing to sum (and the apps' tables may not exist yet).
    if not apps.get_model("stats", "PageViewsBlock").objects.exists():
        return
    from stats.reports.groups import rebuild

    rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0005_page_views_blocks'),
    ]

    operations = [
        migrations.CreateModel(
            name='GroupViewsBlock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=20, verbose_name='kind of group')),
                ('group_key', models.PositiveIntegerField(verbose_name='group of pages')),
                ('page_type', models.PositiveIntegerField(verbose_name='page type')),
                ('span', models.PositiveSmallIntegerField(verbose_name='days in the block')),
                ('start', models.DateField(verbose_name='first day of the block')),
                ('views', models.BigIntegerField(default=0, verbose_name='views')),
            ],
            options={
                'verbose_name': 'group views over a block of days',
                'verbose_name_plural': 'group views over blocks of days',
                'indexes': [models.Index(fields=['kind', 'start', 'span'], name='stats_group_block_read')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'group_key', 'page_type', 'span', 'start'), name='stats_group_block_unique')],
            },
        ),
        migrations.CreateModel(
            name='PageGroup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('page', models.PositiveIntegerField(verbose_name='page')),
                ('kind', models.CharField(max_length=20, verbose_name='kind of group')),
                ('group_key', models.PositiveIntegerField(verbose_name='group of pages')),
            ],
            options={
                'verbose_name': 'page group',
                'verbose_name_plural': 'page groups',
                'constraints': [models.UniqueConstraint(fields=('page', 'kind', 'group_key'), name='stats_page_group_unique')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(fill_groups, migrations.RunPython.noop),
    ]
