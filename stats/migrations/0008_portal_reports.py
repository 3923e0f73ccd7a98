"""The reports per portal: each portal's visits per day (stats_dailysitevisits, kept by
a trigger beside the installation's roll-up of 0003) and each portal's views per day,
as the one-day blocks of a group of kind "site" (stats.reports.portals registers it
with the other groups of 0006, so the group trigger keeps it).

Existing data keeps its meaning: the visits counted per day before portals were
counted apart are the default site's (as 0007 made the one counter of before the
default site's); the portals' views are summed from the pages' blocks by the portal
each counted page belongs to now.
"""

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

PG_FORWARD = """
CREATE FUNCTION stats_rollup_site_visits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_dailysitevisits (site_key, day, visits)
  VALUES (NEW.site_key, (now() AT TIME ZONE '{zone}')::date, NEW.visits - OLD.visits)
  ON CONFLICT (site_key, day)
  DO UPDATE SET visits = stats_dailysitevisits.visits + EXCLUDED.visits;
  RETURN NULL;
END $$;
CREATE TRIGGER stats_rollup_site_visits AFTER UPDATE OF visits ON stats_sitecounter
  FOR EACH ROW WHEN (NEW.visits > OLD.visits) EXECUTE FUNCTION stats_rollup_site_visits();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS stats_rollup_site_visits ON stats_sitecounter;
DROP FUNCTION IF EXISTS stats_rollup_site_visits();
"""
# SQLite has no time zones: the zone's offset now (Vietnam keeps one all year), as 0003.
SQLITE_FORWARD = """CREATE TRIGGER stats_rollup_site_visits AFTER UPDATE OF visits
ON stats_sitecounter WHEN NEW.visits > OLD.visits
BEGIN
  INSERT INTO stats_dailysitevisits (site_key, day, visits)
  VALUES (NEW.site_key, date('now', '{offset} minutes'), NEW.visits - OLD.visits)
  ON CONFLICT (site_key, day) DO UPDATE SET visits = visits + excluded.visits;
END"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS stats_rollup_site_visits"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        zone = ZoneInfo(settings.TIME_ZONE).key  # a valid zone name: letters, "/", "_", "-"
        schema_editor.execute(PG_FORWARD.replace("{zone}", zone.replace("'", "")), None)
    elif vendor == "sqlite":
        offset = datetime.now(ZoneInfo(settings.TIME_ZONE)).utcoffset().total_seconds() // 60
        schema_editor.execute(SQLITE_FORWARD.replace("{offset}", f"{int(offset):+d}"))
        # 0007 added a column to stats_sitecounter, and Django's SQLite schema editor
        # does that by remaking the table, which dropped 0003's trigger of the
        # installation's daily visits: made again here.
        rollup = importlib.import_module("stats.migrations.0003_daily_site_stats")
        schema_editor.execute("DROP TRIGGER IF EXISTS stats_rollup_visits")
        schema_editor.execute(rollup.SQLITE_FORWARD[2].replace("{offset}", f"{int(offset):+d}"))
    else:
        raise NotImplementedError(f"stats: no roll-up triggers for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in PG_BACKWARD.strip().split("\n") if vendor == "postgresql" else [SQLITE_BACKWARD]:
        schema_editor.execute(sql)


def _default_site_key(apps) -> int:
    Site = apps.get_model("wagtailcore", "Site")
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    return site.pk if site is not None else 0


def visits_to_default_site(apps, schema_editor):
    DailySiteStats = apps.get_model("stats", "DailySiteStats")
    DailySiteVisits = apps.get_model("stats", "DailySiteVisits")
    key = _default_site_key(apps)
    DailySiteVisits.objects.bulk_create(
        (
            DailySiteVisits(site_key=key, day=day, visits=visits)
            for day, visits in DailySiteStats.objects.filter(visits__gt=0)
            .values_list("day", "visits")
            .iterator()
        ),
        batch_size=1000,
    )


def fill_portals(apps, schema_editor):
    # A new database has nothing to sum (and Wagtail's tables may be empty).
    if not apps.get_model("stats", "PageViewsBlock").objects.exists():
        return
    from stats.reports import groups, portals

    groups.rebuild_kind(portals.SiteGroups())


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0007_visits_per_site"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailySiteVisits",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("site_key", models.PositiveIntegerField(verbose_name="site")),
                ("day", models.DateField(verbose_name="day")),
                ("visits", models.PositiveBigIntegerField(default=0, verbose_name="visits")),
            ],
            options={
                "verbose_name": "daily visits of a portal",
                "verbose_name_plural": "daily visits of portals",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("site_key", "day"), name="stats_site_visits_unique"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="pagegroup",
            index=models.Index(
                fields=["kind", "group_key", "page"], name="stats_page_group_members"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(visits_to_default_site, migrations.RunPython.noop),
        migrations.RunPython(fill_portals, migrations.RunPython.noop),
    ]
