"""The admin form of the newsroom's pages."""

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm


class NewsroomPageForm(WagtailAdminPageForm):
    """Wagtail's page form, keeping a date/time the editor did not change as it was.

    The admin shows dates to the minute (WAGTAIL_DATETIME_FORMAT), so a stored value with
    seconds (an imported article's publish date, a publication time) came back rounded
    down on every save: the revision compare then listed a change of publish date that
    nobody made, between two values that read the same.
    """

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, forms.DateTimeField):
                continue
            value = cleaned_data.get(name)
            stored = getattr(self.instance, name, None)
            if value and stored and value == stored.replace(second=0, microsecond=0):
                cleaned_data[name] = stored
        return cleaned_data
