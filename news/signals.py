"""New news and event sections get their portal's moderation workflow (docs/workflow.md);
the importer's signals, which other apps (search) subscribe to; and the statistics'
groups of an article (its section, its authors) follow every change of them.

A section of a district portal follows the district's workflow, which its home carries
(news.portals); elsewhere a section gets the newsroom's "Duyệt tin bài".
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from wagtail.models import Workflow, WorkflowPage
from wagtail.signals import post_page_move

from . import reports
from .models import ArticleAuthor, ArticlePage, EventIndexPage, NewsIndexPage, Portal

# Sent by the importer's bulk writer inside each batch's transaction, instead of one
# page_published per page: ``articles`` is a list of news.importer.bulk.ImportedArticle
# (path, parsed export, the new live page).
articles_imported = Signal()
# Sent once at the end of an import run, outside any transaction, with ``page_ids``: the
# pages the run created and those it found already imported (a run cut short after a
# batch committed left them out of the search indexes). Search indexes are brought up
# to date here, in bulk, rather than per batch.
articles_import_finished = Signal()


def newsroom_workflow() -> Workflow | None:
    return Workflow.objects.filter(name=settings.NEWSROOM_WORKFLOW_NAME, active=True).first()


def assign_workflow(section) -> bool:
    """Give a section its portal's workflow unless it has a workflow of its own."""
    portal = Portal.for_page(section)
    workflow = portal.workflow if portal is not None and portal.workflow_id else None
    workflow = workflow or newsroom_workflow()
    if workflow is None or WorkflowPage.objects.filter(page=section).exists():
        return False
    WorkflowPage.objects.create(page=section, workflow=workflow)
    return True


@receiver(post_save, sender=NewsIndexPage, dispatch_uid="newsroom-workflow-news")
@receiver(post_save, sender=EventIndexPage, dispatch_uid="newsroom-workflow-events")
def section_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        assign_workflow(instance)


@receiver(post_save, sender=ArticlePage, dispatch_uid="stats-groups-article-saved")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reports.regroup_sections({instance.pk: instance.path})


@receiver(post_page_move, dispatch_uid="stats-groups-article-moved")
def article_moved(sender, instance, **kwargs):
    if issubclass(sender, ArticlePage):
        reports.regroup_sections({instance.pk: instance.path})


@receiver(post_delete, sender=ArticlePage, dispatch_uid="stats-groups-article-deleted")
def article_deleted(sender, instance, **kwargs):
    # A deleted article leaves the sections' and authors' figures, as it leaves the
    # reports that join the articles.
    reports.regroup_sections({instance.pk: ""})
    reports.regroup_authors([instance.pk])


@receiver(post_save, sender=ArticleAuthor, dispatch_uid="stats-groups-authors-saved")
@receiver(post_delete, sender=ArticleAuthor, dispatch_uid="stats-groups-authors-deleted")
def authors_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        reports.regroup_authors([instance.page_id])


@receiver(articles_imported, dispatch_uid="stats-groups-imported")
def articles_grouped(sender, articles, **kwargs):
    pages = {article.page.pk: article.page.path for article in articles}
    reports.regroup_sections(pages)
    reports.regroup_authors(list(pages))
