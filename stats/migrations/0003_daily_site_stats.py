"""The site's daily views and visits (stats_dailysitestats), kept by triggers.

Triggers rather than code in the counting paths: the totals are written by several
statements (the one-statement PostgreSQL CTEs of the beacon and of the write-behind
batch, the F() updates on other databases), and a trigger keeps the roll-up exact in the
same transaction as each of them. The visit's day is the day of the write, which
follows the reader's beacon by STATS_FLUSH_SECONDS at most.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

PG_FORWARD = """
CREATE FUNCTION stats_rollup_views() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta bigint := NEW.views - CASE WHEN TG_OP = 'UPDATE' THEN OLD.views ELSE 0 END;
BEGIN
  IF delta <> 0 THEN
    INSERT INTO stats_dailysitestats (day, views, visits) VALUES (NEW.day, delta, 0)
    ON CONFLICT (day) DO UPDATE SET views = stats_dailysitestats.views + EXCLUDED.views;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER stats_rollup_views AFTER INSERT OR UPDATE OF views ON stats_dailypageviews
  FOR EACH ROW EXECUTE FUNCTION stats_rollup_views();

CREATE FUNCTION stats_rollup_visits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_dailysitestats (day, views, visits)
  VALUES ((now() AT TIME ZONE '{zone}')::date, 0, NEW.visits - OLD.visits)
  ON CONFLICT (day) DO UPDATE SET visits = stats_dailysitestats.visits + EXCLUDED.visits;
  RETURN NULL;
END $$;
CREATE TRIGGER stats_rollup_visits AFTER UPDATE OF visits ON stats_sitecounter
  FOR EACH ROW WHEN (NEW.visits > OLD.visits) EXECUTE FUNCTION stats_rollup_visits();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS stats_rollup_views ON stats_dailypageviews;
DROP FUNCTION IF EXISTS stats_rollup_views();
DROP TRIGGER IF EXISTS stats_rollup_visits ON stats_sitecounter;
DROP FUNCTION IF EXISTS stats_rollup_visits();
"""

# SQLite (development and tests) has no time zones: the zone's offset now (Vietnam keeps
# one offset all year).
SQLITE_FORWARD = [
    """CREATE TRIGGER stats_rollup_views_insert AFTER INSERT ON stats_dailypageviews
BEGIN
  INSERT OR IGNORE INTO stats_dailysitestats (day, views, visits) VALUES (NEW.day, 0, 0);
  UPDATE stats_dailysitestats SET views = views + NEW.views WHERE day = NEW.day;
END""",
    """CREATE TRIGGER stats_rollup_views_update AFTER UPDATE OF views ON stats_dailypageviews
BEGIN
  INSERT OR IGNORE INTO stats_dailysitestats (day, views, visits) VALUES (NEW.day, 0, 0);
  UPDATE stats_dailysitestats SET views = views + NEW.views - OLD.views WHERE day = NEW.day;
END""",
    """CREATE TRIGGER stats_rollup_visits AFTER UPDATE OF visits ON stats_sitecounter
WHEN NEW.visits > OLD.visits
BEGIN
  INSERT OR IGNORE INTO stats_dailysitestats (day, views, visits)
  VALUES (date('now', '{offset} minutes'), 0, 0);
  UPDATE stats_dailysitestats SET visits = visits + NEW.visits - OLD.visits
  WHERE day = date('now', '{offset} minutes');
END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS stats_rollup_views_insert",
    "DROP TRIGGER IF EXISTS stats_rollup_views_update",
    "DROP TRIGGER IF EXISTS stats_rollup_visits",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        zone = ZoneInfo(settings.TIME_ZONE).key  # a valid zone name: letters, "/", "_", "-"
        schema_editor.execute(PG_FORWARD.replace("{zone}", zone.replace("'", "")))
    elif vendor == "sqlite":
        offset = datetime.now(ZoneInfo(settings.TIME_ZONE)).utcoffset().total_seconds() // 60
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql.replace("{offset}", f"{int(offset):+d}"))
    else:
        raise NotImplementedError(f"stats: no roll-up triggers for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in PG_BACKWARD.strip().split("\n") if vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_new_readers"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailySiteStats",
            fields=[
                ("day", models.DateField(primary_key=True, serialize=False, verbose_name="day")),
                ("views", models.PositiveBigIntegerField(default=0, verbose_name="views")),
                ("visits", models.PositiveBigIntegerField(default=0, verbose_name="visits")),
            ],
            options={
                "verbose_name": "daily site statistics",
                "verbose_name_plural": "daily site statistics",
                "permissions": [("view_statistics", "Xem thống kê")],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
