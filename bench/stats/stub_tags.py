"""The stats template tags replaced by constants: the page without widget and counter."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def visitor_stats():
    return ""


@register.simple_tag
def most_read(limit=None):
    return ""


@register.simple_tag
def view_count(page):
    return mark_safe("0")  # noqa: S308 - a constant


@register.filter
def grouped(value):
    return value
