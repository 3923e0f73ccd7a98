"""Rich-text entities (links to pages and documents, embedded images) that survive bad ids.

Wagtail stores a link to a document as ``<a linktype="document" id="12">``. The admin's
editor only ever writes numbers there, but a crafted POST or an old import can store
``id="abc"``, and Wagtail's handlers then fail with a ValueError on every render of the
page, its draft and the API. Two defences:

- on save, ``entity_errors`` names every entity whose id is not a number or whose target
  does not exist, and the paragraph block refuses it (a validation error in the admin);
- on render, the handlers registered here treat an unreadable id like a deleted target:
  the link becomes plain text (``<a>`` without href), the image an empty ``<img alt="">``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs

MAX_ID = 2**63 - 1


def entity_id(attrs: dict) -> int | None:
    """The entity's id as the database can read it, or None."""
    value = str(attrs.get("id", "")).strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class ReadableIdsMixin:
    """Look up only ids the database can read; any other id finds nothing."""

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list:
        readable = [{**attrs, "id": entity_id(attrs)} for attrs in attrs_list]
        return super().get_many(readable)

    @classmethod
    def extract_references(cls, attrs):
        if entity_id(attrs) is not None:
            yield from super().extract_references(attrs)


class SafePageLinkHandler(ReadableIdsMixin, PageLinkHandler):
    pass


class SafeDocumentLinkHandler(ReadableIdsMixin, DocumentLinkHandler):
    pass


class SafeImageEmbedHandler(ReadableIdsMixin, ImageEmbedHandler):
    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        from wagtail.images.formats import get_image_formats

        known = {image_format.name for image_format in get_image_formats()}
        # An image in an unknown format is shown like a missing one.
        usable = [a if a.get("format") in known else {**a, "id": None} for a in attrs_list]
        return super().expand_db_attributes_many(usable)


HANDLERS = {
    "link": {
        handler.identifier: handler for handler in (SafePageLinkHandler, SafeDocumentLinkHandler)
    },
    "embed": {SafeImageEmbedHandler.identifier: SafeImageEmbedHandler},
}


# After Wagtail's own registrations (order 0), so these replace its handlers.
@hooks.register("register_rich_text_features", order=100)
def register_safe_entity_handlers(features):
    for handler in HANDLERS["link"].values():
        features.register_link_type(handler)
    for handler in HANDLERS["embed"].values():
        features.register_embed_type(handler)


def entity_errors(source: str) -> list[str]:
    """What is wrong with the entities of a rich-text source, in the editor's language."""
    entities = [("link", extract_attrs(m.group(1))) for m in FIND_A_TAG.finditer(source)]
    entities += [("embed", extract_attrs(m.group(1))) for m in FIND_EMBED_TAG.finditer(source)]
    errors = []
    for kind, attrs in entities:
        type_name = attrs.get("linktype" if kind == "link" else "embedtype")
        handler = HANDLERS[kind].get(type_name)
        if handler is None:
            continue
        if entity_id(attrs) is None:
            errors.append(
                _("A link or image refers to an invalid id (%(id)s).") % {"id": attrs.get("id", "")}
            )
        elif handler.get_many([attrs]) == [None]:
            errors.append(
                _("A link or image refers to something that no longer exists (id %(id)s).")
                % {"id": attrs["id"]}
            )
    return errors
