"""Which pages are private: behind a view restriction of any kind (login, password or
groups) on themselves or on an ancestor, as Wagtail's `PageQuerySet.public()` decides.

Code that lists or counts pages for readers outside a queryset (the stats' beacon and
most-read lists) asks here instead of querying the restrictions each time: the tree
paths of the restricted pages are kept in the shared cache under the page cache's
generation, which every restriction change bumps once it commits (core.apps), so every
app server sees the change at once. A page is private when its path starts with one of
them (Wagtail's tree paths: a descendant's path extends its ancestor's).
"""

from __future__ import annotations

import logging

from django.db.models import Q
from wagtail.models import PageViewRestriction

from .pagecache import cached_until_publish

logger = logging.getLogger(__name__)

CACHE_KEY = "privacy:restricted-paths"
CACHE_SECONDS = 3600


def _load() -> tuple[str, ...]:
    paths = PageViewRestriction.objects.values_list("page__path", flat=True).distinct()
    return tuple(sorted(paths))


def restricted_paths() -> tuple[str, ...]:
    """The tree paths of the pages that carry a view restriction (one cache read; one
    query when the cache is unreachable, which must not make private pages public)."""
    try:
        return cached_until_publish(CACHE_KEY, _load, CACHE_SECONDS)
    except Exception as exc:  # any cache backend's connection error
        logger.warning("privacy: restricted pages read from the database (cache: %s)", exc)
        return _load()


def is_private(path: str, restricted: tuple[str, ...] | None = None) -> bool:
    """True when the page at tree path `path` or one of its ancestors is restricted."""
    if restricted is None:
        restricted = restricted_paths()
    return path.startswith(restricted)


def exclude_private(queryset):
    """`queryset.public()` without its query for the restrictions: the restricted paths
    come from the cache above, so listings every page repeats (the home page's blocks,
    an article's related articles) cost no extra round trip."""
    restricted = restricted_paths()
    if not restricted:
        return queryset
    condition = Q()
    for path in restricted:
        condition |= Q(path__startswith=path)
    return queryset.exclude(condition)
