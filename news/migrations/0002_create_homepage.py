from django.db import migrations


def create_homepage(apps, schema_editor):
    """Replace Wagtail's welcome page with the portal's home page and make it the site root."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("news.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    if HomePage.objects.exists():
        return
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="news")
    locale = Locale.objects.order_by("pk").first()
    root = Page.objects.get(depth=1)
    homepage = HomePage.objects.create(
        title="Trang chủ",
        draft_title="Trang chủ",
        slug="home",
        content_type=content_type,
        path=f"{root.path}{(root.numchild + 1):04d}",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        has_unpublished_changes=False,
    )
    root.numchild += 1
    root.save(update_fields=["numchild"])
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=homepage,
        is_default_site=True,
        site_name="Cổng thông tin điện tử",
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("news.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
