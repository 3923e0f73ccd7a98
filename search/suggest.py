"""Suggestions as you type in the header search box: titles and authors.

Every engine gets the same ``SuggestQuery`` (folded syllables, the last one possibly
cut short) and answers with ``Suggestion``s; the meaning is the same on all of them:

* a title is suggested when each complete syllable of the query is one of the title's
  syllables and the last one starts one of them, compared folded (no diacritics, any
  case): "nong thon m" and "Nông thôn mớ" both suggest "… nông thôn mới …";
* titles with the query's syllables in that order, as typed, come first, then the other
  titles; newest first within each group;
* an author is suggested by the same rule applied to the name, among the authors the
  index holds (a byline of a published, public page).
"""

from dataclasses import dataclass

from .text import MAX_QUERY_CHARS, TOKEN_RE, fold, normalize

# The shortest query worth answering: one letter matches most of the archive.
MIN_CHARS = 2
# Syllables of a query that are used; a suggestion box gets short queries.
MAX_WORDS = 8
TITLE_LIMIT = 6
AUTHOR_LIMIT = 3
TITLE = "title"
AUTHOR = "author"


@dataclass(frozen=True)
class SuggestQuery:
    """``words``: the complete syllables, folded; ``prefix``: the last one, folded, which
    the reader may still be typing."""

    words: tuple[str, ...]
    prefix: str
    site_id: int | None = None  # the portal whose pages are suggested; None: every one

    @property
    def syllables(self) -> tuple[str, ...]:
        return (*self.words, self.prefix)


def parse_suggest(raw: str | None) -> SuggestQuery | None:
    """The query of a suggestion request, or None when it is too short to answer."""
    folded = fold(normalize((raw or "")[:MAX_QUERY_CHARS]))
    syllables = TOKEN_RE.findall(folded)[:MAX_WORDS]
    if not syllables or sum(len(s) for s in syllables) < MIN_CHARS:
        return None
    return SuggestQuery(tuple(syllables[:-1]), syllables[-1])


def matches(text: str, query: SuggestQuery) -> bool:
    """Whether ``text`` (a title or a name, as written) is suggested for ``query``."""
    syllables = TOKEN_RE.findall(fold(normalize(text)))
    present = set(syllables)
    return all(word in present for word in query.words) and any(
        s.startswith(query.prefix) for s in syllables
    )


def in_order(text: str, query: SuggestQuery) -> bool:
    """Whether ``text`` holds the query's syllables in a row (the last one as a prefix)."""
    syllables = TOKEN_RE.findall(fold(normalize(text)))
    size = len(query.syllables)
    for start in range(len(syllables) - size + 1):
        window = syllables[start : start + size]
        if list(query.words) == window[:-1] and window[-1].startswith(query.prefix):
            return True
    return False


@dataclass
class Suggestion:
    kind: str  # TITLE or AUTHOR
    label: str  # the title or the name, as written
    url: str = ""  # a title's page; an author's is the search filtered by the author
    author_id: int | None = None

    def as_json(self) -> dict:
        return {"type": self.kind, "label": self.label, "url": self.url}


def authors_for(names: list[tuple[int | None, str]], query: SuggestQuery) -> list[Suggestion]:
    """The names (id, name) that match ``query``, at most AUTHOR_LIMIT: those with the
    query's syllables in a row first, then in the order of their folded form."""
    found = {}
    for author_id, name in names:
        if name and name not in found and matches(name, query):
            found[name] = author_id
    ordered = sorted(found, key=lambda name: (not in_order(name, query), fold(name), name))
    return [Suggestion(AUTHOR, name, author_id=found[name]) for name in ordered[:AUTHOR_LIMIT]]
