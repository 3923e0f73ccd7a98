"""Page metadata for search engines and social networks: canonical URL, Open Graph,
Twitter cards and schema.org JSON-LD (NewsArticle, Event)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page, Site

from news.renditions import memo_key, remembered
from news.text import xml_safe

SOCIAL_IMAGE_SPEC = "fill-1200x630"
DESCRIPTION_CHARS = 200


@dataclass
class SocialImage:
    url: str
    width: int
    height: int
    alt: str
    mime_type: str
    length: int


@dataclass
class PageMeta:
    canonical: str
    title: str
    description: str
    og_type: str
    site_name: str
    image: SocialImage | None = None
    published: datetime | None = None
    modified: datetime | None = None
    section: str = ""
    tags: list[str] = field(default_factory=list)
    structured_data: dict | None = None


def site_root(page: Page, request=None) -> str:
    # The request's site is already known (and cached on the request); a page's own
    # get_site() would cost queries on every render.
    site = (Site.find_for_request(request) if request is not None else None) or page.get_site()
    return site.root_url if site else ""


def site_name(request=None) -> str:
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    return (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME


def absolute(url: str, root: str) -> str:
    return url if url.startswith(("http://", "https://")) else root.rstrip("/") + url


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat()


def social_image(image, alt: str, root: str) -> SocialImage | None:
    """The lead image as a 1200x630 rendition (smaller originals are not enlarged)."""
    if image is None:
        return None
    url, width, height, mime_type, length = remembered(
        memo_key(image, SOCIAL_IMAGE_SPEC), lambda: _social_rendition(image)
    )
    return SocialImage(
        url=absolute(url, root),
        width=width,
        height=height,
        alt=alt,
        mime_type=mime_type,
        length=length,
    )


def _social_rendition(image) -> tuple:
    rendition = image.get_rendition(SOCIAL_IMAGE_SPEC)
    try:
        length = rendition.file.size
    except OSError:
        length = 0
    mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
    return rendition.url, rendition.width, rendition.height, mime_type, length


def describe(page: Page) -> str:
    text = page.search_description or getattr(page, "lead", "") or ""
    if not text and getattr(page, "intro", ""):
        text = strip_tags(page.intro)
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_CHARS)


def page_meta(page: Page, request=None) -> PageMeta:
    from .models import ArticlePage, EventPage

    specific = page.specific
    root = site_root(specific, request)
    name = site_name(request)
    lead_image = getattr(specific, "lead_image", None)
    if isinstance(specific, ArticlePage):
        lead_image = specific.listing_image
    image = social_image(
        lead_image,
        getattr(specific, "lead_image_caption", "") or specific.title,
        root,
    )
    canonical = specific.get_full_url(request)
    if specific.alias_of_id:
        # Another portal's page shown here: the original, on its own host, is the one
        # search engines index, under its portal's name.
        original = specific.alias_of
        canonical = original.get_full_url(request)
        name = (original.get_site().site_name or "") or name
    meta = PageMeta(
        canonical=canonical,
        title=specific.seo_title or specific.title,
        description=describe(specific),
        og_type="website",
        site_name=name,
        image=image,
    )
    if isinstance(specific, ArticlePage):
        meta.og_type = "article"
        meta.published = specific.published_at or specific.first_published_at
        meta.modified = specific.last_published_at or meta.published
        if meta.published and meta.modified and meta.modified < meta.published:
            meta.modified = meta.published
        parent = specific.get_parent()
        meta.section = specific.category.name if specific.category_id else parent.title
        meta.tags = specific.tag_names
        meta.structured_data = news_article(specific, meta, parent)
    elif isinstance(specific, EventPage):
        meta.structured_data = event(specific, meta)
    # Stored text may hold control characters; the head and JSON-LD carry none.
    meta.title, meta.description = xml_safe(meta.title), xml_safe(meta.description)
    meta.section, meta.tags = xml_safe(meta.section), xml_safe(meta.tags)
    meta.structured_data = xml_safe(meta.structured_data)
    return meta


def publisher(name: str) -> dict:
    return {"@type": "Organization", "name": name}


def person(author) -> dict:
    data = {"@type": "Person", "name": author.name}
    if author.role:
        data["jobTitle"] = author.role
    return data


def news_article(page, meta: PageMeta, parent: Page) -> dict:
    authors = [person(author) for author in page.authors] or [publisher(meta.site_name)]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": meta.canonical},
        "url": meta.canonical,
        "headline": Truncator(page.title).chars(110),
        "description": meta.description,
        "datePublished": iso(meta.published),
        "dateModified": iso(meta.modified),
        "author": authors,
        "publisher": publisher(meta.site_name),
        "articleSection": parent.title,
        "inLanguage": "vi",
    }
    if meta.image:
        data["image"] = [meta.image.url]
    if meta.tags:
        data["keywords"] = meta.tags
    return data


def event(page, meta: PageMeta) -> dict:
    def when(value):
        if value is None:
            return None
        return timezone.localtime(value).date().isoformat() if page.all_day else iso(value)

    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "url": meta.canonical,
        "description": meta.description,
        "startDate": when(page.start_at),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": "vi",
    }
    if page.end_at:
        data["endDate"] = when(page.end_at)
    if page.location:
        data["location"] = {"@type": "Place", "name": page.location, "address": page.location}
    if page.organiser:
        data["organizer"] = {"@type": "Organization", "name": page.organiser}
    if meta.image:
        data["image"] = [meta.image.url]
    return data
