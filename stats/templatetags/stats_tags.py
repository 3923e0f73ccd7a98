import logging

from django import template
from django.db import DatabaseError
from redis.exceptions import RedisError

from stats import services
from stats.services.targets import rendered_count

register = template.Library()
logger = logging.getLogger(__name__)

# A page still renders when the counters cannot be read; the widget is left out.
UNAVAILABLE = (DatabaseError, RedisError)


def _is_preview(context) -> bool:
    request = context.get("request")
    return bool(getattr(request, "is_preview", False))


@register.inclusion_tag("stats/visitor_stats.html", takes_context=True)
def visitor_stats(context):
    """The footer widget; it also carries the beacon's endpoint (none in previews)."""
    try:
        snapshot = services.snapshot()
    except UNAVAILABLE:
        logger.exception("stats: visitor widget unavailable")
        snapshot = None
    return {"snapshot": snapshot, "beacon": not _is_preview(context)}


@register.inclusion_tag("stats/view_count.html", takes_context=True)
def view_count(context, page):
    """'Số lượt xem: N' for a page; the beacon replaces N with the fresh count."""
    try:
        views = rendered_count(page)
    except UNAVAILABLE:
        logger.exception("stats: view count unavailable")
        views = None
    return {"page": page, "views": views, "beacon": not _is_preview(context)}


@register.inclusion_tag("stats/most_read.html")
def most_read(limit=None):
    try:
        lists = services.most_read(limit)
    except UNAVAILABLE:
        logger.exception("stats: most read unavailable")
        return {"periods": []}
    return {"periods": [(key, label, lists[key]) for key, label in services.PERIODS]}


@register.filter
def grouped(value):
    """43712467 -> "43.712.467", the Vietnamese grouping (as the beacon script shows it)."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return value
