"""The frame every public page shares: banner, date bar, breadcrumbs and footer.

The banner and footer come from the site's PortalSettings and are kept in the cache
until the next publish (saving the settings bumps the page cache's generation too),
so a page render reads no database for them.
"""

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.pagecache import cached_until_publish
from core.paging import page_links, query_url
from core.routing import ANCESTORS_ATTRIBUTE, site_for_request

register = template.Library()

FRAME_CACHE_SECONDS = 3600
EMBLEM_SPEC = "height-128"  # twice the banner's height, for sharp screens

# Monday first, as date.weekday() counts. A context keeps them from overriding
# Django's own weekday names (the admin's calendar).
WEEKDAYS = (
    pgettext_lazy("date bar", "Monday"),
    pgettext_lazy("date bar", "Tuesday"),
    pgettext_lazy("date bar", "Wednesday"),
    pgettext_lazy("date bar", "Thursday"),
    pgettext_lazy("date bar", "Friday"),
    pgettext_lazy("date bar", "Saturday"),
    pgettext_lazy("date bar", "Sunday"),
)


def _frame_for(site) -> dict:
    from core.models import PortalSettings  # models load after the tag libraries

    found = PortalSettings.objects.filter(site=site).select_related("emblem").first()
    frame = {
        "name": (found and found.portal_name) or site.site_name or "",
        "tagline": found.tagline if found else "",
        "emblem": None,
    }
    for field in (
        "owner_agency",
        "responsible_person",
        "address",
        "phone",
        "email",
        "licence",
        "source_notice",
    ):
        frame[field] = getattr(found, field, "") if found else ""
    if found and found.emblem:
        rendition = found.emblem.get_rendition(EMBLEM_SPEC)
        frame["emblem"] = {
            "url": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
        }
    return frame


# The footer's lines, in the order Decree 42/2022/NĐ-CP lists them.
FOOTER_FACTS = (
    ("owner", "owner_agency", pgettext_lazy("footer", "Owning agency")),
    ("responsible", "responsible_person", pgettext_lazy("footer", "Person in charge")),
    ("address", "address", pgettext_lazy("footer", "Address")),
    ("phone", "phone", pgettext_lazy("footer", "Phone")),
    ("email", "email", pgettext_lazy("footer", "Email")),
)


def _href(name: str, value: str) -> str | None:
    if name == "phone":
        return "tel:" + "".join(ch for ch in value if ch.isdigit() or ch == "+")
    if name == "email":
        return "mailto:" + value
    return None


@register.simple_tag(takes_context=True)
def portal_frame(context) -> dict:
    """The site's frame as a plain dict (cached until the next publish), with the
    footer's filled-in lines as `facts`."""
    request = context.get("request")
    site = site_for_request(request) if request is not None else None
    if site is None:
        return {"name": "", "emblem": None, "facts": []}
    frame = cached_until_publish(
        f"portal-frame:{site.pk}", lambda: _frame_for(site), FRAME_CACHE_SECONDS
    )
    facts = [
        {"name": name, "label": label, "value": frame[field], "href": _href(name, frame[field])}
        for name, field, label in FOOTER_FACTS
        if frame.get(field)
    ]
    return {**frame, "facts": facts}


@register.inclusion_tag("core/date_bar.html")
def date_bar() -> dict:
    """ "Thứ Bảy, 05/12/2026": today in the site's time zone."""
    today = timezone.localdate()
    return {"today": today, "weekday": WEEKDAYS[today.weekday()]}


def _trail_pages(page, site):
    """The page's ancestors below the site root, oldest first, with as few queries as
    the router allows: none when it loaded them, else the parent (often already
    loaded), else one query."""
    root_depth = site.root_page.depth
    if page.depth <= root_depth + 1:
        return []
    chain = getattr(page, ANCESTORS_ATTRIBUTE, None)
    if chain is not None:
        return [ancestor for ancestor in chain if ancestor.depth > root_depth]
    if page.depth == root_depth + 2:
        return [page.get_parent()]
    return list(page.get_ancestors().filter(depth__gt=root_depth))


@register.inclusion_tag("core/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page=None, current=None) -> dict:
    """Home › section › … › this page. `current` names a page that is no Wagtail page
    (the search page)."""
    request = context.get("request")
    site = site_for_request(request) if request is not None else None
    page = page if page is not None else context.get("page")
    items = []
    if page is not None and site is not None and getattr(page, "depth", None):
        if page.pk == site.root_page_id:
            return {"items": []}
        for ancestor in _trail_pages(page, site):
            items.append({"title": ancestor.title, "url": ancestor.relative_url(site)})
        items.append({"title": page.title, "url": None})
    elif current:
        items.append({"title": current, "url": None})
    else:
        return {"items": []}
    return {"items": [{"title": _("Home"), "url": "/"}, *items]}


@register.inclusion_tag("core/pagination.html", takes_context=True)
def pagination(context, page_obj=None, links=None) -> dict:
    """Numbered pages for a Django page object (listings) or ready links (search)."""
    if links is None and page_obj is not None:
        request = context.get("request")
        query = request.GET if request is not None else QueryDict()
        links = page_links(
            page_obj.number, page_obj.paginator.num_pages, lambda n: query_url(query, n)
        )
    return {"pages": links}
