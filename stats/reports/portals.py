"""The portals' own figures in the reports.

A counted page belongs to the deepest Site whose home holds it (the rule of
stats.services.sites), and stats keeps that membership as a group of pages of kind
"site" (stats.reports.groups): the group trigger then adds every view to its portal's
blocks of days in the same transaction as the write, so a portal's views per day are
its group's one-day blocks and its breakdowns keep to its pages. stats imports no app:
the key is the Site's id, as for visits (SiteCounter, DailySiteVisits).

Membership follows the pages: a counter created (a page's first counted view), a page
moved (with its subtree), a Site added, removed or given another home
(stats.signals); stats_backfill_daily and migration 0008 rebuild it.

Which portals an editor's reports show (`scope`): the whole province (None) when the
pages the editor may explore hold the home of every portal (the province's editors,
superusers; any editor of an installation with one portal), who may narrow to one
portal with the `portal` filter; otherwise the one portal those pages belong to (or,
for pages above several portals' homes but not all, the deepest holding them),
whatever the filter says.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from hitcount.models import HitCount
from wagtail.models import Page, Site

from stats.models import PageGroup
from stats.services import sites

from . import groups

SITE = "site"
PORTAL_PARAMETER = "portal"
WHOLE_PROVINCE = _("Whole province")


def memberships(page_ids=None) -> dict[int, int | None]:
    """{page id: site key or None} of the counted pages (of those given, if any)."""
    pages = Page.objects.filter(pk__in=HitCount.objects.values("object_pk"))
    if page_ids is not None:  # ids or a query of them (a moved subtree: a subquery)
        pages = pages.filter(pk__in=page_ids)
    known = sites.homes()
    return {pk: sites.portal_of(path, known) for pk, path in pages.values_list("pk", "path")}


class SiteGroups(groups.GroupSource):
    kind = SITE

    def members(self):
        return [(page, key) for page, key in memberships().items() if key is not None]


def regroup(page_ids=None) -> None:
    """Counted pages (every one without page_ids) join their portal's group as things
    stand; only those whose portal changed are moved (set_members locks their
    counters and moves their views so far)."""
    wanted = memberships(page_ids)
    current = PageGroup.objects.filter(kind=SITE)
    if page_ids is not None:
        current = current.filter(page__in=page_ids)
    now: dict[int, set[int]] = {}
    for page, key in current.values_list("page", "group_key"):
        now.setdefault(page, set()).add(key)
    changed = {
        page: [] if key is None else [key]
        for page, key in wanted.items()
        if now.get(page, set()) != ({key} if key is not None else set())
    }
    groups.set_members(SITE, changed)


def regroup_subtree(page: Page) -> None:
    """A page moved: it and its descendants may belong to another portal now."""
    regroup(Page.objects.filter(path__startswith=page.path).values_list("pk", flat=True))


def editor_scope(request) -> int | None:
    """The portal whose figures the editor's reports show, None for every portal
    (worked out once per request)."""
    key = getattr(request, "_stats_editor_scope", False)
    if key is False:
        key = request._stats_editor_scope = _editor_scope(request)
    return key


def _editor_scope(request) -> int | None:
    root = sites.explorable_root(request)
    if root is None:  # no page to explore: at most the portal of the admin's host
        return sites.for_request(request).key
    known = sites.homes()
    within = [key for path, key in known if path.startswith(root.path)]
    if len(within) == len(known):  # every portal's home (or the only one's)
        return None
    key = sites.portal_of(root.path, known)
    if key is None:
        key = within[0] if within else sites.for_request(request).key
    return key


def choices() -> list[tuple[str, str]]:
    """The portal filter's choices for an editor of every portal."""
    return [("", WHOLE_PROVINCE)] + [
        (str(pk), name or host)
        for pk, name, host in Site.objects.order_by(
            "-is_default_site", "site_name", "pk"
        ).values_list("pk", "site_name", "hostname")
    ]


def scope(request) -> int | None:
    """The portal of the request's reports: the editor's own, or for an editor of every
    portal the one chosen with ?portal=<site id> (anything else: every portal)."""
    key = getattr(request, "_stats_report_scope", False)
    if key is not False:
        return key
    key = editor_scope(request)
    if key is None:
        chosen = request.GET.get(PORTAL_PARAMETER, "")
        if (
            chosen.isascii()
            and chosen.isdigit()
            and len(chosen) < 10
            and Site.objects.filter(pk=int(chosen)).exists()
        ):
            key = int(chosen)
    request._stats_report_scope = key
    return key


def label(key: int | None) -> str:
    if key is None:
        return str(WHOLE_PROVINCE)
    site = Site.objects.filter(pk=key).values_list("site_name", "hostname").first()
    return (site[0] or site[1]) if site else ""
