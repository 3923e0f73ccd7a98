"""Visits and presence per portal (Wagtail Site).

The one counter row that held every visit before portals were counted apart becomes the
default site's (with its carried-over starting total), so no visit moves or is lost;
readers present then are present on the default site.
"""

from django.db import migrations, models


def _default_site_key(apps) -> int:
    Site = apps.get_model("wagtailcore", "Site")
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    return site.pk if site is not None else 0


def to_sites(apps, schema_editor):
    SiteCounter = apps.get_model("stats", "SiteCounter")
    Visitor = apps.get_model("stats", "Visitor")
    SiteVisitor = apps.get_model("stats", "SiteVisitor")
    key = _default_site_key(apps)
    SiteCounter.objects.filter(site_key=0).update(site_key=key)
    SiteVisitor.objects.bulk_create(
        (
            SiteVisitor(site_key=key, reader=reader, last_seen=last_seen)
            for reader, last_seen in Visitor.objects.values_list("reader", "last_seen").iterator()
        ),
        batch_size=1000,
    )


def to_one_counter(apps, schema_editor):
    """Back to one counter: every portal's visits and starting totals summed into the
    default site's row (no visit is lost going back either)."""
    SiteCounter = apps.get_model("stats", "SiteCounter")
    Visitor = apps.get_model("stats", "Visitor")
    SiteVisitor = apps.get_model("stats", "SiteVisitor")
    rows = list(SiteCounter.objects.order_by("pk"))
    if rows:
        keep = next((row for row in rows if row.site_key == _default_site_key(apps)), rows[0])
        keep.visits_start = sum(row.visits_start for row in rows)
        keep.visits = sum(row.visits for row in rows)
        SiteCounter.objects.exclude(pk=keep.pk).delete()
        keep.save()
    latest: dict[str, object] = {}
    for reader, last_seen in SiteVisitor.objects.values_list("reader", "last_seen").iterator():
        if reader not in latest or last_seen > latest[reader]:
            latest[reader] = last_seen
    Visitor.objects.bulk_create(
        (Visitor(reader=reader, last_seen=seen) for reader, seen in latest.items()),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0006_group_views_blocks"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteVisitor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("site_key", models.PositiveIntegerField(verbose_name="site")),
                ("reader", models.CharField(max_length=40)),
                ("last_seen", models.DateTimeField(db_index=True)),
            ],
            options={
                "verbose_name": "visitor",
                "verbose_name_plural": "visitors",
            },
        ),
        migrations.AddIndex(
            model_name="sitevisitor",
            index=models.Index(fields=["site_key", "last_seen"], name="stats_site_visitor_seen"),
        ),
        migrations.AddConstraint(
            model_name="sitevisitor",
            constraint=models.UniqueConstraint(
                fields=("site_key", "reader"), name="stats_site_visitor_unique"
            ),
        ),
        migrations.AddField(
            model_name="sitecounter",
            name="site_key",
            field=models.PositiveIntegerField(default=0, unique=True, verbose_name="site"),
        ),
        migrations.RunPython(to_sites, to_one_counter),
        migrations.DeleteModel(
            name="Visitor",
        ),
    ]
