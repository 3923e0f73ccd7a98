"""The one interface every search engine implements; ``search.service`` picks one by the
``SEARCH_ENGINE`` setting and the database's own engine by ``SEARCH_DATABASE_ENGINE``."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from ..items import Item
from ..query import Results, SearchParams
from ..suggest import Suggestion, SuggestQuery

Progress = Callable[[int], None] | None


class SearchEngine(ABC):
    #: The name ``search_index --engine`` knows it by.
    name: str

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """What this engine raises when it is down: the service then answers from the
        database and the command reports it. The database engines have none of their own."""
        return ()

    @abstractmethod
    def index(self, items: Iterable[Item]) -> int:
        """Add or replace the entries of these items; returns how many were written."""

    @abstractmethod
    def delete(self, page_ids: Iterable[int]) -> None:
        """Remove the entries of these pages (missing ones are fine)."""

    @abstractmethod
    def search(self, params: SearchParams) -> Results:
        """One page of results, the total counted exactly up to ``query.TOTAL_CAP``."""

    @abstractmethod
    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        """Suggestions as the reader types (``search.suggest`` states the rule): at most
        ``TITLE_LIMIT`` titles, then at most ``AUTHOR_LIMIT`` authors."""

    @abstractmethod
    def stamps(self) -> dict[int, str]:
        """Page id -> stamp of every entry, for ``search_index --check``."""

    def unmapped_fields(self) -> list[str]:
        """Fields this code searches that the live index lacks (built by an older
        release; only a rebuild adds them), for ``search_index --check``."""
        return []

    @abstractmethod
    def rebuild(self, progress: Progress = None, chunk_size: int = 1000) -> int:
        """Replace the whole index with every indexable page (``items.iter_items``, read
        ``chunk_size`` pages at a time), readers seeing the old one until the new one is
        complete; returns entries written."""
