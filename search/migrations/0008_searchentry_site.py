from django.db import migrations, models


def fill_sites(apps, schema_editor):
    """Entries written before the column get their portal from their page's path: the
    site whose root is the longest prefix, as the indexer picks it."""
    Site = apps.get_model("wagtailcore", "Site")
    SearchEntry = apps.get_model("search", "SearchEntry")
    roots = sorted(
        Site.objects.values_list("pk", "root_page__path"), key=lambda row: -len(row[1] or "")
    )
    for site_id, path in roots:
        if path:
            SearchEntry.objects.filter(site_id=None, page__path__startswith=path).update(
                site_id=site_id
            )


class Migration(migrations.Migration):
    dependencies = [("search", "0007_title_suggest_gin"), ("wagtailcore", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="site_id",
            field=models.IntegerField(db_index=True, null=True),
        ),
        migrations.RunPython(fill_sites, migrations.RunPython.noop),
    ]
