"""Image uploads are decoded with Pillow before Wagtail stores them (docs/security.md).

Wagtail already checks the extension, the file size (WAGTAILIMAGES_MAX_UPLOAD_SIZE) and
the declared pixel count (WAGTAILIMAGES_MAX_IMAGE_PIXELS). This form also refuses SVG
and anything that is not a complete raster image: a renamed file, a truncated or corrupt
image, and decompression bombs (small files that declare enormous dimensions).
"""

from __future__ import annotations

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

ALLOWED_FORMATS = {"GIF", "JPEG", "PNG", "WEBP"}


def check_image(uploaded) -> None:
    """Raise ValidationError unless `uploaded` is a whole raster image within the limits."""
    max_size = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    if uploaded.size is not None and uploaded.size > max_size:
        raise ValidationError(
            _("This file is too big (maximum %(size)d MB).") % {"size": max_size // 2**20},
            code="file_too_large",
        )
    name = (getattr(uploaded, "name", "") or "").lower()
    head = _read_head(uploaded)
    if name.endswith((".svg", ".svgz")) or b"<svg" in head.lower():
        raise ValidationError(_("SVG images are not accepted."), code="svg")
    max_pixels = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            uploaded.seek(0)
            with Image.open(uploaded) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        _("Only JPEG, PNG, GIF and WebP images are accepted."), code="format"
                    )
                width, height = image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        _("This image has too many pixels (maximum %(pixels)d).")
                        % {"pixels": max_pixels},
                        code="too_many_pixels",
                    )
                image.verify()
            # verify() leaves the image unusable; decoding it in full catches truncation.
            uploaded.seek(0)
            with Image.open(uploaded) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("This image has too many pixels (maximum %(pixels)d).") % {"pixels": max_pixels},
            code="too_many_pixels",
        ) from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as exc:
        raise ValidationError(
            _("This file is not a valid image, or it is damaged."), code="invalid_image"
        ) from exc
    finally:
        uploaded.seek(0)


def _read_head(uploaded, size: int = 1024) -> bytes:
    uploaded.seek(0)
    head = uploaded.read(size)
    uploaded.seek(0)
    return head if isinstance(head, bytes) else head.encode()


class SafeImageField(WagtailImageField):
    """Checks the upload with Pillow before Wagtail's own checks open it.

    Wagtail's pixel check fully decodes the file, and raises OSError (a server error)
    on a truncated image; this check answers with a form error first.
    """

    def to_python(self, data):
        if data and hasattr(data, "content_type"):
            check_image(data)
        return super().to_python(data)


class SafeImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if isinstance(field, WagtailImageField) and not isinstance(field, SafeImageField):
            field.__class__ = SafeImageField
