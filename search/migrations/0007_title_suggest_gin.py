"""PostgreSQL: a GIN index on the folded title's words alone, for suggestions as the
reader types (``search.backends.postgres.PostgresEngine.suggest_rows``): the
title-and-lead index would also return every entry whose lead has the words."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_title_gin "
            "ON search_searchentry USING gin (to_tsvector('simple'::regconfig, title_folded))"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_title_gin")


class Migration(migrations.Migration):
    dependencies = [("search", "0006_acronyms_vocabulary")]

    operations = [migrations.RunPython(forward, backward)]
