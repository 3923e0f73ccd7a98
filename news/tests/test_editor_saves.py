"""Saves of one page arriving together, as the page editor sends them: threads against
real PostgreSQL. Not in the embedded pass: its SQLite test database lives in memory,
where concurrent writers fail at once instead of waiting their turn as they do on the
embedded default's file (IMMEDIATE transactions, see the settings)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from wagtail.admin.views.pages.edit import EditView
from wagtail.test.utils.form_data import querydict_from_html

from news.models import ArticlePage
from tests.newsroom import EDITORS, make_user, publish_article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_autosave_still_on_its_way_does_not_undo_the_save_clicked_after_it(
    django_user_model, section, monkeypatch
):
    """An editor adds a tag and clicks "save draft" while the autosave of the change
    before it is still running on the server: the page keeps the later save."""
    assert connection.vendor == "postgresql", "run through scripts/services.sh"
    editor = make_user(django_user_model, "bientap", EDITORS)
    article = publish_article(section, "Tin có từ khóa", live=False)
    url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
    # Two tabs' worth of clients: a test client is not shared between threads.
    clients = {"autosave": Client(), "click": Client()}
    for client in clients.values():
        client.force_login(editor)
    html = clients["click"].get(url).content.decode()
    loaded = querydict_from_html(html, form_id="page-edit-form")
    loaded["body-count"] = "0"  # the body's stream is built by the editor's script

    autosaved = loaded.copy()
    autosaved["tags"] = "nông thôn mới"
    clicked = loaded.copy()
    clicked["tags"] = "nông thôn mới, chuyển đổi số"

    # The autosave is held after Wagtail has judged it up to date, before it saves.
    autosave_waiting, go_on = threading.Event(), threading.Event()
    wagtail_form_valid = EditView.form_valid

    def held_form_valid(view, form):
        if threading.current_thread().name == "autosave":
            autosave_waiting.set()
            go_on.wait(timeout=30)
        return wagtail_form_valid(view, form)

    monkeypatch.setattr(EditView, "form_valid", held_form_valid)
    responses = {}

    def post(name, data, **headers):
        try:
            responses[name] = clients[name].post(url, data, headers=headers)
        finally:
            connection.close()

    autosave = threading.Thread(
        target=post,
        name="autosave",
        args=("autosave", autosaved),
        kwargs={"Accept": "application/json"},
    )
    autosave.start()
    assert autosave_waiting.wait(timeout=30)
    click = threading.Thread(target=post, name="click", args=("click", clicked))
    click.start()
    click.join(timeout=2)  # without the lock the click's save lands here, before the autosave's
    go_on.set()
    autosave.join(timeout=30)
    click.join(timeout=30)

    assert responses["click"].status_code == 302
    saved = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert sorted(tag.name for tag in saved.tags.all()) == ["chuyển đổi số", "nông thôn mới"]
