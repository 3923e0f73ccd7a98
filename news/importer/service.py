"""Turns export files into published ArticlePages, a batch per transaction
(news/importer/bulk.py); a file that cannot be imported is reported and writes nothing."""

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import willow
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import DatabaseError
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.utils.file import hash_filelike

from news.models import ArticlePage, NewsIndexPage
from news.text import ascii_slug

from .bulk import ArticleWriter, ImportedArticle, Pending, PhotoFacts
from .parser import CAPTION, VIETNAM_TZ, ExportParseError, ParsedExport, parse_file
from .redirects import RedirectReport, RedirectSheets, create_redirects

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
HTML_SUFFIXES = (".html", ".htm")
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
    parsed: ParsedExport | None = None  # what was read, for steps after the write


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
    (result,) = Importer(parent, images_dir).run([Path(path)])  # to the end: indexed too
    return result


def prepare_export(path: Path, images_dir: Path | None = None) -> Pending | ImportResult:
    """Parse and check one file without touching the database (runs in a worker
    process during a bulk import): the pending article, or the file's failure."""
    path = Path(path)
    try:
        parsed = read_export(path)
        check_limits(parsed)
        photos = [
            measure_photo(photo) if photo else None
            for photo in find_photos(path, images_dir, parsed)
        ]
    except (ExportParseError, ImportFailed) as exc:
        return ImportResult(path, "failed", str(exc))
    return Pending(path, parsed, import_key(parsed), photos)


def _read_task(args: tuple[Path, Path | None]) -> Pending | ImportResult:
    return prepare_export(*args)


READ_AHEAD = 2  # batches read ahead of the one being written


class Importer:
    """Imports files under one section in batches, in the files' order.

    ``run`` yields one ImportResult per file. Files are read by ``workers`` processes
    while this one writes; each batch is one transaction (news/importer/bulk.py). A
    batch the database refuses is written again one file at a time, so that the
    failure is the one file's, with its reason, and the others still import.

    Redirects from an article's old addresses (its own, and those a ``redirects.csv``
    beside it lists) are made in the transaction that creates its page, so that a run
    killed at any moment leaves both or neither; a file found already imported gets its
    redirects checked again, so a rerun makes any a killed run had not reached.
    ``redirects`` adds up what was made; ``sheets.problems`` lists the sheets' bad rows.
    """

    def __init__(
        self,
        parent: NewsIndexPage,
        images_dir: Path | None = None,
        batch_size: int = 200,
        workers: int = 0,
    ):
        self.images_dir = images_dir
        self.batch_size = max(1, batch_size)
        self.workers = workers
        self.sheets = RedirectSheets()
        self.redirects = RedirectReport()
        self._batch_redirects = RedirectReport()
        self.writer = ArticleWriter(parent, build_page, after_write=self._redirect_written)

    def run(self, paths: list[Path]) -> Iterator[ImportResult]:
        """Yields each file's result; once all are written, brings the search indexes up
        to date for the pages created and those found already imported."""
        created: list[int] = []
        found: list[int] = []
        batch: list[Pending | ImportResult] = []
        for read in self._read_all(paths):
            batch.append(read)
            if len(batch) >= self.batch_size:
                yield from self._import_batch(batch, created, found)
                batch = []
        if batch:
            yield from self._import_batch(batch, created, found)
        self.writer.finish(created, found)

    def _read_all(self, paths: list[Path]) -> Iterator[Pending | ImportResult]:
        tasks = [(path, self.images_dir) for path in paths]
        if self.workers < 1 or len(tasks) < self.batch_size:
            yield from map(_read_task, tasks)
            return
        # Forked readers import nothing new and touch no database connection. They read
        # at most READ_AHEAD batches ahead of the writer: an archive's parsed text never
        # sits in memory whole, however much faster reading is than writing.
        windows = [tasks[i : i + self.batch_size] for i in range(0, len(tasks), self.batch_size)]
        context = multiprocessing.get_context("fork")
        with context.Pool(self.workers) as pool:
            queued = iter(windows)
            ahead = deque()
            for window in queued:
                ahead.append(pool.map_async(_read_task, window, chunksize=8))
                if len(ahead) == READ_AHEAD:
                    break
            while ahead:
                results = ahead.popleft().get()
                window = next(queued, None)
                if window is not None:
                    ahead.append(pool.map_async(_read_task, window, chunksize=8))
                yield from results

    def _import_batch(
        self, batch: list[Pending | ImportResult], created: list[int], found: list[int]
    ) -> Iterator[ImportResult]:
        pending = [item for item in batch if isinstance(item, Pending)]
        for item in pending:
            item.parsed = self.sheets.with_sheet_urls(item.parsed, item.path)
        existing = {
            page.import_key: page
            for page in ArticlePage.objects.filter(
                import_key__in=[item.key for item in pending]
            ).only("pk", "title", "url_path", "import_key")
        }
        # The first file of an article is written; later copies (same title and date)
        # are skipped, like the ones an earlier run imported.
        to_write: dict[str, Pending] = {}
        for item in pending:
            if item.key not in existing:
                to_write.setdefault(item.key, item)
        written = self._write(list(to_write.values()))
        self._redirect_skipped(
            (item.parsed, existing.get(item.key) or written.get(item.key))
            for item in pending
            if to_write.get(item.key) is not item
        )

        for item in batch:
            if isinstance(item, ImportResult):
                yield item
            elif item.key in existing:
                page = existing[item.key]
                found.append(page.pk)
                yield ImportResult(item.path, "skipped", "already imported", page, item.parsed)
            elif to_write[item.key] is not item:
                page = written.get(item.key)
                yield ImportResult(item.path, "skipped", "already imported", page, item.parsed)
            elif item.key in written:
                created.append(written[item.key].pk)
                yield ImportResult(item.path, "created", "", written[item.key], item.parsed)
            else:
                yield ImportResult(item.path, "failed", self.failures[item.key], None, item.parsed)

    def _write(self, items: list[Pending]) -> dict[str, ArticlePage]:
        self.failures: dict[str, str] = {}
        if len(items) > 1:
            try:
                return {done.page.import_key: done.page for done in self._write_batch(items)}
            except (ImportFailed, ValidationError, DatabaseError):
                pass  # one file spoils the batch: find it by writing the files one by one
        written: dict[str, ArticlePage] = {}
        for item in items:
            written.update(self._write_one(item))
        return written

    def _write_one(self, item: Pending) -> dict[str, ArticlePage]:
        try:
            (done,) = self._write_batch([item])
        except ImportFailed as exc:
            self.failures[item.key] = str(exc)
        except ValidationError as exc:
            self.failures[item.key] = f"not valid for the database: {describe(exc)}"
        except DatabaseError as exc:
            self.failures[item.key] = f"refused by the database: {exc}"
        else:
            return {item.key: done.page}
        return {}

    def _write_batch(self, items: list[Pending]) -> list[ImportedArticle]:
        self._batch_redirects = RedirectReport()
        done = self.writer.write(items)
        # Counted once the batch has committed: a rolled-back batch made no redirect.
        self.redirects.add(self._batch_redirects)
        return done

    def _redirect_written(self, articles: list[ImportedArticle]) -> None:
        """Inside the batch's transaction, once its pages exist."""
        self._batch_redirects = create_redirects((a.parsed, a.page) for a in articles)

    def _redirect_skipped(self, pairs) -> None:
        """Files whose article is already there: their redirects are made if missing."""
        pairs = [(parsed, page) for parsed, page in pairs if page is not None]
        if pairs:
            self.redirects.add(create_redirects(pairs))


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


def measure_photo(path: Path) -> PhotoFacts:
    """What Wagtail's upload form records about a new image, measured in a reader
    process so that the writer stores the image without opening it again."""
    with path.open("rb") as handle:
        width, height = willow.Image.open(handle).get_size()
        return PhotoFacts(path, width, height, path.stat().st_size, hash_filelike(handle))


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


def build_page(item: Pending) -> ArticlePage:
    """The unsaved article of one export, its photos already stored (``item.images``);
    the bulk writer places and publishes it."""
    parsed = item.parsed
    return ArticlePage(
        title=parsed.title,
        slug=ascii_slug(parsed.title),
        lead=parsed.lead,
        body=build_body(parsed, item.images),
        published_at=parsed.published_at,
        first_published_at=parsed.published_at,
        initial_view_count=parsed.view_count or 0,
        import_key=item.key,
    )


def build_body(parsed: ParsedExport, images: list) -> list[dict]:
    body = []
    caption_number = 0
    for block in parsed.blocks:
        if block.kind == "caption":
            image = images[caption_number] if caption_number < len(images) else None
            caption_number += 1
            body.append(
                {
                    "type": "captioned_image",
                    "value": {
                        "image": image.pk if image else None,
                        "caption": block.text,
                        "credit": "",
                        "alt_text": block.text[:300],
                    },
                }
            )
        else:
            body.append({"type": "paragraph", "value": f"<p>{escape(block.text)}</p>"})
    return body
