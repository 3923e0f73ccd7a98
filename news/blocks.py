"""StreamField blocks for article and event bodies."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText, expand_db_html


class UnreadableRichText(RichText):
    """What the admin posted was not the editor's format (Draftail's JSON)."""

    def __init__(self):
        super().__init__("")


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "features", ["bold", "italic", "link", "document-link", "ol", "ul", "h2", "h3"]
        )
        super().__init__(**kwargs)

    def value_from_datadict(self, data, files, prefix):
        # The editor posts Draftail's JSON; raw HTML or a mangled structure in its place
        # would raise in the converter and answer 500. Flag it for clean() instead.
        try:
            return super().value_from_datadict(data, files, prefix)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return UnreadableRichText()

    def clean(self, value):
        if isinstance(value, UnreadableRichText):
            raise ValidationError(
                _("This paragraph was not sent in the editor's format; please type it again.")
            )
        from .rich_text import entity_errors  # needs the models loaded

        value = super().clean(value)
        errors = entity_errors(value.source)
        if errors:
            raise ValidationError(" ".join(errors))
        return value

    def get_api_representation(self, value, context=None):
        # Readers' HTML (links resolved), not the database's.
        return {"html": expand_db_html(value.source)}

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "news/blocks/paragraph.html"


class CaptionedImageBlock(blocks.StructBlock):
    """A photo with its caption directly under it, as newsrooms publish them."""

    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), max_length=500)
    credit = blocks.CharBlock(label=_("Photo credit"), required=False, max_length=200)
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=300,
        help_text=_("Describe the photo for readers who cannot see it."),
    )

    def get_api_representation(self, value, context=None):
        from .api_fields import ImageField

        data = super().get_api_representation(value, context=context)
        # The photo as its rendition (ImageRenditionField) rather than its id; None once deleted.
        image = value.get("image")
        data["image"] = None if image is None else ImageField().to_representation(image)
        return data

    class Meta:
        icon = "image"
        label = _("Captioned image")
        template = "news/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "news/blocks/quote.html"


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"),
        required=False,
        max_length=255,
        help_text=_("Leave blank to use the document title."),
    )

    def get_api_representation(self, value, context=None):
        document = value.get("document")
        request = (context or {}).get("request")
        url = None
        if document is not None and request is not None:
            url = request.build_absolute_uri(document.url)
        title = value.get("title") or (document.title if document else "")
        return {"title": title, "url": url}

    class Meta:
        icon = "doc-full"
        label = _("Attachment")
        template = "news/blocks/attachment.html"


class VideoEmbedBlock(EmbedBlock):
    def get_api_representation(self, value, context=None):
        return {"url": getattr(value, "url", None)}

    class Meta:
        icon = "media"
        label = _("Embed")
        template = "news/blocks/embed.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    captioned_image = CaptionedImageBlock()
    quote = QuoteBlock()
    attachment = AttachmentBlock()
    embed = VideoEmbedBlock()
