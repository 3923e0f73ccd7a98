"""The Wagtail admin page: the visitor figures, most-read lists and each portal's
starting total of visits.

A district's editor sees the figures of the portal they work on; an editor of every
portal those of the admin's host (each as that portal's widget shows them)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Site

from . import services
from .forms import VisitsStartForm
from .models import SiteCounter
from .reports import views as reports
from .services import sites

CHANGE_PERMISSION = "stats.change_sitecounter"


def _portal_view(portal: sites.Portal) -> tuple[str, str]:
    """(the figures' label, the url_path of the portal's home for its most read)."""
    site = Site.objects.select_related("root_page").filter(pk=portal.key).first()
    if portal.network or site is None:
        return _("Whole province"), ""
    return site.site_name or site.hostname, site.root_page.url_path


def dashboard(request):
    can_change = request.user.has_perm(CHANGE_PERMISSION)
    portal = sites.for_editor(request)
    counter = SiteCounter.objects.filter(site_key=portal.key).first()
    form = VisitsStartForm(
        request.POST or None,
        initial={"site": portal.key, "visits_start": counter.visits_start if counter else 0},
    )
    if request.method == "POST":
        if not can_change:
            messages.error(request, _("You may not change the starting total."))
            return redirect("stats_admin:dashboard")
        if form.is_valid():
            site_key = form.cleaned_data["site"] or portal.key
            services.set_visits_start(form.cleaned_data["visits_start"], site_key)
            messages.success(request, _("The starting total was saved."))
            return redirect("stats_admin:dashboard")
    scope_label, root = _portal_view(portal)
    lists = services.most_read(None, root)
    return TemplateResponse(
        request,
        "stats/admin/dashboard.html",
        {
            "snapshot": services.snapshot(portal),
            "scope_label": scope_label,
            "periods": [(key, label, lists[key]) for key, label in services.PERIODS],
            "form": form,
            "can_change": can_change,
            "reports": reports.dashboard_context(request)
            if reports.can_view(request.user)
            else None,
            "header_title": _("Visitor statistics"),
        },
    )
