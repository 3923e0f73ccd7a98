"""The reports' admin views: the dashboard's period part, the Wagtail ReportViews the
news app's breakdowns are built on, a page's own history, and "Trực tuyến" as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from hitcount.models import HitCount
from wagtail import hooks
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from stats import services
from stats.services import sites

from . import charts, data
from .periods import Period, PeriodFilterSet, period_from

VIEW_PERMISSION = "stats.view_statistics"
BREAKDOWN_HOOK = "register_stats_breakdown"
DASHBOARD_ROWS = 10


def can_view(user) -> bool:
    return user.has_perm(VIEW_PERMISSION)


def require_view_permission(request) -> None:
    if not can_view(request.user):
        raise PermissionDenied


@dataclass(frozen=True)
class Row:
    label: str
    views: int
    url: str | None = None


class Breakdown:
    """What an app shows on the dashboard for a period: its first rows, a bar chart of
    them and a link to its full report (a PeriodReportView). Registered with the
    "register_stats_breakdown" hook (the hook returns an instance)."""

    title = ""
    report_url_name = ""
    order = 100

    def top(self, period: Period, limit: int) -> list[Row]:
        raise NotImplementedError


def breakdowns() -> list[Breakdown]:
    return sorted((hook() for hook in hooks.get_hooks(BREAKDOWN_HOOK)), key=lambda b: b.order)


def change_text(change: float | None) -> str:
    """ "+12% so với kỳ trước", or a note that the period before had nothing."""
    if change is None:
        return _("no data for the previous period")
    sign = "+" if change >= 0 else "−"
    return _("%(change)s%% vs the previous period") % {
        "change": f"{sign}{abs(change):.0f}".replace(".", ",")
    }


def dashboard_context(request) -> dict:
    """The period part of "Thống kê truy cập" (for users with the permission)."""
    period, form = period_from(request.GET)
    points = data.site_series(period)
    totals = data.totals(period)
    query = request.GET.urlencode()
    sections = []
    for breakdown in breakdowns():
        rows = breakdown.top(period, DASHBOARD_ROWS)
        report = reverse(breakdown.report_url_name)
        sections.append(
            {
                "title": breakdown.title,
                "rows": rows,
                "chart": charts.bar_chart([(row.label, row.views) for row in rows], breakdown.title)
                if rows
                else "",
                "report_url": f"{report}?{query}" if query else report,
            }
        )
    return {
        "period": period,
        "period_form": form,
        "chart": charts.views_and_visits(points, _("Daily views and visits")),
        "totals": totals,
        "views_change": change_text(totals.views_change),
        "visits_change": change_text(totals.visits_change),
        "breakdowns": sections,
    }


class PeriodReportView(ReportView):
    """A table of one period's figures, with Wagtail's CSV and XLSX export. Subclasses
    give `rows(period)` (dicts) and the columns; sorting is by any column's key."""

    filterset_class = PeriodFilterSet
    header_icon = "view"
    export_slug = "thong-ke"
    default_ordering = "-views"

    def dispatch(self, request, *args, **kwargs):
        require_view_permission(request)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def period(self) -> Period:
        return period_from(self.request.GET)[0]

    def get_page_subtitle(self):
        return self.period.label()

    def rows(self, period: Period) -> list[dict]:
        raise NotImplementedError

    def get_base_queryset(self):
        return self.rows(self.period)

    def order_queryset(self, queryset):
        ordering = self.ordering
        if not ordering:
            return queryset
        key = ordering.lstrip("-")
        present = [row for row in queryset if row.get(key) is not None]
        missing = [row for row in queryset if row.get(key) is None]
        present.sort(key=lambda row: row[key], reverse=ordering.startswith("-"))
        return present + missing

    def get_filename(self):
        return f"{self.export_slug}_{self.period.slug()}"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["period"] = self.period
        return context


def is_counted(page) -> bool:
    return HitCount.objects.filter(object_pk=page.pk, content_type_id=page.content_type_id).exists()


def page_history(request, page_id: int):
    """A counted page's daily views since its first publication (or the period asked)."""
    require_view_permission(request)
    page = get_object_or_404(Page, pk=page_id)
    if not is_counted(page):
        raise Http404
    today = timezone.localdate()
    published = page.first_published_at
    # Since publication, or since its first counted day if earlier (views carried over
    # from an import, a page published again).
    starts = [timezone.localdate(published)] if published else []
    first_day = data.first_day(page.pk, page.content_type_id)
    starts += [first_day] if first_day else []
    start = min(starts) if starts else today - timedelta(days=29)
    if "period" in request.GET:
        period, form = period_from(request.GET)
    else:
        period, form = Period(min(start, today), today), period_from(None)[1]
    points = data.page_series(page.pk, page.content_type_id, period.start, period.end)
    return TemplateResponse(
        request,
        "stats/reports/page_history.html",
        {
            "page": page,
            "period": period,
            "period_form": form,
            "total": sum(point.views for point in points),
            "chart": charts.line_chart(
                points,
                [("views", _("Views"), charts.VIEWS_COLOUR)],
                _("Daily views of “%(title)s”") % {"title": page.title},
            ),
            # Wagtail's "View history" (a link to a page's history) is another message.
            "header_title": pgettext("statistics", "View history"),
        },
    )


@never_cache
def online(request):
    """ "Trực tuyến" and "Đã truy cập" for the dashboard's refresh script."""
    snapshot = services.snapshot(sites.for_editor(request))
    return JsonResponse({"online": snapshot.online, "visits": snapshot.visits})


HISTORY_LABEL = gettext_lazy("View statistics")
