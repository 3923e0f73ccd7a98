"""/search/: the archive search page and its JSON twin (?format=json)."""

from dataclasses import replace

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.paging import page_links

from . import service
from .forms import SearchForm
from .query import RELEVANCE, TOTAL_CAP

MAX_RESULTS = TOTAL_CAP  # deepest result anyone can page to, on every engine


@require_GET
def search_view(request):
    form = SearchForm(request.GET)
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
            "page_number": params.page,
            "first_rank": params.offset + 1,
            "num_pages": results.num_pages,
            "page_links": page_links(params.page, min(results.num_pages, max_page), page_url)
            if results.total
            else None,
            "sections": form.fields["section"].queryset,
            "authors": form.fields["author"].queryset,
        },
    )
