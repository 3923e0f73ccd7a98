"""The page a beacon counts, and its django-hitcount HitCount row."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from hitcount.models import HitCount
from wagtail.models import Page

from stats.conf import conf


@dataclass(frozen=True)
class Target:
    page_id: int
    hitcount_id: int
    hits: int


@functools.cache
def _counted_content_type_ids(labels: tuple[str, ...]) -> frozenset[int] | None:
    if not labels:
        return None
    models = [apps.get_model(label) for label in labels]
    return frozenset(ct.pk for ct in ContentType.objects.get_for_models(*models).values())


def counted_content_type_ids() -> frozenset[int] | None:
    """Content types of the page models counted (None = every page type)."""
    return _counted_content_type_ids(conf().counted_page_models)


def counted_pages():
    pages = Page.objects.live()
    types = counted_content_type_ids()
    if types is not None:
        pages = pages.filter(content_type_id__in=types)
    return pages


def _counter_for(outer: str):
    return HitCount.objects.filter(
        content_type_id=OuterRef("content_type_id"), object_pk=OuterRef(outer)
    )


def find(page_id: int) -> Target | None:
    """The live, counted page and its counter, creating the counter on first use.

    One query when the counter exists. The counter is keyed by the page's specific
    content type, as django-hitcount's own get_for_object() keys it.
    """
    row = (
        counted_pages()
        .filter(pk=page_id)
        .annotate(
            counter_id=Subquery(_counter_for("pk").values("pk")[:1]),
            counter_hits=Subquery(_counter_for("pk").values("hits")[:1]),
        )
        .values_list("content_type_id", "counter_id", "counter_hits")
        .first()
    )
    if row is None:
        return None
    content_type_id, counter_id, hits = row
    if counter_id is None:
        counter = _create_counter(page_id, content_type_id)
        counter_id, hits = counter.pk, counter.hits
    return Target(page_id=page_id, hitcount_id=counter_id, hits=hits)


def initial_count(page: Page) -> int:
    """The count a page carried over from an older system (the configured attribute)."""
    value = getattr(page.specific_deferred, conf().initial_count_attribute, 0)
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _create_counter(page_id: int, content_type_id: int) -> HitCount:
    start = initial_count(Page.objects.get(pk=page_id))
    try:
        with transaction.atomic():
            return HitCount.objects.create(
                content_type_id=content_type_id, object_pk=page_id, hits=start
            )
    except IntegrityError:  # created by a concurrent request: HitCount is unique per object
        return HitCount.objects.get(content_type_id=content_type_id, object_pk=page_id)


def rendered_count(page: Page) -> int:
    """The number a page renders (one query; no write on GET)."""
    hits = (
        HitCount.objects.filter(content_type_id=page.content_type_id, object_pk=page.pk)
        .values_list("hits", flat=True)
        .first()
    )
    return initial_count(page) if hits is None else hits
