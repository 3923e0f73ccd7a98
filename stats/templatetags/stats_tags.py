"""The stats template tags. A page render costs one cheap read at most: the widget and
the page's count come from one store read (one Redis pipeline or one SQL query), made
once per request by whichever tag renders first; "Đọc nhiều nhất" is kept per process
(STATS_MOST_READ_LOCAL_SECONDS) in front of the shared cache. The widget shows the
figures of the portal the page is served on, or the whole network's (sites.Portal)."""

import logging

from django import template
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils.translation import get_language
from redis.exceptions import RedisError
from wagtail.models import Site

from stats import services
from stats.services import pages, sites, widget

register = template.Library()
logger = logging.getLogger(__name__)

# A page still renders when the counters cannot be read at all (Redis failures fall
# back to the database inside the services); the numbers are then left out.
UNAVAILABLE = (DatabaseError, RedisError)
_MEMO = "_stats_numbers"
_PORTAL = "_stats_portal"


def _is_preview(context) -> bool:
    request = context.get("request")
    return bool(getattr(request, "is_preview", False))


def _counted_page(context):
    page = context.get("page")
    if page is None or not getattr(page, "pk", None) or not hasattr(page, "content_type_id"):
        return None
    return page if pages.is_counted(page) else None


def _portal(context) -> sites.Portal:
    """The portal the page is served on, as its widget shows it (kept on the request)."""
    request = context.get("request")
    portal = getattr(request, _PORTAL, None)
    if portal is None:
        portal = sites.for_request(request)
        if request is not None:
            setattr(request, _PORTAL, portal)
    return portal


def _numbers(context, page=None):
    """The request's one read: online, visits and the counted page's views."""
    page = page or _counted_page(context)
    key = None if page is None else page.pk
    request = context.get("request")
    memo = getattr(request, _MEMO, None) if request is not None else None
    if memo is not None and (key is None or memo[0] == key):
        return memo[1]
    args = () if page is None else (page.pk, page.content_type_id)
    result = widget.numbers(_portal(context), *args)
    if request is not None:
        setattr(request, _MEMO, (key, result))
    return result


@register.inclusion_tag("stats/visitor_stats.html", takes_context=True)
def visitor_stats(context):
    """The footer widget; it also carries the beacon's endpoint (none in previews). Its
    title says whether it counts the whole network."""
    network = False
    try:
        network = _portal(context).network
        numbers = _numbers(context)
        snapshot = services.Snapshot(numbers.online, numbers.visits)
    except UNAVAILABLE:
        logger.exception("stats: visitor widget unavailable")
        snapshot = None
    return {"snapshot": snapshot, "network": network, "beacon": not _is_preview(context)}


@register.inclusion_tag("stats/view_count.html", takes_context=True)
def view_count(context, page):
    """'Số lượt xem: N' for a page; the beacon replaces N with the fresh count."""
    try:
        views = _numbers(context, page).views
        if views is None:  # no counter yet: the count carried over from the old system
            views = pages.initial_count(page)
    except UNAVAILABLE:
        logger.exception("stats: view count unavailable")
        views = None
    return {"page": page, "views": views, "beacon": not _is_preview(context)}


# language -> (the lists, their HTML). The lists are this process's copy while it is
# fresh (services.most_read returns the same object), so the same HTML serves every
# page until they change: 45 entries need not be rendered on each page.
_most_read_html: dict[tuple[str, str], tuple[dict, str]] = {}


@register.simple_tag(takes_context=True)
def most_read(context, limit=None):
    """The most read of the portal the page is served on."""
    root = portal_root(context.get("request"))
    try:
        lists = services.most_read(limit, root)
    except UNAVAILABLE:
        logger.exception("stats: most read unavailable")
        return render_to_string("stats/most_read.html", {"periods": []})
    memo_key = (get_language(), root)
    memo = _most_read_html.get(memo_key)
    if memo is not None and memo[0] is lists:
        return memo[1]
    periods = [(key, label, lists[key]) for key, label in services.PERIODS]
    html = render_to_string("stats/most_read.html", {"periods": periods})
    _most_read_html[memo_key] = (lists, html)
    return html


def portal_root(request) -> str:
    """The url_path of the home page of the request's Site, from Wagtail's cached site
    root paths (no query); "" (every portal) without a request or a matching site."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return ""
    for root in Site.get_site_root_paths():
        if root.site_id == site.pk:
            return root.root_path
    return ""


@register.filter
def grouped(value):
    """43712467 -> "43.712.467", the Vietnamese grouping (as the beacon script shows it)."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return value
