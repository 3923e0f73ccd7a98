"""A page made private in the admin's privacy dialog leaves the anonymous page cache at
once: the page, its descendants and every listing of them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from core import privacy
from news.models import ArticlePage

pytestmark = pytest.mark.embedded

TITLE = "Tin nội bộ chỉ dành cho cán bộ"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article(section):
    page = ArticlePage(title=TITLE, lead="Sapo nội bộ.", published_at=timezone.now())
    section.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_superuser("bientap", "bt@example.vn", "mat-khau-dai-12")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return browser


@pytest.fixture
def group(db):
    return Group.objects.create(name="Cán bộ nội bộ")


def set_privacy(editor, page, callbacks, **data):
    """POST the admin's privacy dialog as an editor would, with its CSRF token."""
    url = reverse("wagtailadmin_pages:set_privacy", args=[page.pk])
    dialog = editor.get(url)
    assert dialog.status_code == 200
    token = editor.cookies["csrftoken"].value
    with callbacks(execute=True):
        response = editor.post(url, {"csrfmiddlewaretoken": token, **data})
    assert response.status_code == 200
    assert response.json()["step"] == "set_privacy_done", response.content
    return response


def cached(client, url) -> str:
    """The anonymous HTML of `url`, served twice so the second comes from the cache."""
    client.get(url)
    response = client.get(url)
    assert response["X-Page-Cache"] == "HIT"
    return response.content.decode()


PRIVACY = {
    "login": {"restriction_type": "login"},
    "password": {"restriction_type": "password", "password": "mat-khau-bi-mat"},
    "groups": "groups",
}


def privacy_data(kind, group):
    if kind == "groups":
        return {"restriction_type": "groups", "groups": [group.pk]}
    return PRIVACY[kind]


@pytest.mark.parametrize("kind", ["login", "password", "groups"])
@pytest.mark.parametrize("on", ["page", "section"])
def test_made_private_in_the_admin_is_gone_from_the_cache_at_once(
    client, home, section, article, editor, group, kind, on, django_capture_on_commit_callbacks
):
    for url in (article.url, section.url, "/"):
        assert TITLE in cached(client, url)

    target = article if on == "page" else section
    set_privacy(editor, target, django_capture_on_commit_callbacks, **privacy_data(kind, group))

    response = client.get(article.url)
    assert response.get("X-Page-Cache") != "HIT"
    assert TITLE not in response.content.decode()
    assert response.status_code in (200, 302)  # the password form, or the login page
    for url in ("/", section.url):
        response = client.get(url)
        assert response.get("X-Page-Cache") != "HIT"
        assert TITLE not in response.content.decode()


def test_changing_and_removing_a_restriction_purge_too(
    client, home, section, article, editor, group, django_capture_on_commit_callbacks
):
    set_privacy(editor, article, django_capture_on_commit_callbacks, restriction_type="login")
    assert TITLE not in cached(client, section.url)

    # Changed from "signed-in readers" to "these groups": still private, never cached.
    set_privacy(
        editor,
        article,
        django_capture_on_commit_callbacks,
        restriction_type="groups",
        groups=[group.pk],
    )
    assert PageViewRestriction.objects.get(page=article).restriction_type == "groups"
    assert client.get(article.url).status_code == 302
    assert TITLE not in cached(client, section.url)

    # Public again: the section's cached listing (without it) is purged as well.
    set_privacy(editor, article, django_capture_on_commit_callbacks, restriction_type="none")
    assert not PageViewRestriction.objects.filter(page=article).exists()
    assert TITLE in client.get(section.url).content.decode()
    assert TITLE in client.get(article.url).content.decode()


def test_changing_only_the_groups_purges_the_restricted_paths(
    home, section, article, editor, group, django_capture_on_commit_callbacks
):
    """The groups are saved after the restriction row (save_m2m): that change alone
    must bump the generation too."""
    set_privacy(
        editor,
        section,
        django_capture_on_commit_callbacks,
        restriction_type="groups",
        groups=[group.pk],
    )
    assert privacy.is_private(article.path)
    restriction = PageViewRestriction.objects.get(page=section)
    generation = cache.get("pagecache:generation")
    with django_capture_on_commit_callbacks(execute=True):
        restriction.groups.add(Group.objects.create(name="Lãnh đạo"))
    assert cache.get("pagecache:generation") != generation


def test_restricted_paths_agree_with_wagtails_public(home, section, article, group):
    """core.privacy decides exactly as PageQuerySet.public() does."""
    from wagtail.models import Page

    other = ArticlePage(title="Tin công khai", published_at=timezone.now())
    section.add_child(instance=other)
    other.save_revision().publish()

    def agree():
        restricted = privacy._load()  # the database's answer, not the cache's
        for page in Page.objects.all():
            public = Page.objects.filter(pk=page.pk).public().exists()
            assert privacy.is_private(page.path, restricted) is not public, page
        # The queryset filter gives the same pages as public(), from a fresh cache.
        cache.delete(privacy.CACHE_KEY)
        assert set(privacy.exclude_private(Page.objects.all())) == set(Page.objects.public())

    agree()
    PageViewRestriction.objects.create(page=article, restriction_type="login")
    agree()
    restriction = PageViewRestriction.objects.create(page=section, restriction_type="groups")
    restriction.groups.add(group)
    agree()
