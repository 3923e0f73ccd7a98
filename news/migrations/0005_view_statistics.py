"""Who reads the statistics (docs/stats.md, "Reports"): the permission "Xem thống kê"
(stats.view_statistics) goes to the reporters' groups ("Biên tập viên" and every
"Biên tập viên – <section>") and to the moderators ("Thư ký tòa soạn"). A section group
created later copies the reporters' rights (news.roles), this one included.

The reverse takes the permission away from those groups.
"""

from django.db import migrations

EDITORS = "Biên tập viên"
MODERATORS = "Thư ký tòa soạn"
CODENAME = "view_statistics"
NAME = "Xem thống kê"


def _groups(Group):
    return Group.objects.filter(name__in=[EDITORS, MODERATORS]) | Group.objects.filter(
        name__startswith=f"{EDITORS} – "
    )


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Permissions are otherwise created after all migrations (post_migrate).
    content_type, _ = ContentType.objects.get_or_create(app_label="stats", model="dailysitestats")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": NAME}
    )
    for group in _groups(Group):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="stats", codename=CODENAME
    ).first()
    if permission is not None:
        for group in _groups(Group):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0004_newsroom_roles_hold"),
        ("stats", "0003_daily_site_stats"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
