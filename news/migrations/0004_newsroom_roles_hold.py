"""The newsroom's roles hold (docs/workflow.md).

- Reporters ("Biên tập viên") keep add and choose on photos and documents, and lose
  change: they edit only their own uploads, and only while no live page or author uses
  them (news.permissions.InUseFilesPermissionPolicy). Moderators keep change.
- Reporters add authors but no longer change them: an author's name and role show at
  once on every published article (and in its JSON-LD), so only moderators edit them.
- Wagtail's own groups "Editors" and "Moderators" are folded into the newsroom's: their
  members join "Biên tập viên" and "Thư ký tòa soạn", and the groups go (with their
  delete rights on files). Wagtail's "Moderators approval" workflow goes too; the pages
  it covered (the root, so the home page) get the newsroom's workflow "Duyệt tin bài",
  which the moderators approve. A workflow that already has history is kept inactive.

The reverse does nothing: the folded groups and rights are not brought back.
"""

from django.db import migrations

EDITORS = "Biên tập viên"
MODERATORS = "Thư ký tòa soạn"
WORKFLOW = "Duyệt tin bài"
WAGTAIL_GROUPS = {"Editors": EDITORS, "Moderators": MODERATORS}
WAGTAIL_WORKFLOW = "Moderators approval"
EDITOR_LOSES_ON_COLLECTIONS = [
    ("wagtailimages", "change_image"),
    ("wagtaildocs", "change_document"),
]
EDITOR_LOSES = [("news", "change_author")]


def hold(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        for app_label, codename in EDITOR_LOSES_ON_COLLECTIONS:
            GroupCollectionPermission.objects.filter(
                group=editors,
                permission__content_type__app_label=app_label,
                permission__codename=codename,
            ).delete()
        for app_label, codename in EDITOR_LOSES:
            editors.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )

    for old_name, new_name in WAGTAIL_GROUPS.items():
        old = Group.objects.filter(name=old_name).first()
        if old is None:
            continue
        new, _ = Group.objects.get_or_create(name=new_name)
        new.user_set.add(*old.user_set.all())
        old.delete()

    fold_wagtail_workflow(apps)


def fold_wagtail_workflow(apps):
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    Task = apps.get_model("wagtailcore", "Task")
    TaskState = apps.get_model("wagtailcore", "TaskState")

    newsroom = Workflow.objects.filter(name=WORKFLOW).first()
    if newsroom is None:
        return
    for workflow in Workflow.objects.filter(name=WAGTAIL_WORKFLOW):
        WorkflowPage.objects.filter(workflow=workflow).update(workflow=newsroom)
        task_ids = list(workflow.workflow_tasks.values_list("task_id", flat=True))
        if WorkflowState.objects.filter(workflow=workflow).exists():
            # Its history stays readable; nothing new starts in it.
            workflow.active = False
            workflow.save(update_fields=["active"])
            continue
        workflow.delete()
        Task.objects.filter(pk__in=task_ids, workflow_tasks__isnull=True).exclude(
            pk__in=TaskState.objects.values("task_id")
        ).delete()

    root = Page.objects.filter(depth=1).first()
    if root is not None:
        WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": newsroom})


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0003_newsroom_workflow"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(hold, migrations.RunPython.noop)]
