"""The newsroom's roles and its moderation workflow (docs/workflow.md).

- "Biên tập viên" (editors): reach the admin, create and edit pages under the home page,
  submit them for approval; upload and choose images and documents; add authors.
- "Thư ký tòa soạn" (moderators): everything editors do, plus publish, unpublish,
  schedule, lock and unlock, and approve or reject in the workflow.
- Administrators are superusers: they manage users, groups and settings.

The workflow "Duyệt tin bài" has one task, approval by "Thư ký tòa soạn". It is assigned
to every news and event section existing now; news.signals assigns it to new ones.
"""

from django.db import migrations

EDITORS = "Biên tập viên"
MODERATORS = "Thư ký tòa soạn"
WORKFLOW = "Duyệt tin bài"
TASK = "Thư ký tòa soạn duyệt"

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MODERATOR_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
    "bulk_delete_page",
]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "image", ["add_image", "change_image", "choose_image"]),
    ("wagtaildocs", "document", ["add_document", "change_document", "choose_document"]),
]
EDITOR_MODEL_PERMISSIONS = [
    ("news", "author", ["add_author", "change_author", "view_author"]),
    ("news", "category", ["view_category"]),
]
MODERATOR_MODEL_PERMISSIONS = [
    ("news", "author", ["add_author", "change_author", "view_author", "delete_author"]),
    ("news", "category", ["add_category", "change_category", "view_category"]),
]


def setup(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    def permission(app_label, model, codename):
        # Permissions are normally created after migrating; create the ones needed here.
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        action, _, _ = codename.partition("_")
        perm, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": f"Can {action} {model}"},
        )
        return perm

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    access_admin = permission("wagtailadmin", "admin", "access_admin")
    home = Page.objects.filter(depth=2).order_by("path").first() or Page.objects.get(depth=1)
    root_collection = Collection.objects.filter(depth=1).first()

    for group, page_permissions, model_permissions in (
        (editors, EDITOR_PAGE_PERMISSIONS, EDITOR_MODEL_PERMISSIONS),
        (moderators, MODERATOR_PAGE_PERMISSIONS, MODERATOR_MODEL_PERMISSIONS),
    ):
        group.permissions.add(access_admin)
        for codename in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=home, permission=permission("wagtailcore", "page", codename)
            )
        for app_label, model, codenames in model_permissions:
            group.permissions.add(*(permission(app_label, model, c) for c in codenames))
        if root_collection is not None:
            for app_label, model, codenames in COLLECTION_PERMISSIONS:
                for codename in codenames:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group,
                        collection=root_collection,
                        permission=permission(app_label, model, codename),
                    )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK, content_type=task_type, active=True)
    task.groups.set([moderators])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    section_types = ContentType.objects.filter(
        app_label="news", model__in=["newsindexpage", "eventindexpage"]
    )
    for section in Page.objects.filter(content_type__in=section_types):
        WorkflowPage.objects.get_or_create(page=section, defaults={"workflow": workflow})


def teardown(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=WORKFLOW).delete()
    Task.objects.filter(name=TASK).delete()
    Group.objects.filter(name__in=[EDITORS, MODERATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0002_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(setup, teardown)]
