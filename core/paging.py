"""Page numbers for any paginated list: 1 … 4 5 [6] 7 8 … 20, from Django's own
elided page range, so listings and search number their pages alike."""

from collections.abc import Callable

from django.core.paginator import Paginator


def page_links(number: int, num_pages: int, url_for: Callable[[int], str]) -> dict | None:
    """What core/pagination.html draws, or None for a list of one page."""
    if num_pages <= 1:
        return None
    # A paginator over a range costs nothing and gives Django's elision rules.
    paginator = Paginator(range(num_pages), 1)
    links = []
    for item in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1):
        if item == Paginator.ELLIPSIS:
            links.append({"gap": True})
        else:
            links.append({"number": item, "url": url_for(item), "current": item == number})
    return {
        "links": links,
        "number": number,
        "num_pages": num_pages,
        "previous_url": url_for(number - 1) if number > 1 else None,
        "next_url": url_for(number + 1) if number < num_pages else None,
    }


def query_url(query, number: int) -> str:
    """`?…&page=N`, keeping the request's other parameters."""
    query = query.copy()
    query["page"] = number
    return "?" + query.urlencode()
