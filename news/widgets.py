"""Admin widgets of the newsroom's pages."""

from wagtail.admin.widgets import AdminAutoHeightTextInput


class TitleTextarea(AdminAutoHeightTextInput):
    """A title field that grows to show a long Vietnamese headline in full.

    A title is one line: a line break typed or pasted into it becomes a space, and runs
    of spaces one, so the stored title is what a one-line input would have held.
    """

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return " ".join(value.split()) if isinstance(value, str) else value
