"""The acronyms editors add beside the shipped dictionary, as a snippet in the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Acronym


class AcronymViewSet(SnippetViewSet):
    model = Acronym
    icon = "search"
    menu_label = _("Acronyms")
    list_display = ["acronym", "expansion"]
    add_to_admin_menu = True


register_snippet(AcronymViewSet)
