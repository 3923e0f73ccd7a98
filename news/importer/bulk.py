"""Writes parsed exports as published ArticlePages a batch at a time.

Wagtail's own path (``add_child``, ``save_revision().publish()``) costs some forty queries
an article; an archive of 100,000 would take hours. Here one batch costs a few dozen
queries in all, and leaves in the database exactly the rows that path leaves: the page
and its tree position (treebeard's materialised path, the parent's ``numchild``), the
article row, its authors, one revision that is both the latest and the live one, the
"created" and "published" log entries, the reference index, and (at the end of the run, see below)
Wagtail's search index. Photos become Wagtail images the same way: inserted in bulk with
the facts the admin's upload form records (size, dimensions, content hash, measured by
the reader processes), their reference index and search entries.
``news/tests/test_import_bulk.py`` holds every field of an imported page and photo to
those made with Wagtail's own calls and checks that editing, publishing and moving one
in the admin behave as on any other page.

Library internals used, and why (each is checked by that test):

- ``QuerySet._batched_insert``: Django's ``bulk_create`` refuses models with a parent
  table (``ArticlePage`` extends ``Page``), so the two tables are inserted in turn with
  the same call ``bulk_create`` makes for each.
- ``ReferenceIndex._extract_references_from_object``: what ``create_or_update_for_object``
  records, without its two queries per page.
- treebeard's ``_get_path``/``_str2int``: the paths ``add_child`` would give.

A batch runs in one transaction: a run killed at any moment leaves whole pages or none.
After a batch's pages exist, ``articles_imported`` (news/signals.py) is sent inside the
transaction with every created article: the search app indexes them once the batch
commits, and any other step that needs the pages (redirects from their old addresses)
can write its rows in the same transaction.

Search indexes are brought up to date once, at the end of the run (``finish``), rather
than per batch: bulk indexing a thousand pages costs little more than indexing a batch
of two hundred (Elasticsearch's refresh, the per-request work). A run that does not
reach its end leaves committed pages out of the indexes; the next run, which finds them
already imported, indexes them then (``finish`` is given those pages too).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from modelcluster.models import get_all_child_relations
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backends
from wagtail.search.models import IndexEntry

from core.pagecache import invalidate_on_commit
from news.models import ArticleAuthor, ArticlePage, Author, NewsIndexPage
from news.signals import articles_import_finished, articles_imported

from .parser import ParsedExport

SOURCE_ROLE = "Nguồn tin"
# Validated here without queries; the foreign keys are set by this module itself.
UNCHECKED_FIELDS = [
    "page_ptr",
    "content_type",
    "locale",
    "owner",
    "live_revision",
    "latest_revision",
    "locked_by",
    "lead_image",
    "category",
    "alias_of",
]


# Pages given to Wagtail's search backend per call at the end of a run.
INDEX_CHUNK = 500


@dataclass(frozen=True)
class PhotoFacts:
    """A photo found and measured by a reader process: what Wagtail's upload form records
    about a new image (its file's size, dimensions and SHA-1)."""

    path: Path
    width: int
    height: int
    size: int
    sha1: str


@dataclass
class Pending:
    """An export ready to be written: parsed, checked, its photos found."""

    path: Path
    parsed: ParsedExport
    key: str
    photos: list = field(default_factory=list)  # PhotoFacts or None, per caption
    images: list = field(default_factory=list)  # the stored images (or None), per caption


@dataclass(frozen=True)
class ImportedArticle:
    """What a per-batch step receives: the export's file, what was read from it, the page."""

    path: Path
    parsed: ParsedExport
    page: ArticlePage


class Slugs:
    """The section's children's slugs, read once per run: Wagtail's slug check is a
    query per page."""

    def __init__(self, parent: Page):
        self.taken = set(parent.get_children().values_list("slug", flat=True))

    def claim(self, base: str) -> str:
        candidate, number = base, 2
        while candidate in self.taken:
            candidate, number = f"{base}-{number}", number + 1
        self.taken.add(candidate)
        return candidate

    def release(self, slugs) -> None:
        self.taken.difference_update(slugs)


class Authors:
    """Author snippets by (name, role): looked up, and the missing ones created, a batch
    at a time (a new author is one row and its search entry, written in bulk)."""

    def __init__(self):
        self.known: dict[tuple[str, str], Author] = {}

    @staticmethod
    def wanted(parsed: ParsedExport) -> list[tuple[str, str]]:
        wanted = [(b.name, b.organisation) for b in parsed.bylines]
        if parsed.source and not wanted:
            wanted = [(parsed.source, SOURCE_ROLE)]
        return list(dict.fromkeys(wanted))

    def ensure(self, keys) -> None:
        missing = {key for key in keys if key not in self.known}
        if not missing:
            return
        self._load(missing)
        new = [
            Author(name=name, role=role) for name, role in missing if (name, role) not in self.known
        ]
        if new:
            Author.objects.bulk_create(new, ignore_conflicts=True)
            created = self._load({(a.name, a.role) for a in new})
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(Author, created)

    def _load(self, keys) -> list[Author]:
        found = [
            author
            for author in Author.objects.filter(name__in={name for name, _ in keys})
            if (author.name, author.role) in keys
        ]
        self.known.update({(a.name, a.role): a for a in found})
        return found

    def for_export(self, parsed: ParsedExport) -> list[Author]:
        return [self.known[key] for key in self.wanted(parsed)]

    def forget(self) -> None:
        """After a rolled-back batch: authors it created no longer exist."""
        self.known.clear()


def reference_rows(obj, content_type, base_type) -> list[ReferenceIndex]:
    """The reference index rows of `obj`, as its post_save handler would write them."""
    return [
        ReferenceIndex(
            content_type=content_type,
            base_content_type=base_type,
            object_id=obj.pk,
            to_content_type_id=to_type,
            to_object_id=to_id,
            model_path=model_path,
            content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
        )
        for to_type, to_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(obj)
        )
    ]


def photo_captions(parsed: ParsedExport) -> list[str]:
    return [block.text for block in parsed.blocks if block.kind == "caption"]


class Photos:
    """Stores a batch's photos as Wagtail images in one insert: the file copied to the
    media storage, the row with the facts the admin's upload form sets (so Wagtail's
    ``save`` has nothing left to measure), then the images' reference index and search
    entries, as their post_save handlers would write them."""

    def __init__(self):
        self.model = get_image_model()
        self.content_type = ContentType.objects.get_for_model(self.model)
        self.collection_id = None

    def store(self, items: list[Pending]) -> None:
        """Sets each item's ``images``, one image or None per caption."""
        if self.collection_id is None:
            self.collection_id = Collection.get_first_root_node().pk
        field = self.model._meta.get_field("file")
        new = []
        for item in items:
            item.images = []
            for facts, caption in zip(item.photos, photo_captions(item.parsed), strict=False):
                if facts is None:
                    item.images.append(None)
                    continue
                image = self.model(
                    title=caption[:255],
                    width=facts.width,
                    height=facts.height,
                    file_size=facts.size,
                    file_hash=facts.sha1,
                    collection_id=self.collection_id,
                )
                with facts.path.open("rb") as handle:
                    name = field.generate_filename(image, facts.path.name)
                    image.file = field.storage.save(name, File(handle), field.max_length)
                item.images.append(image)
                new.append(image)
        if not new:
            return
        self.model.objects.bulk_create(new)
        references = [
            row
            for image in new
            for row in reference_rows(image, self.content_type, self.content_type)
        ]
        ReferenceIndex.objects.bulk_create(references, ignore_conflicts=True)
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(self.model, new)


class ArticleWriter:
    """Creates published articles under one section, in batches."""

    def __init__(self, parent: NewsIndexPage, build_page, after_write=None):
        self.parent = parent
        self.build_page = build_page  # Pending -> unsaved ArticlePage with its content
        # Called with the batch's ImportedArticles inside its transaction, for the rows
        # that must commit (or roll back) with the pages: redirects from old addresses.
        self.after_write = after_write
        self.slugs = Slugs(parent)
        self.authors = Authors()
        self.photos = Photos()
        self.page_type = ContentType.objects.get_for_model(ArticlePage)
        self.base_type = ContentType.objects.get_for_model(Page)
        self.empty_relations = [
            relation.get_accessor_name()
            for relation in get_all_child_relations(ArticlePage)
            if relation.get_accessor_name() != "article_authors"
        ]

    def write(self, items: list[Pending]) -> list[ImportedArticle]:
        """Create the batch's pages in one transaction; raises and writes nothing if any
        part fails (the caller then retries the files one at a time)."""
        claimed: list[str] = []
        try:
            with transaction.atomic():
                # Photos are stored inside the transaction too: a failed batch leaves
                # no image without its article.
                self.photos.store(items)
                pages = [self.build_page(item) for item in items]
                created = self._write(items, pages, claimed)
        except BaseException:
            self.slugs.release(claimed)
            self.authors.forget()
            raise
        return created

    def _write(self, items, pages, claimed) -> list[ImportedArticle]:
        now = timezone.now()
        # The parent row is locked for the batch: its numchild and the next free path
        # are read and written under the lock.
        parent = Page.objects.select_for_update().get(pk=self.parent.pk)
        depth = parent.depth + 1
        last = (
            Page.objects.filter(path__startswith=parent.path, depth=depth)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        step = Page._str2int(last[-Page.steplen :]) if last else 0

        for number, page in enumerate(pages, start=1):
            page.slug = self.slugs.claim(page.slug)
            claimed.append(page.slug)
            page.path = Page._get_path(parent.path, depth, step + number)
            page.depth = depth
            page.numchild = 0
            page.url_path = f"{parent.url_path}{page.slug}/"
            page.content_type = self.page_type
            page.locale_id = parent.locale_id
            page.translation_key = uuid.uuid4()
            page.live = True
            page.has_unpublished_changes = False
            page.first_published_at = page.first_published_at or now
            page.published_at = page.published_at or page.first_published_at
            page.last_published_at = now
            page.latest_revision_created_at = now
            page.draft_title = page.title
            # Validated as Wagtail validates a published page; the slug and the tree
            # position were made unique above, without a query per page.
            page.clean_fields(exclude=UNCHECKED_FIELDS)

        self._insert(pages)
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))

        self.authors.ensure(key for item in items for key in self.authors.wanted(item.parsed))
        links = []
        for item, page in zip(items, pages, strict=True):
            # A new page's other child relations (tags, related links, comments) are
            # empty: said in memory, so that serialising and reference extraction read
            # them without a query each.
            for relation in self.empty_relations:
                setattr(page, relation, [])
            page.article_authors = [
                ArticleAuthor(page=page, author=author, sort_order=order)
                for order, author in enumerate(self.authors.for_export(item.parsed))
            ]
            links.extend(page.article_authors.all())
        ArticleAuthor.objects.bulk_create(links)

        revisions = Revision.objects.bulk_create(
            [
                Revision(
                    content_type=self.page_type,
                    base_content_type=self.base_type,
                    object_id=str(page.pk),
                    created_at=now,
                    content=page.serializable_data(),
                    object_str=str(page),
                )
                for page in pages
            ]
        )
        for page, revision in zip(pages, revisions, strict=True):
            page.latest_revision = revision
            page.live_revision = revision
        Page.objects.bulk_update(pages, ["latest_revision", "live_revision"])

        self._log(pages, revisions, now)
        self._index(pages)
        invalidate_on_commit()
        created = [
            ImportedArticle(item.path, item.parsed, page)
            for item, page in zip(items, pages, strict=True)
        ]
        articles_imported.send(sender=ArticlePage, articles=created)
        if self.after_write is not None:
            self.after_write(created)
        return created

    def _insert(self, pages: list[ArticlePage]) -> None:
        """The page rows, then the article rows (what ``save`` does per page)."""
        page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
        rows = Page.objects.all()._batched_insert(pages, page_fields, batch_size=None)
        for page, (pk,) in zip(pages, rows, strict=True):
            page.id = page.page_ptr_id = pk
            page._state.adding = False
            page._state.db = "default"
        ArticlePage.objects.all()._batched_insert(
            pages, ArticlePage._meta.local_concrete_fields, batch_size=None
        )

    def _log(self, pages, revisions, now) -> None:
        entries = []
        for page, revision in zip(pages, revisions, strict=True):
            label = page.get_admin_display_title()
            common = dict(content_type=self.page_type, page=page, label=label, timestamp=now)
            entries.append(
                PageLogEntry(action="wagtail.create", content_changed=True, data={}, **common)
            )
            entries.append(
                PageLogEntry(
                    action="wagtail.publish",
                    content_changed=True,
                    data={},
                    revision=revision,
                    **common,
                )
            )
        PageLogEntry.objects.bulk_create(entries)

    def _index(self, pages) -> None:
        """The reference index, as the pages' post_save handlers would have written it."""
        references = [
            row for page in pages for row in reference_rows(page, self.page_type, self.base_type)
        ]
        ReferenceIndex.objects.bulk_create(references, ignore_conflicts=True)

    def finish(self, created_ids: list[int], found_ids: list[int]) -> None:
        """Wagtail's own search index (the admin's page search) for the pages this run
        created, and for those it found already imported that an interrupted run left
        out of it; then ``articles_import_finished`` for the other indexes (the search
        app's), with both lists."""
        missing = set(found_ids)
        for start in range(0, len(found_ids), INDEX_CHUNK):
            chunk = [str(pk) for pk in found_ids[start : start + INDEX_CHUNK]]
            missing.difference_update(
                int(pk)
                for pk in IndexEntry.objects.filter(
                    content_type=self.page_type, object_id__in=chunk
                ).values_list("object_id", flat=True)
            )
        to_index = sorted({*created_ids, *missing})
        # A list: the library gives a generator, which the first chunk would use up.
        backends = list(get_search_backends(with_auto_update=True))
        for start in range(0, len(to_index), INDEX_CHUNK):
            pages = list(
                ArticlePage.get_indexed_objects().filter(
                    pk__in=to_index[start : start + INDEX_CHUNK]
                )
            )
            for backend in backends:
                backend.add_bulk(ArticlePage, pages)
        articles_import_finished.send(
            sender=ArticlePage, page_ids=sorted({*created_ids, *found_ids})
        )
