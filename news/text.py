"""Small text helpers for Vietnamese content."""

import re

from django.utils.text import slugify

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def ascii_slug(text: str, max_length: int = 80) -> str:
    """ "Hội nghị Ký kết" -> "hoi-nghi-ky-ket"; đ becomes d rather than vanishing."""
    slug = slugify(text.translate(_D_MAP))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "bai-viet"


# Characters XML 1.0 cannot carry at all (C0 controls but tab and line breaks, lone
# surrogates, U+FFFE/U+FFFF): one of them in a title makes a feed unserializable.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Control characters (C0, DEL, C1) have no place in imported text; tab and line
# breaks are kept where a field may hold them.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def xml_safe(value):
    """The value with XML-invalid characters removed from every string in it (also
    inside lists, tuples and dicts), so any stored text serializes as XML or JSON."""
    if isinstance(value, str):
        return _XML_INVALID_RE.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    return value


def strip_controls(text: str) -> str:
    """Text without control characters; tab and line feed stay."""
    return _CONTROL_RE.sub("", text)
