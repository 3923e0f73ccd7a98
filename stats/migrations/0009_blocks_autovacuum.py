"""Vacuum the reports' block tables sooner than PostgreSQL's default.

The reports read the blocks through covering indexes; an index-only scan reads only the
index for heap pages the visibility map marks all-visible, and the heap for the others.
Every counted view updates rows of the current blocks, which clears the mark on their
pages until autovacuum runs again, and the default (20% of the table changed) waits for
hundreds of thousands of updates on a table of millions of rows. A vacuum after 1% keeps
the mark on nearly all of a year's rows, the state the reports benchmark measures.
The settings are per table and only on PostgreSQL (SQLite has no vacuum daemon)."""

from django.db import migrations

TABLES = ("stats_pageviewsblock", "stats_groupviewsblock")
SETTINGS = "autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET ({SETTINGS})")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} RESET "
            "(autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("stats", "0008_portal_reports")]

    operations = [migrations.RunPython(forward, backward)]
