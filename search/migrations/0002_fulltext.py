"""The full-text index beside SearchEntry: FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title_exact, text_exact, title_folded, text_folded, "
    "tokenize = 'unicode61 remove_diacritics 0')"
)
POSTGRES_FORWARD = (
    "CREATE INDEX search_entry_folded_gin ON search_searchentry USING gin (folded_vector)"
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_folded_gin")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_entries")]

    operations = [migrations.RunPython(forward, backward)]
