"""The period a report covers: a preset (last 7, 30, 90 or 365 days, today included)
or a custom range entered as dd/mm/yyyy, and the period of the same length before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from stats.models import DailySiteStats

DATE_FORMAT = "%d/%m/%Y"
PRESETS = {
    "7": (7, _("Last 7 days")),
    "30": (30, _("Last 30 days")),
    "90": (90, _("Last 90 days")),
    "365": (365, _("Last year")),
}
CUSTOM = "custom"
DEFAULT = "30"
# A custom range is bounded, so a report's query stays bounded.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def each_day(self):
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def slug(self) -> str:
        """For file names: 01-11-2026_30-11-2026."""
        return f"{self.start:%d-%m-%Y}_{self.end:%d-%m-%Y}"

    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def last_days(days: int, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today - timedelta(days=days - 1), today)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(key, label) for key, (_days, label) in PRESETS.items()]
        + [(CUSTOM, _("Custom range"))],
        required=False,
    )
    start = forms.DateField(
        label=_("From (dd/mm/yyyy)"), input_formats=[DATE_FORMAT], required=False
    )
    end = forms.DateField(label=_("To (dd/mm/yyyy)"), input_formats=[DATE_FORMAT], required=False)

    def clean(self):
        data = super().clean()
        if data.get("period") != CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            if not self.errors:
                raise forms.ValidationError(_("Enter both dates of the custom range."))
            return data
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(
                _("A custom range covers at most %(days)s days.") % {"days": MAX_DAYS}
            )
        return data

    def get_period(self) -> Period:
        """The chosen period; the default (30 days) when the input is missing or invalid
        (the form's errors say why)."""
        if not self.is_valid():
            return last_days(PRESETS[DEFAULT][0])
        key = self.cleaned_data.get("period") or DEFAULT
        if key == CUSTOM:
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return last_days(PRESETS[key][0])


def period_from(data) -> tuple[Period, PeriodForm]:
    form = PeriodForm(data or None)
    return form.get_period(), form


def _keep(queryset, name, value):
    return queryset


class PeriodFilterSet(WagtailFilterSet):
    """The period as the reports' filters (Wagtail's filter drawer); the rows are built
    for the period by the view, so the filters themselves leave the rows alone."""

    period = django_filters.ChoiceFilter(
        label=_("Period"),
        choices=PeriodForm.base_fields["period"].choices,
        empty_label=PRESETS[DEFAULT][1],
        method=_keep,
    )
    start = django_filters.DateFilter(
        label=_("From (dd/mm/yyyy)"),
        input_formats=[DATE_FORMAT],
        method=_keep,
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "dd/mm/yyyy"}),
    )
    end = django_filters.DateFilter(
        label=_("To (dd/mm/yyyy)"),
        input_formats=[DATE_FORMAT],
        method=_keep,
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "dd/mm/yyyy"}),
    )

    class Meta:
        # The rows are dicts; the model only satisfies django-filter.
        model = DailySiteStats
        fields = []

    def filter_queryset(self, queryset):
        return queryset
