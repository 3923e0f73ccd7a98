"""Serializer fields for the read-only API (portal/api.py): authors, section, view count,
lead image and a body whose photos carry their captions and image URLs."""

from __future__ import annotations

from rest_framework import fields
from wagtail.rich_text import expand_db_html

BODY_IMAGE_SPEC = "max-1200x900"


def _image(image, request=None) -> dict | None:
    if image is None:
        return None
    rendition = image.get_rendition(BODY_IMAGE_SPEC)
    url = rendition.url
    if request is not None and not url.startswith(("http://", "https://")):
        url = request.build_absolute_uri(url)
    return {"id": image.pk, "url": url, "width": rendition.width, "height": rendition.height}


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


class ImageField(fields.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, image):
        return _image(image, self.context.get("request"))


class BodyField(fields.Field):
    """The body as a list of typed blocks; photos keep their captions."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, body):
        request = self.context.get("request")
        return [self._block(block, request) for block in body]

    @staticmethod
    def _block(block, request) -> dict:
        kind, value = block.block_type, block.value
        if kind == "paragraph":
            data = {"html": expand_db_html(value.source)}
        elif kind == "captioned_image":
            data = {
                "image": _image(value.get("image"), request),
                "caption": value.get("caption", ""),
                "credit": value.get("credit", ""),
                "alt_text": value.get("alt_text", ""),
            }
        elif kind == "quote":
            data = {"text": value.get("text", ""), "attribution": value.get("attribution", "")}
        elif kind == "attachment":
            document = value.get("document")
            data = {
                "title": value.get("title") or (document.title if document else ""),
                "url": request.build_absolute_uri(document.url) if document and request else None,
            }
        elif kind == "embed":
            data = {"url": getattr(value, "url", None)}
        else:
            data = {}
        return {"type": kind, "id": block.id, "value": data}
