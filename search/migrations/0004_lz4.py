"""PostgreSQL: the snippet source ``text`` always stored out of the row (compressed into
it, it was half of a row: ordering a large match set visits every row), and, on
14+ when the server has it, the long columns compressed with lz4 instead of pglz (several
times faster to compress while rebuilding and to read back while ranking). Applies to
values written from now on; ``search_index --rebuild`` rewrites them all."""

from django.db import migrations

COLUMNS = ("exact_vector", "folded_vector")


def compression(method):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            storage = "EXTERNAL" if method == "lz4" else "EXTENDED"
            cursor.execute(f"ALTER TABLE search_searchentry ALTER COLUMN text SET STORAGE {storage}")
            cursor.execute(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
                "AND %s = ANY(enumvals)",
                [method],
            )
            if cursor.fetchone() is None:
                return
            for column in COLUMNS:
                cursor.execute(
                    f"ALTER TABLE search_searchentry ALTER COLUMN {column} "
                    f"SET COMPRESSION {method}"
                )

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0003_head_vectors")]

    operations = [migrations.RunPython(compression("lz4"), compression("pglz"))]
