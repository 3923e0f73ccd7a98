"""Turns parsed exports into published ArticlePages, one transaction per file."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.validators import MaxValueValidator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.images import get_image_model

from news.models import ArticleAuthor, ArticlePage, Author, NewsIndexPage
from news.text import ascii_slug

from .parser import CAPTION, VIETNAM_TZ, ExportParseError, ParsedExport, parse_file

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
HTML_SUFFIXES = (".html", ".htm")
SOURCE_ROLE = "Nguồn tin"
# The oldest article a provincial portal can have exported; anything earlier is a misread.
EARLIEST_DATE = datetime(1945, 1, 1, tzinfo=VIETNAM_TZ)
# A source clock or time zone slip of hours is tolerated; a date further ahead would
# sit first on the home page until that day comes.
FUTURE_TOLERANCE = timedelta(days=1)


class ImportFailed(Exception):
    """A file that cannot be imported; the message is the reason shown to the operator."""


@dataclass(frozen=True)
class ImportResult:
    path: Path
    status: str  # "created", "skipped" or "failed"
    reason: str = ""
    page: ArticlePage | None = None
    parsed: ParsedExport | None = None  # for the redirects from its old addresses


def import_key(parsed: ParsedExport) -> str:
    """The identity of an exported article: its title and original date."""
    stamp = parsed.published_at.isoformat() if parsed.published_at else ""
    return hashlib.sha256(f"{parsed.title.casefold()}|{stamp}".encode()).hexdigest()


def read_export(path: Path) -> ParsedExport:
    """A text export or a saved HTML page, parsed alike."""
    if path.suffix.lower() in HTML_SUFFIXES:
        from .saved_pages import parse_saved_page  # trafilatura loads only for saved pages

        return parse_saved_page(path)
    return parse_file(path)


def import_file(path: Path, parent: NewsIndexPage, images_dir: Path | None = None) -> ImportResult:
    """Import one file; whatever goes wrong is this file's failure, with its reason, and
    leaves the database as it was."""
    path = Path(path)
    try:
        parsed = read_export(path)
        check_limits(parsed)
        key = import_key(parsed)
        existing = ArticlePage.objects.filter(import_key=key).first()
        if existing is not None:
            return ImportResult(path, "skipped", "already imported", existing, parsed)
        photos = find_photos(path, images_dir, parsed)
        with transaction.atomic():
            page = create_article(parsed, key, parent, photos)
    except (ExportParseError, ImportFailed) as exc:
        return ImportResult(path, "failed", str(exc))
    except ValidationError as exc:
        return ImportResult(path, "failed", f"not valid for the database: {describe(exc)}")
    except DatabaseError as exc:
        return ImportResult(path, "failed", f"refused by the database: {exc}")
    return ImportResult(path, "created", page=page, parsed=parsed)


def describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def check_limits(parsed: ParsedExport) -> None:
    """Refuse, with the reason, what the parser read but the portal cannot publish."""
    title_limit = ArticlePage._meta.get_field("title").max_length
    if len(parsed.title) > title_limit:
        raise ImportFailed(
            f"title is {len(parsed.title)} characters long, the limit is {title_limit}"
        )
    count_limit = max_view_count()
    if parsed.view_count is not None and parsed.view_count > count_limit:
        raise ImportFailed(f"view count {parsed.view_count} is over the limit of {count_limit}")
    if parsed.published_at is not None:
        if parsed.published_at < EARLIEST_DATE:
            raise ImportFailed(f"date {parsed.published_at:%d/%m/%Y} is before 1945")
        if parsed.published_at > timezone.now() + FUTURE_TOLERANCE:
            raise ImportFailed(f"date {parsed.published_at:%d/%m/%Y %H:%M} is in the future")
    body_chars = len(parsed.lead) + sum(len(block.text) for block in parsed.blocks)
    if body_chars > settings.IMPORT_MAX_BODY_CHARS:
        raise ImportFailed(
            f"body is {body_chars} characters long, over IMPORT_MAX_BODY_CHARS "
            f"({settings.IMPORT_MAX_BODY_CHARS})"
        )


def max_view_count() -> int:
    """The largest starting view count the database column takes."""
    field = ArticlePage._meta.get_field("initial_view_count")
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
    return min(limits, default=2**31 - 1)


def find_photos(path: Path, images_dir: Path | None, parsed: ParsedExport) -> list[Path | None]:
    """One photo (or None) per caption, in order, checked before any write: the photo a
    saved page names beside it, else with --images `<file-stem>-1.jpg`, `-2.jpg`, …"""
    photos: list[Path | None] = []
    captions = [block for block in parsed.blocks if block.kind == CAPTION]
    for number, block in enumerate(captions, start=1):
        photo = saved_photo(path, block.image) if block.image else None
        if photo is None and images_dir is not None:
            candidates = [images_dir / f"{path.stem}-{number}{suffix}" for suffix in IMAGE_SUFFIXES]
            photo = next((c for c in candidates if c.is_file()), None)
        if photo is not None:
            try:
                with PILImage.open(photo) as image:
                    image.verify()
            except (UnidentifiedImageError, OSError, PILImage.DecompressionBombError) as exc:
                raise ImportFailed(f"photo {photo.name} is not a valid image ({exc})") from exc
        photos.append(photo)
    return photos


def saved_photo(page: Path, src: str) -> Path | None:
    """The file a saved page's <img src> names, if the browser saved it beside the page.
    An address on the web (not saved) or one leading out of the page's folder gives None."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    folder = page.parent.resolve()
    photo = (folder / unquote(parts.path)).resolve()
    if not photo.is_relative_to(folder) or not photo.is_file():
        return None
    return photo


def create_article(
    parsed: ParsedExport, key: str, parent: NewsIndexPage, photos: list[Path | None]
) -> ArticlePage:
    page = ArticlePage(
        title=parsed.title,
        slug=unique_slug(parent, ascii_slug(parsed.title)),
        lead=parsed.lead,
        body=build_body(parsed, photos),
        published_at=parsed.published_at,
        first_published_at=parsed.published_at,
        initial_view_count=parsed.view_count or 0,
        import_key=key,
    )
    parent.add_child(instance=page)
    for order, author in enumerate(find_authors(parsed)):
        ArticleAuthor.objects.create(page=page, author=author, sort_order=order)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def build_body(parsed: ParsedExport, photos: list[Path | None]) -> list[dict]:
    body = []
    caption_number = 0
    for block in parsed.blocks:
        if block.kind == "caption":
            photo = photos[caption_number] if caption_number < len(photos) else None
            caption_number += 1
            body.append(
                {
                    "type": "captioned_image",
                    "value": {
                        "image": store_photo(photo, block.text).pk if photo else None,
                        "caption": block.text,
                        "credit": "",
                        "alt_text": block.text[:300],
                    },
                }
            )
        else:
            body.append({"type": "paragraph", "value": f"<p>{escape(block.text)}</p>"})
    return body


def store_photo(path: Path, caption: str):
    image_model = get_image_model()
    with path.open("rb") as handle:
        image = image_model(title=caption[:255], file=ImageFile(handle, name=path.name))
        image.save()
    return image


def find_authors(parsed: ParsedExport) -> list[Author]:
    authors = [
        Author.objects.get_or_create(name=byline.name, role=byline.organisation)[0]
        for byline in parsed.bylines
    ]
    if parsed.source and not authors:
        authors.append(Author.objects.get_or_create(name=parsed.source, role=SOURCE_ROLE)[0])
    return authors


def unique_slug(parent: NewsIndexPage, slug: str) -> str:
    taken = set(parent.get_children().filter(slug__startswith=slug).values_list("slug", flat=True))
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate
