"""Turns parsed exports into published ArticlePages, one transaction per file."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.images import get_image_model

from news.models import ArticleAuthor, ArticlePage, Author, NewsIndexPage
from news.text import ascii_slug

from .parser import ExportParseError, ParsedExport, parse_file

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
SOURCE_ROLE = "Nguồn tin"


class ImportFailed(Exception):
    """A file that cannot be imported; the message is the reason shown to the operator."""


@dataclass(frozen=True)
class ImportResult:
    path: Path
    status: str  # "created", "skipped" or "failed"
    reason: str = ""
    page: ArticlePage | None = None


def import_key(parsed: ParsedExport) -> str:
    """The identity of an exported article: its title and original date."""
    stamp = parsed.published_at.isoformat() if parsed.published_at else ""
    return hashlib.sha256(f"{parsed.title.casefold()}|{stamp}".encode()).hexdigest()


def import_file(path: Path, parent: NewsIndexPage, images_dir: Path | None = None) -> ImportResult:
    path = Path(path)
    try:
        parsed = parse_file(path)
        key = import_key(parsed)
        existing = ArticlePage.objects.filter(import_key=key).first()
        if existing is not None:
            return ImportResult(path, "skipped", "already imported", existing)
        photos = find_photos(path, images_dir, len(parsed.captions)) if images_dir else []
        with transaction.atomic():
            page = create_article(parsed, key, parent, photos)
    except (ExportParseError, ImportFailed) as exc:
        return ImportResult(path, "failed", str(exc))
    return ImportResult(path, "created", page=page)


def find_photos(path: Path, images_dir: Path, count: int) -> list[Path | None]:
    """Photos named <file-stem>-1.jpg, -2.jpg, … in caption order; checked before any write."""
    photos: list[Path | None] = []
    for number in range(1, count + 1):
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
