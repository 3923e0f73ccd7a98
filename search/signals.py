"""Keep the index right: every change reaches the engines once its transaction commits."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.pagecache import bump_fragments_on_commit
from news.models import ArticleAuthor, ArticlePage, Author, EventIndexPage, EventPage, NewsIndexPage
from news.signals import articles_import_finished

logger = logging.getLogger("search")
INDEXED = (ArticlePage, EventPage)
SECTIONS = (NewsIndexPage, EventIndexPage)


def schedule(page_ids) -> None:
    """Sync these pages after the current transaction commits (at once outside one)."""
    ids = sorted(set(page_ids))
    if not ids:
        return

    def run():
        from . import service

        try:
            service.sync_pages(ids)
        except Exception:  # never break publishing because of the search index
            logger.exception("Updating the search index failed for pages %s", ids)

    transaction.on_commit(run)


def affected(page: Page) -> list[int]:
    """The page itself if it is indexed, plus the indexed pages a section change touches."""
    specific_class = page.specific_class
    if specific_class is None:
        return [page.pk]
    if issubclass(specific_class, SECTIONS) or page.numchild:
        return list(
            Page.objects.descendant_of(page, inclusive=True)
            .type(*INDEXED)
            .values_list("pk", flat=True)
        ) + [page.pk]
    return [page.pk]


def on_publish(sender, instance, **kwargs):
    schedule(affected(instance))


def on_unpublish(sender, instance, **kwargs):
    schedule([instance.pk])


def on_move(sender, instance, **kwargs):
    schedule(affected(instance))


def on_delete(sender, instance, **kwargs):
    # Fires for the base Page row and each specific row; schedule() dedupes per call only,
    # sync_pages is idempotent.
    if isinstance(instance, INDEXED) or type(instance) is Page:
        schedule([instance.pk])


def on_restriction_changed(sender, instance, **kwargs):
    """A privacy change (view restriction added, edited or removed) applies to the page and
    its descendants: restricted pages leave the index, pages made public again return."""
    page = Page.objects.filter(pk=instance.page_id).first()
    schedule(affected(page) if page is not None else [instance.page_id])


def on_author_saved(sender, instance, created, **kwargs):
    if created:
        return
    schedule(ArticleAuthor.objects.filter(author=instance).values_list("page_id", flat=True))


IMPORT_CHUNK = 1000


def on_import_finished(sender, page_ids, **kwargs):
    """The end of an import run: its pages (new ones, and those an interrupted run
    committed) indexed in bulk, a chunk at a time so that a whole archive never sits in
    memory; idempotent for pages already indexed."""
    ids = sorted(set(page_ids))
    for start in range(0, len(ids), IMPORT_CHUNK):
        schedule(ids[start : start + IMPORT_CHUNK])


def connect() -> None:
    articles_import_finished.connect(on_import_finished, dispatch_uid="search_import")
    page_published.connect(on_publish, dispatch_uid="search_publish")
    page_unpublished.connect(on_unpublish, dispatch_uid="search_unpublish")
    post_page_move.connect(on_move, dispatch_uid="search_move")
    post_delete.connect(on_delete, dispatch_uid="search_delete")
    post_save.connect(
        on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_restrict"
    )
    post_delete.connect(
        on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_unrestrict"
    )
    post_save.connect(on_author_saved, sender=Author, dispatch_uid="search_author")
    # The picks are kept in the shared cache (search.promotions): renewed once a change commits.
    for signal in (post_save, post_delete):
        signal.connect(
            bump_fragments_on_commit,
            sender=SearchPromotion,
            dispatch_uid=f"search_promotion-{id(signal)}",
        )
