from django import forms
from django.utils.translation import gettext_lazy as _


class VisitsStartForm(forms.Form):
    visits_start = forms.IntegerField(
        label=_("Starting total of visits"),
        min_value=0,
        help_text=_("The total carried over from the previous portal."),
    )
