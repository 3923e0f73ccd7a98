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

from stats.reports import data, groups
from stats.reports.periods import Period
from stats.reports.views import Breakdown, PeriodReportView, Row
from stats.services import sites

from .models import ArticleAuthor, ArticlePage, Author

# The top articles of a period: the report lists this many at most.
TOP_ARTICLES = 1000


def _edit_url(row):
    return reverse("wagtailadmin_pages:edit", args=[row["id"]])


def _grouped(value) -> str:
    return f"{int(value):,}".replace(",", ".")


def top_articles(period: Period, limit: int = TOP_ARTICLES, site: int | None = None) -> list[dict]:
    """The period's most read articles, of one portal's (a site key) or every portal's."""
    return data.cached_breakdown(
        "articles", period, limit, lambda: _top_articles(period, limit, site), site
    )


def _article_type() -> int:
    return ContentType.objects.get_for_model(ArticlePage).pk


def _top_articles(period: Period, limit: int, site: int | None = None) -> list[dict]:
    return _article_rows(data.page_views(period, _article_type(), limit, site))


def _article_rows(ranked: list[dict]) -> list[dict]:
    """The report's rows of ranked {"page", "views"}: title, section, authors, date.
    Read as plain values (up to a thousand articles): no page or author instances."""
    ids = [row["page"] for row in ranked]
    pages = {
        values["id"]: values
        for values in ArticlePage.objects.filter(pk__in=ids).values(
            "id", "title", "path", "published_at", "first_published_at"
        )
    }
    names = {}
    for page_id, name in (
        ArticleAuthor.objects.filter(page_id__in=ids)
        .order_by("page_id", "sort_order", "pk")
        .values_list("page_id", "author__name")
    ):
        names.setdefault(page_id, []).append(name)
    parents = dict(
        Page.objects.filter(path__in={page["path"][:-4] for page in pages.values()}).values_list(
            "path", "title"
        )
    )
    rows = []
    for row in ranked:
        page = pages.get(row["page"])
        if page is None:  # deleted since: its views stay in the site's totals
            continue
        published = page["published_at"] or page["first_published_at"]
        rows.append(
            {
                "id": page["id"],
                "title": page["title"],
                "section": parents.get(page["path"][:-4], ""),
                "authors": ", ".join(names.get(page["id"], ())),
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


# Grouping the per-page totals ("t": page, views; one row per article read): a section
# is the article's parent page, an author comes through the article-author links. Each
# is summed by a key of the joined row first (the parent's path, the author's id), then
# the few groups are named, so PostgreSQL hashes instead of sorting every article. Raw
# SQL: the ORM cannot join stats' rows to pages (HitCount points at pages through a
# generic key).
def _group_sql(kind: str, limit: int | None) -> str:
    page, link, author = Page, ArticleAuthor, Author
    if kind == "sections":
        path = _col(page, "path")
        inner = f"""SELECT SUBSTR(p.{path}, 1, LENGTH(p.{path}) - 4) AS k,
       SUM(t.views) AS views, COUNT(*) AS articles
FROM t JOIN {_table(page)} p ON p.{_col(page, "id")} = t.page GROUP BY 1"""  # noqa: S608
        # The few sections are named by their path's unique index, one lookup each: a
        # join would be planned from the grouping's estimate (thousands of groups) and
        # scan the whole page table a second time.
        pk, title = _col(page, "id"), _col(page, "title")
        lookup = f"FROM {_table(page)} n WHERE n.{path} = x.k"  # noqa: S608
        return f"""SELECT (SELECT n.{pk} {lookup}), (SELECT n.{title} {lookup}), x.views,
x.articles FROM ({inner}) x ORDER BY x.views DESC, 2 {"LIMIT %s" if limit else ""}"""  # noqa: S608
    else:
        author_id = f"l.{_col(link, 'author')}"
        inner = f"""SELECT {author_id} AS k, SUM(t.views) AS views, COUNT(*) AS articles
FROM t JOIN {_table(link)} l ON l.{_col(link, "page")} = t.page GROUP BY {author_id}"""  # noqa: S608
        key, name = _col(author, "id"), _col(author, "name")
        named = f"{_table(author)} n ON n.{key} = x.k"
    return f"""SELECT n.{key}, n.{name}, x.views, x.articles FROM ({inner}) x JOIN {named}
ORDER BY x.views DESC, 2 {"LIMIT %s" if limit else ""}"""  # noqa: S608


def _group_rows(rows) -> list[dict]:
    return [
        {"id": pk, "title": name, "views": views, "views_text": _grouped(views), "articles": n}
        for pk, name, views, n in rows
    ]


def _grouped_views(
    kind: str, period: Period, limit: int | None, site: int | None = None
) -> list[dict]:
    totals, params = data.page_totals_sql(period, _article_type(), site)
    sql = f"WITH t AS ({totals}) {_group_sql(kind, limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params + ([limit] if limit else []))
        return _group_rows(cursor.fetchall())


def _portal_articles_and_authors(
    period: Period, limit: int, site: int
) -> tuple[list[dict], list[dict]]:
    """A portal's top articles and top authors from one scan of its articles' totals
    (the statement's one CTE, used twice, is computed once), rather than a scan each."""
    totals, params = data.page_totals_sql(period, _article_type(), site)
    sql = (
        f"WITH t AS ({totals}) SELECT 0, page, NULL, views, NULL FROM "  # noqa: S608
        f"(SELECT page, views FROM t ORDER BY views DESC, page LIMIT %s) a "
        f"UNION ALL SELECT 1, g.* FROM ({_group_sql('authors', limit)}) g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, limit])
        rows = cursor.fetchall()
    ranked = [{"page": page, "views": views} for part, page, _n, views, _a in rows if part == 0]
    authors = [row[1:] for row in rows if row[0] == 1]
    return _article_rows(ranked), _group_rows(authors)


def sections(period: Period, limit: int | None = None, site: int | None = None) -> list[dict]:
    return data.cached_breakdown(
        "sections", period, limit, lambda: _grouped_views("sections", period, limit, site), site
    )


def authors(period: Period, limit: int | None = None, site: int | None = None) -> list[dict]:
    return data.cached_breakdown(
        "authors", period, limit, lambda: _grouped_views("authors", period, limit, site), site
    )


def dashboard_figures(period: Period, limit: int, site: int | None = None) -> dict[str, list[dict]]:
    """The dashboard's top articles, sections and authors of a period: the articles
    ranked from every article's totals, the sections and authors from their own
    roll-up (the full reports group the articles' totals, for the count of articles).
    For one portal (site): a section belongs to one portal, so its sections are those
    of the roll-up under its home; an author may write for several portals, so its
    authors group the totals of its own articles."""
    return data.cached_breakdown(
        "dashboard", period, limit, lambda: _dashboard_figures(period, limit, site), site
    )


def _dashboard_figures(
    period: Period, limit: int, site: int | None = None
) -> dict[str, list[dict]]:
    if site is not None:
        articles, authors = _portal_articles_and_authors(period, limit, site)
        return {
            "articles": articles,
            "sections": _named_groups(SECTION, period, limit, site),
            "authors": authors,
        }
    return {
        "articles": _top_articles(period, limit),
        "sections": _named_groups(SECTION, period, limit),
        "authors": _named_groups(AUTHOR, period, limit),
    }


# The kinds of group stats keeps views for (stats.reports.groups): an article's section
# (its parent page) and its authors.
SECTION, AUTHOR = "section", "author"


def parents(pages: dict[int, str]) -> dict[int, int]:
    """{page id: parent page id} of {page id: path}."""
    found = dict(
        Page.objects.filter(path__in={path[:-4] for path in pages.values()}).values_list(
            "path", "id"
        )
    )
    return {pk: found[path[:-4]] for pk, path in pages.items() if path[:-4] in found}


class SectionGroups(groups.GroupSource):
    kind = SECTION

    def members(self):
        pages = dict(ArticlePage.objects.values_list("id", "path"))
        return parents(pages).items()


class AuthorGroups(groups.GroupSource):
    kind = AUTHOR

    def members(self):
        return ArticleAuthor.objects.values_list("page_id", "author_id")


def regroup_sections(pages: dict[int, str]) -> None:
    """Articles created or moved ({page id: path}): their views follow them."""
    found = parents(pages)
    groups.set_members(SECTION, {pk: [found[pk]] if pk in found else [] for pk in pages})


def regroup_authors(page_ids) -> None:
    """Articles whose authors changed: their views count for their authors now."""
    authors = {pk: [] for pk in page_ids}
    for page_id, author_id in ArticleAuthor.objects.filter(page_id__in=authors).values_list(
        "page_id", "author_id"
    ):
        authors[page_id].append(author_id)
    groups.set_members(AUTHOR, authors)


def _named_groups(kind: str, period: Period, limit: int, site: int | None = None) -> list[dict]:
    """The dashboard's top sections or authors, from the groups' own roll-up (a few
    hundred rows for a year) rather than every article's totals; the sections of one
    portal's if `site`."""
    totals = dict(groups.group_views(period, kind, _article_type()))
    if kind == SECTION:
        found = Page.objects.filter(pk__in=totals).values_list("id", "title", "path")
        homes = sites.homes()
        names = [
            (pk, title)
            for pk, title, path in found
            if site is None or sites.portal_of(path, homes) == site
        ]
    else:
        names = Author.objects.filter(pk__in=totals).values_list("id", "name")
    rows = sorted(((pk, name, totals[pk]) for pk, name in names), key=lambda row: (-row[2], row[1]))
    return [
        {"id": pk, "title": name, "views": views, "views_text": _grouped(views)}
        for pk, name, views in rows[:limit]
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
        return top_articles(period, site=self.site)


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
        return sections(period, site=self.site)


class AuthorsReport(GroupReport):
    page_title, label, name = _("Views by author"), _("Author"), "authors"
    export_slug = "luot-xem-theo-tac-gia"

    def rows(self, period):
        return authors(period, site=self.site)


class ArticlesBreakdown(Breakdown):
    title = _("Top articles")
    report_url_name = "news_reports:articles"
    order = 10

    def top(self, period, limit, site=None):
        return [
            Row(row["title"], row["views"], reverse("stats_admin:page_history", args=[row["id"]]))
            for row in dashboard_figures(period, limit, site)["articles"]
        ]


class GroupBreakdown(Breakdown):
    def __init__(self, title, report_url_name, order, kind):
        self.title, self.report_url_name, self.order, self.kind = (
            title,
            report_url_name,
            order,
            kind,
        )

    def top(self, period, limit, site=None):
        return [
            Row(row["title"], row["views"])
            for row in dashboard_figures(period, limit, site)[self.kind]
        ]


def sections_breakdown() -> Breakdown:
    return GroupBreakdown(_("Views by section"), "news_reports:sections", 20, "sections")


def authors_breakdown() -> Breakdown:
    return GroupBreakdown(_("Views by author"), "news_reports:authors", 30, "authors")
