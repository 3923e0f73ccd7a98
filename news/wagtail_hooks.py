"""Wagtail hooks of the newsroom: documents attached to private or unpublished pages,
page choosers confined to the pages an editor may explore (their portal), the statistics
reports, and the editor: ASCII slugs, tags as typed, no autosave before the first save."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet

from stats.reports.views import can_view

from . import reports
from .editing import AuthorViewSet, NewsroomPageViewSet
from .models import ArticlePage, EventIndexPage, EventPage, HomePage, NewsIndexPage


def _referencing_pages(document):
    document_type = ContentType.objects.get_for_model(get_document_model())
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = ReferenceIndex.objects.filter(
        to_content_type=document_type,
        to_object_id=str(document.pk),
        base_content_type=page_type,
    ).values_list("object_id", flat=True)
    return Page.objects.filter(pk__in=[int(pk) for pk in page_ids])


@hooks.register("before_serve_document")
def documents_follow_their_pages(document, request):
    """A document attached to pages is served only if one of them is readable.

    Readable means live, and every view restriction on it or above it (login, password,
    groups) accepts this request. Staff who can reach the admin may read any document;
    documents attached to no page fall back to Wagtail's collection privacy.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"):
        return None
    pages = list(_referencing_pages(document))
    if not pages:
        return None
    for page in pages:
        if page.live and all(r.accept_request(request) for r in page.get_view_restrictions()):
            return None
    raise Http404


register_snippet(AuthorViewSet)


@hooks.register("register_admin_viewset")
def newsroom_editors():
    return [
        NewsroomPageViewSet(model=model)
        for model in (HomePage, NewsIndexPage, ArticlePage, EventIndexPage, EventPage)
    ]


@hooks.register("insert_editor_js")
def vietnamese_slugs():
    """The editor's slug follows the title in ASCII (đ as d), as on the server."""
    return format_html('<script src="{}"></script>', static("news/admin/slugs.js"))


@hooks.register("insert_editor_js")
def tags_as_typed():
    """Multi-word tags without quotes; Enter takes a suggestion or the typed tag."""
    return format_html('<script src="{}"></script>', static("news/admin/tags.js"))


@hooks.register("register_admin_urls")
def register_report_urls():
    def both(name, view):
        return [
            path(f"{name}/", view.as_view(), name=name),
            path(f"{name}/results/", view.as_view(results_only=True), name=f"{name}_results"),
        ]

    patterns = [
        *both("articles", reports.TopArticlesReport),
        *both("sections", reports.SectionsReport),
        *both("authors", reports.AuthorsReport),
    ]
    return [path("stats/news/", include((patterns, "news_reports")))]


hooks.register("register_stats_breakdown", reports.ArticlesBreakdown)


hooks.register("register_stats_breakdown", reports.sections_breakdown)
hooks.register("register_stats_breakdown", reports.authors_breakdown)
hooks.register("register_stats_groups", reports.SectionGroups)
hooks.register("register_stats_groups", reports.AuthorGroups)


class StatisticsReportItem(MenuItem):
    """An entry of Wagtail's "Reports" menu, for holders of "Xem thống kê"."""

    def is_shown(self, request):
        return can_view(request.user)


def _report_item(view, name, order):
    return StatisticsReportItem(
        view.page_title, reverse(f"news_reports:{name}"), icon_name="view", order=order
    )


@hooks.register("register_reports_menu_item")
def top_articles_menu_item():
    return _report_item(reports.TopArticlesReport, "articles", 910)


@hooks.register("register_reports_menu_item")
def sections_menu_item():
    return _report_item(reports.SectionsReport, "sections", 911)


@hooks.register("register_reports_menu_item")
def authors_menu_item():
    return _report_item(reports.AuthorsReport, "authors", 912)


@hooks.register("construct_page_chooser_queryset")
def choosers_show_explorable_pages(pages, request):
    """A district's editors browse and search only their own portal in page choosers.

    Wagtail's explorer and admin search already keep to the pages a user may explore;
    its page chooser lists every page. The same policy confines it: the pages the user
    has rights on, and their ancestors (to browse down to them).
    """
    if request.user.is_superuser:
        return pages
    return pages.filter(pk__in=PagePermissionPolicy().explorable_instances(request.user))
