"""Turns the query string of /search/ into SearchParams, tolerating any input.

Nothing here raises for bad input: an unusable value is dropped or corrected and a message
tells the reader what happened.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from wagtail.models import Page

from news.models import Author, EventIndexPage, NewsIndexPage

from .items import KINDS
from .query import RELEVANCE, SORTS, SearchParams
from .text import MAX_QUERY_CHARS, parse_query

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
MIN_YEAR, MAX_YEAR = 1900, 2100
INT_RE = re.compile(r"^\s*-?\d{1,9}\s*$")


@dataclass
class Parsed:
    params: SearchParams
    values: dict
    messages: list[str] = field(default_factory=list)


def parse_date(raw: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            value = datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
        if MIN_YEAR <= value.year <= MAX_YEAR:
            return value
    raise ValueError(raw)


def parse_int(raw: str) -> int | None:
    if not raw or not INT_RE.match(raw):
        return None
    return int(raw)


def sections():
    return Page.objects.live().type(NewsIndexPage, EventIndexPage).order_by("path")


def authors():
    return Author.objects.order_by("name")


def parse(data: QueryDict) -> Parsed:
    messages: list[str] = []
    raw_q = data.get("q", "") or ""
    query = parse_query(raw_q)
    if query.truncated:
        messages.append(
            _("Your query was too long; only its first %(count)d characters or words were used.")
            % {"count": MAX_QUERY_CHARS}
        )
    elif raw_q.strip() and not query:
        messages.append(_("Your query has no letters or digits to search for."))

    dates: dict[str, date | None] = {"from": None, "to": None}
    for key in dates:
        raw = (data.get(key) or "").strip()
        if raw:
            try:
                dates[key] = parse_date(raw)
            except ValueError:
                messages.append(
                    _("“%(value)s” is not a valid date (use dd/mm/yyyy); it was ignored.")
                    % {"value": raw[:40]}
                )
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        dates["from"], dates["to"] = dates["to"], dates["from"]
        messages.append(_("The start date was after the end date; they were swapped."))

    section_id = _lookup(
        data.get("section"), lambda pk: sections().filter(pk=pk).exists(), messages, _("section")
    )
    author_id = _lookup(
        data.get("author"), lambda pk: Author.objects.filter(pk=pk).exists(), messages, _("author")
    )

    kind = (data.get("type") or "").strip()
    if kind and kind not in KINDS:
        messages.append(_("Unknown type; showing articles and events."))
        kind = ""
    sort = (data.get("sort") or "").strip()
    if sort not in SORTS:
        sort = RELEVANCE

    page = 1
    raw_page = (data.get("page") or "").strip()
    if raw_page:
        number = parse_int(raw_page)
        if number is None or number < 1:
            messages.append(
                _("There is no page “%(page)s”; showing the first page.") % {"page": raw_page[:20]}
            )
        else:
            page = number

    params = SearchParams(
        query=query,
        date_from=dates["from"],
        date_to=dates["to"],
        section_id=section_id,
        author_id=author_id,
        kind=kind or None,
        sort=sort,
        page=page,
        page_size=settings.SEARCH_PAGE_SIZE,
    )
    values = {
        "q": raw_q[:MAX_QUERY_CHARS],
        "from": dates["from"].isoformat() if dates["from"] else "",
        "to": dates["to"].isoformat() if dates["to"] else "",
        "section": section_id,
        "author": author_id,
        "type": kind,
        "sort": sort,
    }
    return Parsed(params, values, messages)


def _lookup(raw, exists, messages: list[str], label: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    pk = parse_int(raw)
    if pk is not None and pk > 0 and exists(pk):
        return pk
    messages.append(
        _("Unknown %(what)s “%(value)s”; that filter was ignored.")
        % {"what": label, "value": raw[:40]}
    )
    return None
