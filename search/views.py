"""/search/: the archive search page and its JSON twin (?format=json)."""

from dataclasses import replace

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Site

from core.paging import page_links
from core.routing import site_for_request
from news.models import Author

from . import promotions, service
from .forms import SearchForm
from .query import RELEVANCE, TOTAL_CAP
from .suggest import AUTHOR, parse_suggest
from .text import normalize

MAX_RESULTS = TOTAL_CAP  # deepest result anyone can page to, on every engine
# Suggestions are the same for every reader and change when pages are published.
SUGGEST_MAX_AGE = 60


def name_portals(hits, site: Site | None) -> None:
    """A search beyond the answering portal names each result's portal, and links the
    other portals' pages on their own hosts (the index keeps paths within a portal)."""
    portals = {
        portal.pk: portal
        for portal in Site.objects.filter(pk__in={hit.site_id for hit in hits if hit.site_id})
    }
    for hit in hits:
        portal = portals.get(hit.site_id)
        if portal is None:
            continue
        hit.site_name = portal.site_name or portal.hostname
        if (site is None or portal.pk != site.pk) and hit.url.startswith("/"):
            hit.url = portal.root_url + hit.url


@require_GET
def search_view(request):
    site = site_for_request(request)
    form = SearchForm(request.GET, site=site)
    parsed = form.parsed()
    params = parsed.params
    max_page = max(1, MAX_RESULTS // params.page_size)
    if params.page > max_page:
        parsed.messages.append(
            _("Only the first %(count)d results can be paged through; showing page %(page)d.")
            % {"count": MAX_RESULTS, "page": max_page}
        )
        params = replace(params, page=max_page)
    results = service.search(params)
    if results.total and params.page > results.num_pages:
        last = min(results.num_pages, max_page)
        parsed.messages.append(
            _("There is no page %(page)d; showing the last page, %(last)d.")
            % {"page": params.page, "last": last}
        )
        params = replace(params, page=last)
        results = service.search(params)
    if params.query and params.page == 1:
        picks = promotions.promoted_hits(parsed.values["q"], params.query)
        results.hits = promotions.first_page(results.hits, picks)
    if params.site_id != (site.pk if site else None):
        name_portals(results.hits, site)
    if not params.runnable and not parsed.messages and "q" in request.GET:
        parsed.messages.append(_("Type a word or phrase to search for."))

    def page_url(number: int | None, fmt: str | None = None) -> str | None:
        if number is None:
            return None
        query = {k: v for k, v in parsed.values.items() if v not in (None, "")}
        if query.get("sort") == RELEVANCE:
            query.pop("sort")
        query["page"] = number
        if fmt:
            query["format"] = fmt
        return "?" + urlencode(query)

    if results.relaxed:
        parsed.messages.append(_("No page has every word of your search; these have most of them."))
    suggestion_url = None
    if results.suggestion:
        suggestion_url = "?" + urlencode(
            {k: v for k, v in {**parsed.values, "q": results.suggestion}.items() if v}
        )
    previous_page = params.page - 1 if params.page > 1 and results.total else None
    next_page = params.page + 1 if params.page < min(results.num_pages, max_page) else None
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "query": parsed.values["q"],
                "total": results.total,
                "total_exact": results.total_exact,
                "page": params.page,
                "page_size": params.page_size,
                "num_pages": results.num_pages if results.total else 0,
                "previous": page_url(previous_page, "json"),
                "next": page_url(next_page, "json"),
                "messages": parsed.messages,
                "suggestion": results.suggestion or None,
                "relaxed": results.relaxed,
                "results": [hit.as_json() for hit in results.hits],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    return render(
        request,
        "search/search.html",
        {
            "values": parsed.values,
            "messages_list": parsed.messages,
            "searched": params.runnable,
            "results": results,
            "suggestion_url": suggestion_url,
            "page_number": params.page,
            "first_rank": params.offset + 1,
            "num_pages": results.num_pages,
            "page_links": page_links(params.page, min(results.num_pages, max_page), page_url)
            if results.total
            else None,
            "sections": form.fields["section"].listed,
            "authors": form.fields["author"].queryset,
            "site_choices": form.fields["site"].choices,
        },
    )


@require_GET
def suggest_view(request):
    """/search/suggest/?q=…: titles and authors for the header search box, as JSON
    (``static/search/suggest.js`` shows them)."""
    raw = request.GET.get("q", "")
    query = parse_suggest(raw)
    site = site_for_request(request)
    if query and site is not None:
        query = replace(query, site_id=site.pk)
    suggestions = service.suggest(query) if query else []
    search_url = reverse("search:search")
    authors = [s for s in suggestions if s.kind == AUTHOR]
    if any(s.author_id is None for s in authors):
        # An engine that knows the names only, in their indexed form (Elasticsearch): the
        # author filter takes ids, and the name is shown as the newsroom wrote it.
        known = {
            normalize(name): (pk, name) for pk, name in Author.objects.values_list("pk", "name")
        }
        for suggestion in authors:
            if suggestion.author_id is None and normalize(suggestion.label) in known:
                suggestion.author_id, suggestion.label = known[normalize(suggestion.label)]
    for suggestion in authors:
        parameters = (
            {"author": suggestion.author_id} if suggestion.author_id else {"q": suggestion.label}
        )
        suggestion.url = f"{search_url}?{urlencode(parameters)}"
    response = JsonResponse(
        {"query": raw, "suggestions": [s.as_json() for s in suggestions]},
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=SUGGEST_MAX_AGE)
    return response
