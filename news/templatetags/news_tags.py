from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Site

from core.pagecache import cached_until_publish

register = template.Library()


MENU_CACHE_SECONDS = 3600


@register.inclusion_tag("news/includes/site_menu.html", takes_context=True)
def site_menu(context):
    """The sections shown in menus, kept in the cache until the next publish."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"menu_items": []}

    def build():
        children = site.root_page.get_children().live().public().in_menu()
        return [
            {"title": page.title, "url": page.relative_url(site), "path": page.url_path}
            for page in children.only("title", "url_path")
        ]

    items = cached_until_publish(f"site-menu:{site.pk}", build, MENU_CACHE_SECONDS)
    current = context.get("page")
    current_path = getattr(current, "url_path", "")
    return {
        "menu_items": [{**item, "current": current_path.startswith(item["path"])} for item in items]
    }


FRAGMENT_CACHE_SECONDS = 3600


def _fragment(context, name: str, page, template_name: str, build_context):
    """`template_name` rendered once with `build_context()` and kept in the cache until
    the next publish or privacy change: its queries and its cards are the same for every
    reader. Previews render it afresh (a draft's choices may differ)."""
    request = context.get("request")

    def render():
        return render_to_string(template_name, build_context(), request=request)

    if request is None or getattr(request, "is_preview", False):
        return render()
    return mark_safe(  # noqa: S308 - the template's own output, escaped when rendered
        cached_until_publish(
            f"news:{name}:{page.pk}:{get_language()}", render, FRAGMENT_CACHE_SECONDS
        )
    )


@register.simple_tag(takes_context=True)
def related_articles(context, page):
    """An article's related-articles block."""
    return _fragment(
        context,
        "related",
        page,
        "news/includes/related_articles.html",
        lambda: {"related": page.get_related_articles()},
    )


@register.simple_tag(takes_context=True)
def home_stories(context, page):
    """The home page's featured story, latest headlines and section blocks."""
    return _fragment(context, "home", page, "news/includes/home_stories.html", page.get_stories)
