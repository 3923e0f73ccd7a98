"""Title-and-lead vectors for ordering a large match set cheaply (PostgreSQL).

Rows written before this migration have none until ``search_index --rebuild``; they
order last among the candidates meanwhile.
"""

import django.contrib.postgres.search
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="head_exact_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="head_folded_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
    ]
