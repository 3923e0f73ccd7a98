"""The engine-neutral shape of a search: what is asked and what comes back."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .text import ParsedQuery

RELEVANCE = "relevance"
NEWEST = "newest"
SORTS = (RELEVANCE, NEWEST)


@dataclass(frozen=True)
class SearchParams:
    query: ParsedQuery
    date_from: date | None = None
    date_to: date | None = None
    section_id: int | None = None
    author_id: int | None = None
    kind: str | None = None
    sort: str = RELEVANCE
    page: int = 1
    page_size: int = 10
    # The portal searched (a Site id); None searches every portal ("Toàn tỉnh"). Not a
    # filter the reader sets: a search with nothing else to look for stays empty.
    site_id: int | None = None

    @property
    def has_filters(self) -> bool:
        return any(
            v is not None
            for v in (self.date_from, self.date_to, self.section_id, self.author_id, self.kind)
        )

    @property
    def runnable(self) -> bool:
        return bool(self.query) or self.has_filters

    @property
    def start(self) -> datetime | None:
        if self.date_from is None:
            return None
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime | None:
        """Exclusive upper bound: the day after ``date_to`` at midnight, local time."""
        if self.date_to is None:
            return None
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class Hit:
    page_id: int
    kind: str
    title: str
    url: str
    date: datetime | None
    section: str
    authors: list[str]
    snippet: str
    score: float | None
    title_html: str = ""  # the title, escaped, matched words in <mark>
    # Pinned to the query by an editor (``search.promotions``): shown first, marked.
    promoted: bool = False
    site_id: int | None = None
    # Shown when a search spans several portals: the portal the page belongs to.
    site_name: str = ""

    def as_json(self) -> dict:
        return {
            "site": self.site_name or None,
            "id": self.page_id,
            "type": self.kind,
            "title": self.title,
            "url": self.url,
            "date": self.date.isoformat() if self.date else None,
            "section": self.section,
            "authors": self.authors,
            "title_html": self.title_html or None,
            "snippet": self.snippet,
            "score": self.score,
            "promoted": self.promoted,
        }


# Totals are counted exactly up to this many matches (also the deepest result anyone can
# page to); beyond it ``total`` is TOTAL_CAP and ``total_exact`` is False ("more than
# 10,000"). Counting every match of a common word costs more than the rest of a search.
TOTAL_CAP = 10_000


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_exact: bool = True
    page: int = 1
    page_size: int = 10
    # The query as corrected from the index's vocabulary when the typed one found nothing
    # ("Có phải bạn muốn tìm: …"), and whether the results have only some of the words.
    suggestion: str = ""
    relaxed: bool = False

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))
