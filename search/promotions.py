"""Editors' picks: pages (or links) pinned to a query in the admin with Wagtail's
``wagtail.contrib.search_promotions`` ("Promoted search results"). They come first on the
first page of that query's results, marked, whatever engine answers.

A promotion's query is compared with the reader's by its syllables, folded: "Nông thôn
mới", "nong thon moi" and "NÔNG THÔN MỚI!" all show the picks of "nông thôn mới". Only
live, public pages are shown.
"""

from django.utils.html import escape
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page

from core.pagecache import cached_until_publish

from .models import SearchEntry
from .query import Hit
from .text import TOKEN_RE, ParsedQuery, fold, normalize, snippet

LINK = "link"


def query_key(text: str) -> str:
    """A query as promotions compare it: its syllables, folded."""
    return " ".join(TOKEN_RE.findall(fold(normalize(text or ""))))


PICKS_KEY = "search:promotions"
PICKS_SECONDS = 3600


def _load_keys() -> dict[str, list[int]]:
    keys: dict[str, list[int]] = {}
    rows = SearchPromotion.objects.order_by("query_id", "sort_order", "pk")
    for pk, query_string in rows.values_list("pk", "query__query_string"):
        keys.setdefault(query_key(query_string), []).append(pk)
    return keys


def promoted_keys() -> dict[str, list[int]]:
    """Each promoted query's key -> its picks' ids, in the editors' order. Every search's
    first page asks, so they are kept in the shared cache until a promotion changes
    (search.signals bumps the generation once the change commits) or a page is published."""
    return cached_until_publish(PICKS_KEY, _load_keys, PICKS_SECONDS)


def promoted_hits(raw: str, query: ParsedQuery) -> list[Hit]:
    """The picks for the query ``raw`` (as typed), in the editors' order."""
    wanted = query_key(raw)
    pick_ids = promoted_keys().get(wanted) if wanted else None
    if not pick_ids:
        return []
    found = SearchPromotion.objects.in_bulk(pick_ids)
    picks = [found[pk] for pk in pick_ids if pk in found]
    page_ids = [pick.page_id for pick in picks if pick.page_id]
    pages = Page.objects.live().public().in_bulk(page_ids)
    entries = SearchEntry.objects.in_bulk(page_ids)
    hits = []
    for pick in picks:
        description = escape(pick.description) if pick.description else ""
        if pick.page_id is None:
            if pick.external_link_url:
                title = pick.external_link_text or pick.external_link_url
                hits.append(_hit(None, LINK, title, pick.external_link_url, description))
            continue
        page = pages.get(pick.page_id)
        if page is None:  # a draft, unpublished or restricted page is not shown
            continue
        entry = entries.get(page.pk)
        if entry is None:
            hits.append(_hit(page.pk, "", page.title, page.url or "", description))
            continue
        hit = _hit(entry.page_id, entry.kind, entry.title, entry.url, description)
        hit.date = entry.date
        hit.section = entry.section_title
        hit.authors = [a for a in entry.author_names.split("\n") if a]
        hit.snippet = description or snippet(entry.text, query)
        hits.append(hit)
    return hits


def _hit(page_id, kind, title, url, description) -> Hit:
    return Hit(
        page_id=page_id,
        kind=kind,
        title=title,
        url=url,
        date=None,
        section="",
        authors=[],
        snippet=description,
        score=None,
        promoted=True,
    )


def first_page(hits: list[Hit], picks: list[Hit]) -> list[Hit]:
    """The first page: the picks, then the results that are not among them."""
    pinned = {pick.page_id for pick in picks if pick.page_id is not None}
    return [*picks, *(hit for hit in hits if hit.page_id not in pinned)]
