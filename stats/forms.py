from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site


def site_choices() -> list[tuple[int, str]]:
    return [
        (site.pk, f"{site.site_name} ({site.hostname})" if site.site_name else site.hostname)
        for site in Site.objects.order_by("-is_default_site", "hostname", "port")
    ]


class VisitsStartForm(forms.Form):
    # Left out, the portal whose figures the page shows.
    site = forms.TypedChoiceField(
        label=_("Portal"), coerce=int, choices=site_choices, required=False, empty_value=None
    )
    visits_start = forms.IntegerField(
        label=_("Starting total of visits"),
        min_value=0,
        help_text=_("The total carried over from the previous portal."),
    )
