"""What the newsroom's roles may delete and replace, beyond Wagtail's defaults (docs/workflow.md).

Wagtail lets anyone with edit rights delete a page that is not live, whoever wrote it and
whatever its lock, workflow or schedule, and lets a moderator delete a whole section (or
the home page, with everything under it) in one request. It also lets an uploader replace
or delete their own photo or document at any time, even while a published article shows
it. The two classes below narrow that:

- NewsroomPagePermissionTester: administrators (superusers) alone delete or move a page
  that holds pages (the home page, a section) or has pages under it; nobody else deletes
  or moves a page locked against them (by a colleague, by a workflow they do not review,
  or by a publishing schedule); and a user without publish rights there (a reporter)
  deletes only their own drafts that are in no workflow.
- InUseFilesPermissionPolicy: a user whose right to change a file comes only from having
  uploaded it (reporters) may no longer replace or delete it once a live page or a snippet
  (an author's photo) uses it; that takes the collection's change permission (moderators).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from wagtail.models import Page, PagePermissionTester, ReferenceIndex
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy


class NewsroomPagePermissionTester(PagePermissionTester):
    def can_delete(self, ignore_bulk=False):
        if not super().can_delete(ignore_bulk=ignore_bulk):
            return False
        if self.user.is_superuser:
            return True
        page = self.page
        page_class = page.specific_class
        if page_class is None or page_class.allowed_subpage_models() or not page.is_leaf():
            return False
        lock = page.get_lock()
        if lock is not None and lock.for_user(self.user):
            return False
        if "publish" in self.permissions:
            return True
        return (
            page.owner_id == self.user.pk
            and not page.workflow_in_progress
            and not page.approved_schedule
        )


def used_live(model):
    """A filter for `model` rows that a live page or any non-page object refers to.

    Pages are indexed by their live row, so a reference from a live page is one a reader
    sees; snippets (authors) have no draft state and are always shown as they are.
    """
    page_type = ContentType.objects.get_for_model(Page)
    live_page_ids = Page.objects.live().annotate(key=Cast("pk", CharField())).values("key")
    references = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(model),
        to_object_id=Cast(OuterRef("pk"), CharField()),
    ).filter(~Q(base_content_type=page_type) | Q(object_id__in=live_page_ids))
    return Exists(references)


class InUseFilesPermissionPolicy(CollectionOwnershipPermissionPolicy):
    EDITS = frozenset({"change", "delete"})

    def user_has_any_permission_for_instance(self, user, actions, instance):
        actions = set(actions)
        edits = actions & self.EDITS
        others = actions - edits
        if others and super().user_has_any_permission_for_instance(user, others, instance):
            return True
        if not edits or not super().user_has_any_permission_for_instance(user, edits, instance):
            return False
        if self._check_perm(user, ["change"], collection=instance.collection):
            return True
        return (
            not self.model._default_manager.filter(pk=instance.pk)
            .filter(used_live(self.model))
            .exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        actions = set(actions)
        if user.is_superuser or not (actions & self.EDITS):
            return instances
        # Owned files that a reader sees drop out, unless another action asked for
        # (choose) still applies to them.
        still_allowed = Q(collection__in=self._collections_with_perm(user, ["change"]))
        if "choose" in actions:
            still_allowed |= Q(collection__in=self._collections_with_perm(user, ["choose"]))
        return instances.alias(in_use=used_live(self.model)).exclude(
            ~still_allowed & Q(in_use=True)
        )
