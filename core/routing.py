"""Page routing in two queries instead of one or two per URL segment.

Wagtail routes a URL by walking the tree: for /section/article/ it loads the site root
as its specific type, then each child by slug and each again as its specific type, five
queries before anything renders, and then two more to collect view restrictions from
the ancestors. The URL path of a page is stored on it (`url_path`), so the page and all
its ancestors come back in one query, and the specific page in a second.

The result is handed to Wagtail's own `serve` view through the per-request route cache
that `Page.route_for_request` documents (`request._wagtail_route_for_request`), so the
`before_serve_page` hooks (view restrictions, password pages), `on_serve_page` and the
page's own `serve` run unchanged. Whenever the fast path cannot be sure it gives
Wagtail's answer, it steps aside and Wagtail routes as usual:

* a URL that is not exactly a page's path (RoutablePage sub-routes such as ical/, 404s);
* an ancestor whose type overrides `route` (it could claim the child's slug);
* aliases in the chain, or localisation (WAGTAIL_I18N_ENABLED).

The Site lookup (another query with a join, on every request) is remembered in the
shared cache under the page cache's generation, so publishing anything or saving a
Site makes every app server look it up afresh.

Why three underscore attributes rather than a public hook: every hook Wagtail offers
(`before_serve_page`, `on_serve_page`) runs after the tree walk, so none can replace
it; overriding `route` on the home page would still load the root page as its specific
type first, a third query on every page. The attributes are the hand-off points that
Wagtail's own code documents or writes: `Page.route_for_request` says its result is
cached in `request._wagtail_route_for_request`, `Site.find_for_request` says the same
of `request._wagtail_site`, and `Page.route` itself sets treebeard's
`_cached_parent_obj` on the child it routes to. They are private all the same, so
`CHECKED_WITH` names the versions this was read against and core/tests/test_routing_pins.py
fails on any other version until someone has read the new code and updated it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site

from .pagecache import read_fresh

# The versions whose code was read for the private attributes below.
CHECKED_WITH = {"wagtail": "8.0.1", "django-treebeard": "5.3.1"}
ROUTE_ATTRIBUTE = "_wagtail_route_for_request"  # where Page.route_for_request keeps its answer
PARENT_ATTRIBUTE = "_cached_parent_obj"  # what treebeard's get_parent returns when set
CHAIN_ATTRIBUTE = "_route_chain_ids"
ANCESTORS_ATTRIBUTE = "_route_ancestors"  # the ancestors loaded here, for breadcrumbs
SITE_ATTRIBUTE = "_wagtail_site"  # where Site.find_for_request keeps its answer
SITE_CACHE_SECONDS = 3600
NOT_FOUND = object()  # the page exists but is not served (not live): Wagtail's 404


def _routes_by_tree(model) -> bool:
    """True when pages of this type route to their children exactly as Page does."""
    return model is None or model.route is Page.route


def _prefixes(url_path: str) -> list[str]:
    """ "/home/a/b/" -> ["/", "/home/", "/home/a/", "/home/a/b/"]."""
    parts = [part for part in url_path.split("/") if part]
    return ["/"] + ["/" + "/".join(parts[:end]) + "/" for end in range(1, len(parts) + 1)]


def site_for_request(request):
    """`Site.find_for_request`, remembered in the shared cache until the next publish
    or change of a Site (both bump the page cache's generation), so a page request
    costs a cache read instead of a query that joins the site's root page."""
    if hasattr(request, SITE_ATTRIBUTE):
        return getattr(request, SITE_ATTRIBUTE)
    # get_host() has already been validated against ALLOWED_HOSTS (CommonMiddleware),
    # so the keys stay few.
    hostname, port = split_domain_port(request.get_host())[0], request.get_port()
    key = f"portal:site:{hostname}:{port}"
    generation, site = read_fresh(key)
    if site is None:
        site = Site.find_for_request(request)
        if site is not None:
            cache.set(key, (generation, site), SITE_CACHE_SECONDS)
    setattr(request, SITE_ATTRIBUTE, site)
    return site


def fast_route(request, path: str):
    """Wagtail's RouteResult for `path`, or None to let Wagtail route it."""
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return None
    components = [component for component in path.split("/") if component]
    if not components:
        return None  # the site root: Wagtail's route is one query already
    site = site_for_request(request)
    if site is None:
        return None
    url_path = site.root_page.url_path + "/".join(components) + "/"
    chain = list(Page.objects.filter(url_path__in=_prefixes(url_path)).order_by("depth"))
    target = chain[-1] if chain else None
    if target is None or target.url_path != url_path or len(chain) != target.depth:
        return None
    ancestors = chain[:-1]
    if not all(target.path.startswith(ancestor.path) for ancestor in ancestors):
        return None
    if any(page.alias_of_id for page in chain):
        return None
    if not all(_routes_by_tree(page.specific_class) for page in ancestors):
        return None
    if target.specific_class is None:
        return None
    page = target.specific
    setattr(page, PARENT_ATTRIBUTE, ancestors[-1])
    setattr(page, CHAIN_ATTRIBUTE, [ancestor.pk for ancestor in chain])
    setattr(page, ANCESTORS_ATTRIBUTE, ancestors)
    try:
        return page.route(request, [])
    except Http404:
        return NOT_FOUND


def serve(request, path):
    """Wagtail's serve view, routed by `fast_route` where it can."""
    from wagtail import views as wagtail_views  # it loads models: not at import time

    site_for_request(request)  # Wagtail's own lookups then read request._wagtail_site
    if not hasattr(request, ROUTE_ATTRIBUTE):
        route = fast_route(request, path)
        if route is not None:
            setattr(request, ROUTE_ATTRIBUTE, None if route is NOT_FOUND else route)
    return wagtail_views.serve(request, path)


class RoutedPageMixin:
    """For page models: view restrictions read with the ancestors the router loaded."""

    def get_view_restrictions(self):
        chain = getattr(self, CHAIN_ATTRIBUTE, None)
        if chain is None:
            return super().get_view_restrictions()
        # The router only keeps a chain without aliases, so these are the pages whose
        # restrictions apply: the page itself and every ancestor.
        return PageViewRestriction.objects.filter(page_id__in=chain)
