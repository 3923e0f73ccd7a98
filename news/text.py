"""Small text helpers for Vietnamese content."""

from django.utils.text import slugify

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def ascii_slug(text: str, max_length: int = 80) -> str:
    """ "Hội nghị Ký kết" -> "hoi-nghi-ky-ket"; đ becomes d rather than vanishing."""
    slug = slugify(text.translate(_D_MAP))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "bai-viet"
