"""The newsroom's statistics: top articles, views by section and by author for a period,
on stats' reports (Wagtail ReportViews with CSV/XLSX export) and dashboard."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.models import Page

from stats.reports import data
from stats.reports.periods import Period
from stats.reports.views import Breakdown, PeriodReportView, Row

from .models import ArticleAuthor, ArticlePage, Author

# The top articles of a period: the report lists this many at most.
TOP_ARTICLES = 1000


def _edit_url(row):
    return reverse("wagtailadmin_pages:edit", args=[row["id"]])


def _grouped(value) -> str:
    return f"{int(value):,}".replace(",", ".")


def top_articles(period: Period, limit: int = TOP_ARTICLES) -> list[dict]:
    return data.cached_breakdown("articles", period, limit, lambda: _top_articles(period, limit))


def _top_articles(period: Period, limit: int) -> list[dict]:
    ranked = data.page_views(period, ContentType.objects.get_for_model(ArticlePage), limit)
    pages = {
        page.pk: page
        for page in ArticlePage.objects.filter(pk__in=[row["page"] for row in ranked])
        .only("id", "title", "path", "published_at", "first_published_at")
        .with_authors()
    }
    parents = dict(
        Page.objects.filter(path__in={page.path[:-4] for page in pages.values()}).values_list(
            "path", "title"
        )
    )
    rows = []
    for row in ranked:
        page = pages.get(row["page"])
        if page is None:  # deleted since: its views stay in the site's totals
            continue
        published = page.published_at or page.first_published_at
        rows.append(
            {
                "id": page.pk,
                "title": page.title,
                "section": parents.get(page.path[:-4], ""),
                "authors": ", ".join(author.name for author in page.authors),
                "published": timezone.localdate(published) if published else None,
                "published_text": f"{timezone.localtime(published):%d/%m/%Y}" if published else "",
                "views": row["views"],
                "views_text": _grouped(row["views"]),
            }
        )
    return rows


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _grouped_views(select: str, joins: str, group: str, period: Period, limit: int | None):
    """Sum the period's views of articles, grouped by a joined row (section, author).

    One SQL statement over stats' views per page for the period (one row per page read,
    from its roll-up): the grouping joins the pages' tree (a section is the article's
    parent) or the article-author links, which the ORM cannot express from stats' rows
    (HitCount points at pages through a generic key)."""
    art = ArticlePage
    totals, params = data.page_totals_sql(period, ContentType.objects.get_for_model(art))
    sql = f"""
SELECT {select}, SUM(t.views) AS views, COUNT(DISTINCT t.page) AS articles
FROM ({totals}) t
JOIN {_table(art)} a ON a.{_col(art, "page_ptr")} = t.page
{joins}
GROUP BY {group}
ORDER BY views DESC, 2
{"LIMIT %s" if limit else ""}
"""  # noqa: S608 - identifiers from the models' metadata, values are parameters
    params = params + ([limit] if limit else [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def sections(period: Period, limit: int | None = None) -> list[dict]:
    return data.cached_breakdown("sections", period, limit, lambda: _sections(period, limit))


def _sections(period: Period, limit: int | None) -> list[dict]:
    page = Page
    path, pid, title = _col(page, "path"), _col(page, "id"), _col(page, "title")
    joins = f"""JOIN {_table(page)} p ON p.{pid} = t.page
JOIN {_table(page)} s ON s.{path} = SUBSTR(p.{path}, 1, LENGTH(p.{path}) - 4)"""
    rows = _grouped_views(f"s.{pid}, s.{title}", joins, f"s.{pid}, s.{title}", period, limit)
    return [
        {"id": pk, "title": name, "views": views, "views_text": _grouped(views), "articles": n}
        for pk, name, views, n in rows
    ]


def authors(period: Period, limit: int | None = None) -> list[dict]:
    return data.cached_breakdown("authors", period, limit, lambda: _authors(period, limit))


def _authors(period: Period, limit: int | None) -> list[dict]:
    link, author = ArticleAuthor, Author
    aid, name = _col(author, "id"), _col(author, "name")
    joins = f"""JOIN {_table(link)} l ON l.{_col(link, "page")} = t.page
JOIN {_table(author)} w ON w.{aid} = l.{_col(link, "author")}"""
    rows = _grouped_views(f"w.{aid}, w.{name}", joins, f"w.{aid}, w.{name}", period, limit)
    return [
        {"id": pk, "title": label, "views": views, "views_text": _grouped(views), "articles": n}
        for pk, label, views, n in rows
    ]


VIEWS_COLUMN = Column("views", label=_("Views"), accessor="views_text", sort_key="views")


class TopArticlesReport(PeriodReportView):
    page_title = _("Top articles")
    index_url_name = "news_reports:articles"
    index_results_url_name = "news_reports:articles_results"
    export_slug = "bai-viet-doc-nhieu"
    columns = [
        TitleColumn("title", label=_("Article"), get_url=_edit_url, sort_key="title"),
        Column("section", label=_("Section"), sort_key="section"),
        Column("authors", label=_("Authors")),
        Column(
            "published", label=_("Publish date"), accessor="published_text", sort_key="published"
        ),
        VIEWS_COLUMN,
    ]
    list_export = ["title", "section", "authors", "published", "views"]
    export_headings = {
        "title": _("Article"),
        "section": _("Section"),
        "authors": _("Authors"),
        "published": _("Publish date"),
        "views": _("Views"),
    }

    def rows(self, period):
        return top_articles(period)


class GroupReport(PeriodReportView):
    """Views of a period grouped by one thing (a section, an author)."""

    label = name = ""
    list_export = ["title", "articles", "views"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.index_url_name = f"news_reports:{self.name}"
        self.index_results_url_name = f"news_reports:{self.name}_results"
        self.columns = [
            self.title_column(),
            Column("articles", label=_("Articles read"), sort_key="articles"),
            VIEWS_COLUMN,
        ]
        self.export_headings = {
            "title": self.label,
            "articles": _("Articles read"),
            "views": _("Views"),
        }

    def title_column(self):
        return Column("title", label=self.label, sort_key="title")


class SectionsReport(GroupReport):
    page_title, label, name = _("Views by section"), _("Section"), "sections"
    export_slug = "luot-xem-theo-chuyen-muc"

    def title_column(self):
        return TitleColumn("title", label=self.label, get_url=_edit_url, sort_key="title")

    def rows(self, period):
        return sections(period)


class AuthorsReport(GroupReport):
    page_title, label, name = _("Views by author"), _("Author"), "authors"
    export_slug = "luot-xem-theo-tac-gia"

    def rows(self, period):
        return authors(period)


class ArticlesBreakdown(Breakdown):
    title = _("Top articles")
    report_url_name = "news_reports:articles"
    order = 10

    def top(self, period, limit):
        return [
            Row(row["title"], row["views"], reverse("stats_admin:page_history", args=[row["id"]]))
            for row in top_articles(period, limit)
        ]


class GroupBreakdown(Breakdown):
    def __init__(self, title, report_url_name, order, rows):
        self.title, self.report_url_name, self.order, self.rows = (
            title,
            report_url_name,
            order,
            rows,
        )

    def top(self, period, limit):
        return [Row(row["title"], row["views"]) for row in self.rows(period, limit)]


def sections_breakdown() -> Breakdown:
    return GroupBreakdown(_("Views by section"), "news_reports:sections", 20, sections)


def authors_breakdown() -> Breakdown:
    return GroupBreakdown(_("Views by author"), "news_reports:authors", 30, authors)
