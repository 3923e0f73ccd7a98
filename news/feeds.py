"""RSS 2.0 and Atom feeds: all news, and each news or event section.

/feeds/rss/                 /feeds/atom/                 every published article
/feeds/rss/<section path>/  /feeds/atom/<section path>/  one section, e.g. tin-tuc
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import path
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from . import seo
from .models import ArticlePage, EventIndexPage, EventPage, NewsIndexPage
from .text import xml_safe


def current_site(request) -> Site:
    site = Site.find_for_request(request)
    if site is None:
        site = Site.objects.select_related("root_page").get(is_default_site=True)
    return site


def section_path(section: Page) -> str:
    """A section's path below the site root, as used in feed URLs ("tin-tuc/the-thao")."""
    site = section.get_site()
    root_path = site.root_page.url_path if site else "/"
    return section.url_path[len(root_path) :].strip("/")


class XMLSafeFeedMixin:
    """Every string of the channel and its items loses the characters XML 1.0 cannot
    carry: Django refuses to serialize them, and one stored title would take every
    feed down."""

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_safe(args), **xml_safe(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_safe(args), **xml_safe(kwargs))


class SafeRssFeed(XMLSafeFeedMixin, Rss201rev2Feed):
    pass


class SafeAtomFeed(XMLSafeFeedMixin, Atom1Feed):
    pass


class NewsFeed(Feed):
    feed_type = SafeRssFeed

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request; each request works on its own copy.
        return Feed.__call__(copy.copy(self), request, *args, **kwargs)

    def get_object(self, request, section: str | None = None):
        self.request = request
        self.site = current_site(request)
        if section is None:
            return None
        url_path = f"{self.site.root_page.url_path}{section.strip('/')}/"
        page = (
            Page.objects.live()
            .public()
            .type(NewsIndexPage, EventIndexPage)
            .filter(url_path=url_path)
            .specific()
            .first()
        )
        if page is None:
            raise Http404("no such section")
        return page

    # --- the channel

    def title(self, obj):
        name = self.site.site_name or settings.WAGTAIL_SITE_NAME
        return f"{obj.title} | {name}" if obj else _("News | %(site)s") % {"site": name}

    def link(self, obj):
        return (obj or self.site.root_page).get_full_url(self.request)

    def description(self, obj):
        if obj is not None and seo.describe(obj):
            return seo.describe(obj)
        return _("The latest news from %(site)s") % {"site": self.site.site_name}

    def author_name(self, obj):
        return self.site.site_name or settings.WAGTAIL_SITE_NAME

    # --- the items

    def items(self, obj):
        if isinstance(obj, EventIndexPage):
            return list(
                EventPage.objects.published()
                .child_of(obj)
                .select_related("lead_image")
                .order_by("-first_published_at", "-pk")[: settings.FEED_ITEMS]
            )
        scope = obj or self.site.root_page
        return list(
            ArticlePage.objects.published()
            .descendant_of(scope)
            .newest()
            .for_listing()
            .with_authors()[: settings.FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        if isinstance(item, ArticlePage):
            return item.published_at
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)

    def item_author_name(self, item):
        if isinstance(item, ArticlePage):
            return ", ".join(author.name for author in item.authors) or None
        return item.organiser or None

    def item_categories(self, item):
        if isinstance(item, ArticlePage):
            names = [item.category.name] if item.category_id else []
            return names + [tag.name for tag in item.tags.all()]
        return ()

    def item_enclosures(self, item):
        image = item.listing_image if isinstance(item, ArticlePage) else item.lead_image
        social = seo.social_image(image, item.title, seo.site_root(item, self.request))
        if social is None:
            return []
        return [Enclosure(social.url, str(social.length), social.mime_type)]


class NewsAtomFeed(NewsFeed):
    feed_type = SafeAtomFeed

    def subtitle(self, obj):
        return self.description(obj)


app_name = "feeds"
urlpatterns = [
    path("rss/", NewsFeed(), name="rss"),
    path("atom/", NewsAtomFeed(), name="atom"),
    path("rss/<path:section>/", NewsFeed(), name="section-rss"),
    path("atom/<path:section>/", NewsAtomFeed(), name="section-atom"),
]
