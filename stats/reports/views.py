"""The reports' admin views: the dashboard's period part, the Wagtail ReportViews the
news app's breakdowns are built on, a page's own history, and "Trực tuyến" as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import django_filters
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
from wagtail.coreutils import cautious_slugify
from wagtail.models import Page

from stats import services
from stats.services import sites

from . import charts, data, portals
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

    def top(self, period: Period, limit: int, site: int | None = None) -> list[Row]:
        """The first rows of the period, of one portal's pages if `site` is a site key."""
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
    site = portals.scope(request)
    points = data.site_series(period, site)
    totals = data.totals(period, site)
    query = request.GET.urlencode()
    sections = []
    for breakdown in breakdowns():
        rows = breakdown.top(period, DASHBOARD_ROWS, site)
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
        **portal_context(request, site),
    }


def portal_context(request, site: int | None) -> dict:
    """Whose figures these are, and the portal filter for an editor of every portal."""
    whole = portals.editor_scope(request) is None
    return {
        "portal_label": portals.label(site),
        "portal_choices": portals.choices() if whole else [],
        "portal_chosen": "" if site is None else str(site),
    }


def _keep(queryset, name, value):
    return queryset


class PortalPeriodFilterSet(PeriodFilterSet):
    """The period and, for an editor of every portal, the portal (like the period, the
    view reads it: stats.reports.portals.scope)."""

    portal = django_filters.ChoiceFilter(
        label=gettext_lazy("Portal"),
        choices=lambda: portals.choices()[1:],
        empty_label=portals.WHOLE_PROVINCE,
        method=_keep,
    )

    def __init__(self, *args, portals: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not portals:
            self.filters.pop("portal")


class PeriodReportView(ReportView):
    """A table of one period's figures, with Wagtail's CSV and XLSX export. Subclasses
    give `rows(period)` (dicts) and the columns; sorting is by any column's key."""

    filterset_class = PortalPeriodFilterSet
    header_icon = "view"
    export_slug = "thong-ke"
    default_ordering = "-views"

    def dispatch(self, request, *args, **kwargs):
        require_view_permission(request)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def period(self) -> Period:
        return period_from(self.request.GET)[0]

    @cached_property
    def site(self) -> int | None:
        """The portal whose pages the rows count (stats.reports.portals), None for all."""
        return portals.scope(self.request)

    def get_filterset_kwargs(self):
        # A portal's own editor: the portal is theirs, not a choice.
        whole = portals.editor_scope(self.request) is None
        return {**super().get_filterset_kwargs(), "portals": whole}

    def get_page_subtitle(self):
        return f"{portals.label(self.site)}, {self.period.label()}"

    def rows(self, period: Period) -> list[dict]:
        """The rows of the period, of self.site's pages when it is a portal."""
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
        # The portal's name in ASCII ("yen-phong"), as the period's dates are.
        portal = "" if self.site is None else f"_{cautious_slugify(portals.label(self.site))}"
        return f"{self.export_slug}{portal}_{self.period.slug()}"

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
    site = portals.editor_scope(request)
    if site is not None and sites.portal_of(page.path, sites.homes()) != site:
        raise Http404  # another portal's page: its figures are not this editor's
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
