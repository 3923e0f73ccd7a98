"""District portals: one installation serves the province and any number of districts.

Each portal is a Wagtail Site with its own host name and HomePage (docs/operations.md).
The province is the default Site; its newsroom groups ("Biên tập viên", "Thư ký tòa
soạn") hold their rights on the province home, on every district home and on the root
collection, so province staff work everywhere. A district gets:

- a home page at the top of the tree, the standard sections and a Site for its host;
- "<name> – Biên tập viên" and "<name> – Thư ký tòa soạn": the newsroom groups' model
  rights, their page rights on the district home only, their file rights on the
  district's own collection only, and the right to choose from the shared collection;
- its own moderation workflow, approved by its moderators (and the province's), on its
  home, so every page below follows it.

`create_portal` is idempotent: run again, it completes what is missing and changes
nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import EventIndexPage, HomePage, NewsIndexPage, Portal
from .text import ascii_slug

STANDARD_SECTIONS = [
    ("tin-tuc-su-kien", "Tin tức - Sự kiện"),
    ("chinh-tri", "Chính trị"),
    ("kinh-te-xa-hoi", "Kinh tế - Xã hội"),
]
EVENTS_SECTION = ("su-kien", "Lịch sự kiện")
SHARED_COLLECTION = "Dùng chung"
# What district staff may do in the shared collection: use its files, not change them.
SHARED_PERMISSIONS = ("choose_image", "choose_document")
NAME_MAX_LENGTH = 100
HOME_TITLE = "Trang chủ"


class PortalError(ValueError):
    """Input that cannot make a portal; the message says why, in the editors' language."""


@dataclass
class PortalResult:
    portal: Portal
    home: HomePage
    sections: dict[str, Page]
    created: list[str] = field(default_factory=list)


def group_name(portal_name: str, role: str) -> str:
    return f"{portal_name} – {role}"


def clean_host(hostname: str) -> str:
    host = (hostname or "").strip().lower().rstrip(".")
    if not host or any(c in host for c in "/:@ "):
        raise PortalError(
            _("“%(host)s” is not a host name (write it without http:// or a port).")
            % {"host": hostname}
        )
    try:
        DomainNameValidator(accept_idna=False)(host)
    except ValidationError:
        raise PortalError(_("“%(host)s” is not a host name.") % {"host": hostname}) from None
    return host


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or not ascii_slug(name):
        raise PortalError(_("A portal needs a name with letters or digits."))
    if len(name) > NAME_MAX_LENGTH:
        raise PortalError(
            _("A portal's name has at most %(count)d characters.") % {"count": NAME_MAX_LENGTH}
        )
    return name


def shared_collection() -> Collection:
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name=SHARED_COLLECTION).first()
    return found or root.add_child(name=SHARED_COLLECTION)


def _check_free(name: str, host: str, slug: str) -> Portal | None:
    """The existing portal for (name, host), or None; PortalError on a clash."""
    portal = Portal.objects.select_related("site").filter(name=name).first()
    site = Site.objects.filter(hostname=host).first()
    if portal is not None:
        if portal.site.hostname != host:
            raise PortalError(
                _("The portal “%(name)s” already serves %(host)s.")
                % {"name": name, "host": portal.site.hostname}
            )
        return portal
    if site is not None:
        if site.is_default_site:
            raise PortalError(_("%(host)s is the province portal.") % {"host": host})
        raise PortalError(_("%(host)s already serves another portal.") % {"host": host})
    if Page.objects.filter(depth=2, slug=slug).exists():
        raise PortalError(
            _("A home page with the slug “%(slug)s” already exists; choose another name.")
            % {"slug": slug}
        )
    return None


def create_portal(name: str, hostname: str, *, site_name: str = "", port: int = 80) -> PortalResult:
    """The district portal `name` at `hostname`, created or completed. Idempotent."""
    name, host = clean_name(name), clean_host(hostname)
    slug = ascii_slug(name)
    with transaction.atomic():
        portal = _check_free(name, host, slug)
        created: list[str] = []
        if portal is None:
            home = Page.get_first_root_node().add_child(
                instance=HomePage(title=HOME_TITLE, slug=slug)
            )
            home.save_revision().publish()
            site = Site.objects.create(
                hostname=host, port=port, root_page=home, site_name=site_name or name
            )
            collection = Collection.get_first_root_node().add_child(name=name)
            portal = Portal(site=site, name=name, collection=collection)
            created.append(f"Created portal {name} at {host}")
        else:
            home = portal.site.root_page.specific
        portal.editors, new_editors = Group.objects.get_or_create(
            name=group_name(name, settings.NEWSROOM_EDITORS_GROUP)
        )
        portal.moderators, new_moderators = Group.objects.get_or_create(
            name=group_name(name, settings.NEWSROOM_MODERATORS_GROUP)
        )
        portal.save()
        created += [
            f"Created group {g.name}"
            for g, new in ((portal.editors, new_editors), (portal.moderators, new_moderators))
            if new
        ]
        grant_rights(portal)
        if ensure_workflow(portal):
            created.append(f"Created workflow {portal.workflow.name}")
        # The per-site settings (banner, footer, agency details) get their row here once
        # their model exists; docs/operations.md lists them for the administrator.
        sections = {}
        for section_slug, title in STANDARD_SECTIONS:
            sections[section_slug] = ensure_child(home, NewsIndexPage, section_slug, title, created)
        events_slug, events_title = EVENTS_SECTION
        sections[events_slug] = ensure_child(
            home, EventIndexPage, events_slug, events_title, created
        )
    return PortalResult(portal=portal, home=home, sections=sections, created=created)


def ensure_child(home, model, slug, title, created) -> Page:
    page = model.objects.child_of(home).filter(slug=slug).first()
    if page is None:
        page = home.add_child(instance=model(title=title, slug=slug, show_in_menus=True))
        page.save_revision().publish()
        created.append(f"Created section {title}")
    return page


def grant_rights(portal: Portal) -> None:
    """The district groups get the newsroom groups' rights, confined to the district;
    the province groups get their page rights on the district home too."""
    home = portal.site.root_page
    shared = shared_collection()
    shared_perms = Permission.objects.filter(codename__in=SHARED_PERMISSIONS)
    for role, group in (
        (settings.NEWSROOM_EDITORS_GROUP, portal.editors),
        (settings.NEWSROOM_MODERATORS_GROUP, portal.moderators),
    ):
        province = Group.objects.get(name=role)
        group.permissions.add(*province.permissions.all())
        page_perms = set(province.page_permissions.values_list("permission_id", flat=True))
        for permission_id in page_perms:
            for holder in (group, province):
                GroupPagePermission.objects.get_or_create(
                    group=holder, page=home, permission_id=permission_id
                )
        for permission_id in set(
            province.collection_permissions.values_list("permission_id", flat=True)
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=portal.collection, permission_id=permission_id
            )
        for permission in shared_perms:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=shared, permission=permission
            )


def ensure_workflow(portal: Portal) -> bool:
    """The district's own moderation workflow on its home; True if it was created."""
    if portal.workflow_id is not None:
        WorkflowPage.objects.get_or_create(
            page=portal.site.root_page, defaults={"workflow": portal.workflow}
        )
        return False
    province_moderators = Group.objects.get(name=settings.NEWSROOM_MODERATORS_GROUP)
    task = GroupApprovalTask.objects.create(
        name=group_name(portal.name, settings.NEWSROOM_MODERATORS_GROUP), active=True
    )
    task.groups.set([portal.moderators, province_moderators])
    workflow = Workflow.objects.create(
        name=f"{settings.NEWSROOM_WORKFLOW_NAME} – {portal.name}", active=True
    )
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(
        page=portal.site.root_page, defaults={"workflow": workflow}
    )
    portal.workflow = workflow
    portal.save(update_fields=["workflow"])
    return True
