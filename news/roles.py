"""Reporters confined to one section (docs/workflow.md).

"Biên tập viên" holds the reporters' rights over the province portal (and, through the
district homes, every portal); a district's "<district> – Biên tập viên" holds them over
that district (news.portals). A section's own group, "Biên tập viên – <section>", gets
its portal's reporters' rights on files, authors and categories, and their page rights
on that section alone; a reporter put only in it can neither open nor change a page
elsewhere. A district's section groups carry the district's name: "Biên tập viên –
<section> (<district>)".
"""

from django.conf import settings
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from .models import Portal


def section_group_name(section) -> str:
    portal = Portal.for_page(section)
    suffix = f" ({portal.name})" if portal is not None else ""
    return f"{settings.NEWSROOM_EDITORS_GROUP} – {section.title}{suffix}"


def ensure_section_reporters(section) -> tuple[Group, bool]:
    """The section's reporters' group, created or completed from its portal's reporters."""
    portal = Portal.for_page(section)
    if portal is not None:
        base = portal.editors
    else:
        base = Group.objects.get(name=settings.NEWSROOM_EDITORS_GROUP)
    group, created = Group.objects.get_or_create(name=section_group_name(section))
    group.permissions.add(*base.permissions.all())
    for grant in base.collection_permissions.all():
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection_id=grant.collection_id, permission_id=grant.permission_id
        )
    for permission_id in set(base.page_permissions.values_list("permission_id", flat=True)):
        GroupPagePermission.objects.get_or_create(
            group=group, page=section, permission_id=permission_id
        )
    return group, created
