"""The Wagtail admin page: most-read lists and the starting total of visits."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import services
from .forms import VisitsStartForm
from .models import SITE_COUNTER_ID, SiteCounter
from .reports import views as reports

CHANGE_PERMISSION = "stats.change_sitecounter"


def dashboard(request):
    can_change = request.user.has_perm(CHANGE_PERMISSION)
    counter = SiteCounter.objects.filter(pk=SITE_COUNTER_ID).first()
    form = VisitsStartForm(
        request.POST or None,
        initial={"visits_start": counter.visits_start if counter else 0},
    )
    if request.method == "POST":
        if not can_change:
            messages.error(request, _("You may not change the starting total."))
            return redirect("stats_admin:dashboard")
        if form.is_valid():
            services.set_visits_start(form.cleaned_data["visits_start"])
            messages.success(request, _("The starting total was saved."))
            return redirect("stats_admin:dashboard")
    lists = services.most_read()
    return TemplateResponse(
        request,
        "stats/admin/dashboard.html",
        {
            "snapshot": services.snapshot(),
            "periods": [(key, label, lists[key]) for key, label in services.PERIODS],
            "form": form,
            "can_change": can_change,
            "reports": reports.dashboard_context(request)
            if reports.can_view(request.user)
            else None,
            "header_title": _("Visitor statistics"),
        },
    )
