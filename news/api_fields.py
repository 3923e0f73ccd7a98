"""Serializer fields for the read-only API (news/api.py): authors, section, view count,
lead image and the body.

The library does the work: images are Wagtail's ImageRenditionField, and the body is
the StreamField's own API representation, each block giving its own
(news/blocks.py, get_api_representation).
"""

from __future__ import annotations

from rest_framework import fields
from wagtail.images.api.fields import ImageRenditionField

BODY_IMAGE_SPEC = "max-1200x900"


class PageField(fields.Field):
    """A read-only field computed from the whole page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)


class AuthorsField(PageField):
    """[{"name": ..., "role": ...}] in byline order."""

    def to_representation(self, page):
        return [{"name": a.name, "role": a.role} for a in page.authors]


class SectionField(PageField):
    def to_representation(self, page):
        parent = page.get_parent()
        if parent is None:
            return None
        request = self.context.get("request")
        return {"id": parent.pk, "title": parent.title, "url": parent.get_full_url(request)}


class ViewCountField(PageField):
    def to_representation(self, page):
        from stats.services.pages import rendered_count

        return rendered_count(page)


class ImageField(ImageRenditionField):
    """An image as its max-1200x900 rendition: id, url, full_url, width, height, alt."""

    def __init__(self, **kwargs):
        super().__init__(BODY_IMAGE_SPEC, read_only=True, **kwargs)

    def to_representation(self, image):
        return {"id": image.pk, **super().to_representation(image)}


class BodyField(fields.Field):
    """The body as a list of typed blocks ({"type", "id", "value"}), as Wagtail gives it."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, body):
        return body.stream_block.get_api_representation(body, context=self.context)
