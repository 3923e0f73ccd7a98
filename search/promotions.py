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

from .models import SearchEntry
from .query import Hit
from .text import TOKEN_RE, ParsedQuery, fold, normalize, snippet

LINK = "link"


def query_key(text: str) -> str:
    """A query as promotions compare it: its syllables, folded."""
    return " ".join(TOKEN_RE.findall(fold(normalize(text or ""))))


def promoted_hits(raw: str, query: ParsedQuery) -> list[Hit]:
    """The picks for the query ``raw`` (as typed), in the editors' order."""
    wanted = query_key(raw)
    if not wanted:
        return []
    # A few promoted queries at most: compared in Python, where folding is defined.
    picks = [
        pick
        for pick in SearchPromotion.objects.select_related("query").order_by(
            "query_id", "sort_order", "pk"
        )
        if query_key(pick.query.query_string) == wanted
    ]
    if not picks:
        return []
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
