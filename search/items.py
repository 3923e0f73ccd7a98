"""What gets indexed: published, public articles and events, as engine-neutral items."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from wagtail.models import Page, Site

from news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    EventIndexPage,
    EventPage,
    NewsIndexPage,
)

from .richtext import text_for_indexing

ARTICLE = "article"
EVENT = "event"
KINDS = (ARTICLE, EVENT)

ARTICLE_FIELDS = (
    "id",
    "title",
    "path",
    "url_path",
    "last_published_at",
    "first_published_at",
    "published_at",
    "lead",
    "lead_image_caption",
    "body",
    "kicker",
    "initial_view_count",
)


@dataclass
class Item:
    """One searchable page in the shape every engine indexes."""

    page_id: int
    kind: str
    title: str
    url: str
    date: datetime | None
    section_id: int | None
    section_title: str
    lead: str
    body: str
    captions: str
    authors: list[str] = field(default_factory=list)
    author_ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    extra: str = ""  # event location and organiser
    view_count: int = 0
    stamp: str = ""
    # The portal (Wagtail Site) whose tree holds the page: searches keep to one portal.
    site_id: int | None = None

    @property
    def text(self) -> str:
        """The snippet source: lead, body and captions."""
        return "\n".join(part for part in (self.lead, self.body, self.captions) if part)

    @property
    def search_text(self) -> str:
        """Everything besides the title that a query may match."""
        return "\n".join(
            part
            for part in (
                self.lead,
                self.body,
                self.captions,
                " ".join(self.authors),
                " ".join(self.tags),
                self.extra,
            )
            if part
        )


def body_parts(raw_blocks: Iterable[dict]) -> tuple[str, str]:
    """(body text, captions) from a StreamField's raw JSON, without loading any block."""
    body: list[str] = []
    captions: list[str] = []
    for block in raw_blocks or ():
        kind = block.get("type")
        value = block.get("value")
        if kind == "paragraph" and isinstance(value, str):
            body.append(text_for_indexing(value))
        elif kind == "captioned_image" and isinstance(value, dict):
            captions.append(value.get("caption") or "")
        elif kind == "quote" and isinstance(value, dict):
            body.append(" ".join(filter(None, [value.get("text"), value.get("attribution")])))
        elif kind == "attachment" and isinstance(value, dict) and value.get("title"):
            body.append(value["title"])
    return "\n".join(p for p in body if p), "\n".join(c for c in captions if c)


def stamp(last_published_at: datetime | None, url_path: str) -> str:
    """What an entry keeps of its page to tell whether it is stale."""
    return f"{last_published_at.isoformat() if last_published_at else ''}|{url_path}"


class Context:
    """Lookups shared by a batch: site roots and section titles."""

    def __init__(self):
        self.roots = sorted(
            Site.get_site_root_paths(), key=lambda root: len(root.root_path), reverse=True
        )
        self.sections = {
            path: (pk, title)
            for pk, path, title in Page.objects.type(NewsIndexPage, EventIndexPage).values_list(
                "pk", "path", "title"
            )
        }

    def url(self, url_path: str) -> str:
        for root in self.roots:
            if url_path.startswith(root.root_path):
                return "/" + url_path[len(root.root_path) :]
        return ""

    def site_id(self, url_path: str) -> int | None:
        """The site whose root is the longest prefix of the page's path (as Wagtail's
        own URL lookup picks it)."""
        for root in self.roots:
            if url_path.startswith(root.root_path):
                return root.site_id
        return None

    def section(self, path: str) -> tuple[int | None, str]:
        return self.sections.get(path[: -Page.steplen], (None, ""))


def article_item(
    row: dict, context: Context, authors: list[tuple[int, str]], tags: list[str]
) -> Item:
    """``row``: the ARTICLE_FIELDS of one article (``values()``), with its authors in byline
    order and its tags, read for a whole chunk at once."""
    body, captions = body_parts(row["body"].raw_data if row["body"] is not None else ())
    captions = "\n".join(c for c in (row["lead_image_caption"], captions) if c)
    section_id, section_title = context.section(row["path"])
    return Item(
        page_id=row["id"],
        kind=ARTICLE,
        title=row["title"],
        url=context.url(row["url_path"]),
        date=row["published_at"] or row["first_published_at"],
        section_id=section_id,
        section_title=section_title,
        lead=row["lead"],
        body=body,
        captions=captions,
        authors=[name for _, name in authors],
        author_ids=[author_id for author_id, _ in authors],
        tags=tags,
        extra=row["kicker"],
        view_count=row["initial_view_count"],
        stamp=stamp(row["last_published_at"], row["url_path"]),
        site_id=context.site_id(row["url_path"]),
    )


def event_item(page: EventPage, context: Context) -> Item:
    body, captions = body_parts(page.body.raw_data)
    captions = "\n".join(c for c in (page.lead_image_caption, captions) if c)
    section_id, section_title = context.section(page.path)
    return Item(
        page_id=page.pk,
        kind=EVENT,
        title=page.title,
        url=context.url(page.url_path),
        date=page.start_at,
        section_id=section_id,
        section_title=section_title,
        lead=page.lead,
        body=body,
        captions=captions,
        extra=" ".join(filter(None, [page.location, page.organiser])),
        stamp=stamp(page.last_published_at, page.url_path),
        site_id=context.site_id(page.url_path),
    )


def articles():
    return ArticlePage.objects.live().public().order_by("pk")


def events():
    return EventPage.objects.live().public().order_by("pk")


def count_indexable() -> int:
    return articles().count() + events().count()


def indexable_ids() -> list[int]:
    """The ids of every indexable page, in increasing order."""
    ids = [*articles().values_list("pk", flat=True), *events().values_list("pk", flat=True)]
    return sorted(ids)


def expected_stamps() -> dict[int, str]:
    """What an index should hold: page id -> stamp of every published, public page."""
    stamps = {}
    for queryset in (articles(), events()):
        for page_id, published, url_path in queryset.values_list(
            "pk", "last_published_at", "url_path"
        ).order_by():
            stamps[page_id] = stamp(published, url_path)
    return stamps


def differences(actual: dict[int, str]) -> tuple[list[int], list[int], list[int]]:
    """The (missing, stale, extra) page ids of an index whose entries have the stamps
    ``actual``, against the pages as they are now."""
    expected = expected_stamps()
    return (
        sorted(set(expected) - set(actual)),
        sorted(pid for pid in expected if pid in actual and actual[pid] != expected[pid]),
        sorted(set(actual) - set(expected)),
    )


def _article_chunks(queryset, chunk_size: int) -> Iterator[list[dict]]:
    rows: list[dict] = []
    for row in queryset.values(*ARTICLE_FIELDS).iterator(chunk_size=chunk_size):
        rows.append(row)
        if len(rows) >= chunk_size:
            yield rows
            rows = []
    if rows:
        yield rows


def iter_article_items(queryset, context: Context, chunk_size: int) -> Iterator[Item]:
    """Articles as Items from plain rows: a chunk's authors and tags in one query each
    (model instances and prefetching cost more than the rest of a rebuild)."""
    for rows in _article_chunks(queryset, chunk_size):
        ids = [row["id"] for row in rows]
        authors: dict[int, list[tuple[int, str]]] = {}
        for page_id, author_id, name in (
            ArticleAuthor.objects.filter(page_id__in=ids)
            .order_by("page_id", "sort_order", "pk")
            .values_list("page_id", "author_id", "author__name")
        ):
            authors.setdefault(page_id, []).append((author_id, name))
        tags: dict[int, list[str]] = {}
        for page_id, name in (
            ArticleTag.objects.filter(content_object_id__in=ids)
            .order_by("pk")
            .values_list("content_object_id", "tag__name")
        ):
            tags.setdefault(page_id, []).append(name)
        for row in rows:
            yield article_item(row, context, authors.get(row["id"], []), tags.get(row["id"], []))


def iter_items(
    page_ids: Iterable[int] | None = None,
    chunk_size: int = 1000,
    pk_range: tuple[int | None, int | None] = (None, None),
) -> Iterator[Item]:
    """Every indexable page (or those of ``page_ids``) as an Item, streamed in chunks;
    only the pages whose id is in ``pk_range`` (start included, stop excluded; None:
    unbounded)."""
    context = Context()
    article_qs, event_qs = articles(), events()
    if page_ids is not None:
        ids = list(page_ids)
        article_qs, event_qs = article_qs.filter(pk__in=ids), event_qs.filter(pk__in=ids)
    start, stop = pk_range
    if start is not None:
        article_qs, event_qs = article_qs.filter(pk__gte=start), event_qs.filter(pk__gte=start)
    if stop is not None:
        article_qs, event_qs = article_qs.filter(pk__lt=stop), event_qs.filter(pk__lt=stop)
    yield from iter_article_items(article_qs, context, chunk_size)
    for page in event_qs.iterator(chunk_size=chunk_size):
        yield event_item(page, context)
