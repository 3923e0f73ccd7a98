"""The page editor's behaviour for the newsroom's own page types."""

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author


class CreateWithoutAutosaveView(CreateView):
    """Wagtail's "add page" view without autosave.

    Wagtail 8 autosaves a new page as soon as its form is valid, which creates the page
    in the tree: a reporter who opens "add article", types a title and leaves has left
    a draft behind. Here nothing is created until the reporter saves; the edit view
    autosaves as usual from then on (its saves overwrite one revision, one history
    entry), and leaving with unsaved changes still asks first.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["autosave_enabled"] = False
        return context


class OneSaveAtATimeEditView(EditView):
    """Wagtail's edit view, with the saves of one page taken one at a time.

    Wagtail decides whether an autosave is out of date (another save came first) from
    the latest revision it reads when the request starts, without a lock. An autosave
    still on its way when the editor clicks "save draft" can then be written after the
    click's save, and the page keeps the older text: the editor's last change is lost
    with no message. Holding the page's row for the whole save makes the later request
    read the earlier one's revision, so a stale autosave is refused as out of date.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            # SQLite has no row locks; its IMMEDIATE transactions (settings) take the
            # database's write lock here instead.
            list(Page.objects.select_for_update().filter(pk=kwargs["page_id"]).values("pk"))
            return super().dispatch(request, *args, **kwargs)


class ConfirmedWorkflowActionView(WorkflowActionView):
    """Wagtail's approve / request-changes action, followed by a message saying what
    happened (Wagtail only reloads the page, so a moderator could not tell it worked)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        self.task_state.refresh_from_db()
        title = self.object.get_admin_display_title()
        if self.task_state.status == self.task_state.STATUS_APPROVED:
            self.object.refresh_from_db()
            if self.object.live and not self.object.has_unpublished_changes:
                text = _("Approved and published: '%(title)s'.")
            else:
                text = _("Approved: '%(title)s'.")
            messages.success(request, text % {"title": title})
        elif self.task_state.status == self.task_state.STATUS_REJECTED:
            messages.success(request, _("Changes requested for '%(title)s'.") % {"title": title})
        return response


class NewsroomPageViewSet(PageViewSet):
    add_view_class = CreateWithoutAutosaveView
    edit_view_class = OneSaveAtATimeEditView
    workflow_action_view_class = ConfirmedWorkflowActionView


class AuthorChooserViewSet(SnippetChooserViewSet):
    # A reporter filing a story by a new contributor adds them from the article's
    # author chooser (its "create" tab) instead of leaving the article.
    form_fields = ["name", "role"]


class AuthorViewSet(SnippetViewSet):
    model = Author
    chooser_viewset_class = AuthorChooserViewSet
