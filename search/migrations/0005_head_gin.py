"""PostgreSQL: a GIN index on the title-and-lead vector, so that a query matching much of
the archive first ranks the entries with every word in the title or lead (see
``search.backends.postgres.RANK_WINDOW``)."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_head_gin "
            "ON search_searchentry USING gin (head_folded_vector)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_head_gin")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_lz4")]

    operations = [migrations.RunPython(forward, backward)]
