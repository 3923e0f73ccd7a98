"""Metadata tags for <head>: see news/seo.py and news/templates/news/includes/meta.html."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe
from wagtail.models import Page

from news import seo

register = template.Library()

# As Django's json_script: nothing in the data can close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def page_meta(context):
    """PageMeta for the page being rendered; None on non-page views and in previews."""
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page) or not page.pk or getattr(request, "is_preview", False):
        return None
    return seo.page_meta(page, request)


@register.filter
def jsonld(data):
    """A schema.org data block. It is not executed, so the CSP does not concern it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.simple_tag(takes_context=True)
def section_feed_path(context):
    """The feed path of the section being shown, if the page is a section."""
    page = context.get("page")
    if not isinstance(page, Page) or not page.pk:
        return ""
    from news.feeds import section_path
    from news.models import EventIndexPage, NewsIndexPage

    if isinstance(page.specific, NewsIndexPage | EventIndexPage):
        return section_path(page)
    return ""
