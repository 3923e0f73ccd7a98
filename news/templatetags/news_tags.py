from django import template
from wagtail.models import Site

from news.renditions import picture_sources

register = template.Library()


@register.inclusion_tag("news/includes/site_menu.html", takes_context=True)
def site_menu(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    items = []
    if site is not None:
        root = site.root_page
        items = root.get_children().live().public().in_menu().only("title", "url_path")
    return {"menu_items": items, "request": request, "current": context.get("page")}


@register.inclusion_tag("news/includes/picture.html")
def picture(image, kind="photo", alt="", loading="lazy"):
    """<picture> with WebP and JPEG sources of `image` (see news/renditions.py)."""
    return {"image": image, "alt": alt, "loading": loading, **picture_sources(image, kind)}
