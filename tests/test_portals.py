"""District portals: the create_portal command, and editors confined to their portal,
tried through the admin's own views (explorer, edit and add views, choosers, search)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowState,
)

from news.models import EventIndexPage, NewsIndexPage, Portal
from news.portals import create_portal
from tests.newsroom import EDITORS, MODERATORS, make_image, make_user, publish_article
from tests.test_roles import AdminSession, refused

pytestmark = pytest.mark.embedded

SITE_NAME = "Cổng thông tin điện tử huyện Tiên Du"


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("create_portal", *args, stdout=out)
    return out.getvalue()


def footprint():
    return (
        Site.objects.count(),
        Page.objects.count(),
        Group.objects.count(),
        Collection.objects.count(),
        Workflow.objects.count(),
    )


# --- the command -----------------------------------------------------------------------


def test_create_portal_builds_a_district_once(home, client):
    output = run("Tiên Du", "tiendu.bacninh.gov.vn", "--site-name", SITE_NAME)
    assert "Created portal Tiên Du at tiendu.bacninh.gov.vn" in output
    site = Site.objects.get(hostname="tiendu.bacninh.gov.vn")
    assert not site.is_default_site and site.site_name == SITE_NAME
    district_home = site.root_page
    assert district_home.live and district_home.depth == 2
    sections = NewsIndexPage.objects.child_of(district_home).live()
    assert {s.slug for s in sections} == {"tin-tuc-su-kien", "chinh-tri", "kinh-te-xa-hoi"}
    assert EventIndexPage.objects.child_of(district_home).live().count() == 1

    portal = Portal.objects.get(site=site)
    assert portal.editors.name == f"Tiên Du – {EDITORS}"
    assert portal.moderators.name == f"Tiên Du – {MODERATORS}"
    assert portal.collection.name == "Tiên Du"
    # The district's own workflow, approved by its moderators and the province's.
    assert WorkflowPage.objects.get(page=district_home).workflow == portal.workflow
    for section in sections:
        assert section.get_workflow() == portal.workflow
    task = GroupApprovalTask.objects.get(workflow_tasks__workflow=portal.workflow)
    assert set(task.groups.values_list("name", flat=True)) == {portal.moderators.name, MODERATORS}

    # Its host serves its own home; the province's host still serves the province.
    assert SITE_NAME in client.get("/", HTTP_HOST="tiendu.bacninh.gov.vn").content.decode()
    assert SITE_NAME not in client.get("/", HTTP_HOST="127.0.0.1").content.decode()

    before = footprint()
    output = run("Tiên Du", "tiendu.bacninh.gov.vn", "--site-name", SITE_NAME)
    assert "nothing changed" in output
    assert footprint() == before


def test_create_portal_completes_what_was_removed(home):
    result = create_portal("Tiên Du", "tiendu.bacninh.gov.vn")
    result.sections["chinh-tri"].delete()
    result.portal.editors.page_permissions.all().delete()
    again = create_portal("Tiên Du", "tiendu.bacninh.gov.vn")
    assert "Created section Chính trị" in again.created
    assert again.portal.editors.page_permissions.filter(page=again.home).exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("Tiên Du", "http://tiendu.bacninh.gov.vn"), "http://tiendu.bacninh.gov.vn"),
        (("Tiên Du", "tiendu.bacninh.gov.vn:8000"), "tiendu.bacninh.gov.vn:8000"),
        (("Tiên Du", "không có dấu cách"), "không có dấu cách"),
        (("Tiên Du", ""), '""'),
        (("   ", "tiendu.bacninh.gov.vn"), ""),
        (("Tiên Du", "localhost"), "localhost"),
        (("Tiên Du", "tiendu.bacninh.gov.vn", "--port", "0"), "--port 0"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(home, args, says):
    before = footprint()
    with pytest.raises(CommandError) as refusal:
        run(*args)
    assert says.strip('"') in str(refusal.value)
    assert footprint() == before


def test_a_host_or_name_already_in_use_is_refused(home):
    create_portal("Tiên Du", "tiendu.bacninh.gov.vn")
    before = footprint()
    with pytest.raises(CommandError, match="tiendu.bacninh.gov.vn"):
        run("Quế Võ", "tiendu.bacninh.gov.vn")
    with pytest.raises(CommandError, match="tiendu.bacninh.gov.vn"):
        run("Tiên Du", "quevo.bacninh.gov.vn")
    assert footprint() == before


# --- editors confined to their portal --------------------------------------------------


@pytest.fixture
def portals(home, section, django_user_model):
    """The province (its `section`) and two districts, each with an article and a photo."""
    districts = {
        key: create_portal(name, host)
        for key, name, host in (
            ("a", "Tiên Du", "tiendu.bacninh.gov.vn"),
            ("b", "Quế Võ", "quevo.bacninh.gov.vn"),
        )
    }
    articles = {"province": publish_article(section, "Tin tỉnh về đê điều")}
    images = {"province": make_image("Ảnh đê điều của tỉnh")}
    for key, result in districts.items():
        name = result.portal.name
        articles[key] = publish_article(
            result.sections["tin-tuc-su-kien"], f"Tin {name} về đê điều"
        )
        images[key] = make_image(f"Ảnh đê điều {name}")
        images[key].collection = result.portal.collection
        images[key].save()
    shared = Collection.objects.get(name="Dùng chung")
    images["shared"] = make_image("Ảnh đê điều dùng chung")
    images["shared"].collection = shared
    images["shared"].save()
    users = {
        "editor": make_user(django_user_model, "bientap-tiendu"),
        "moderator": make_user(django_user_model, "thuky-tiendu"),
        "province": make_user(django_user_model, "bientap-tinh", EDITORS),
    }
    users["editor"].groups.add(districts["a"].portal.editors)
    users["moderator"].groups.add(districts["a"].portal.moderators)
    return districts, articles, images, users


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def test_district_editor_reaches_only_their_portal(portals):
    districts, articles, _images, users = portals
    admin = AdminSession(users["editor"])
    own_home, other_home = districts["a"].home, districts["b"].home

    assert admin.get(reverse("wagtailadmin_explore", args=(own_home.pk,))).status_code == 200
    assert admin.get(edit_url(articles["a"])).status_code == 200
    for theirs in (articles["b"], articles["province"]):
        assert refused(admin.get(edit_url(theirs)))
        revisions = theirs.revisions.count()
        assert refused(admin.post(edit_url(theirs), {"title": "Sửa trái phép", "slug": "x"}))
        assert theirs.revisions.count() == revisions
    other_section = districts["b"].sections["tin-tuc-su-kien"]
    add = reverse("wagtailadmin_pages:add", args=("news", "articlepage", other_section.pk))
    assert refused(admin.get(add))
    own_section = districts["a"].sections["tin-tuc-su-kien"]
    add = reverse("wagtailadmin_pages:add", args=("news", "articlepage", own_section.pk))
    assert admin.get(add).status_code == 200

    # The explorer sends them from another portal's pages back to their own home.
    own_explorer = reverse("wagtailadmin_explore", args=(own_home.pk,))
    for page in (other_home, articles["province"].get_parent()):
        response = admin.get(reverse("wagtailadmin_explore", args=(page.pk,)))
        assert response.status_code == 302 and response["Location"] == own_explorer
    listing = admin.get(reverse("wagtailadmin_explore", args=(own_section.pk,))).content.decode()
    assert "Tin Tiên Du về đê điều" in listing


def test_district_editor_searches_and_chooses_only_their_portal(portals):
    _districts, _articles, _images, users = portals
    admin = AdminSession(users["editor"])

    found = admin.get(reverse("wagtailadmin_pages:search") + "?q=đê điều").content.decode()
    assert "Tin Tiên Du về đê điều" in found
    assert "Tin Quế Võ về đê điều" not in found
    assert "Tin tỉnh về đê điều" not in found

    chooser = admin.get(reverse("wagtailadmin_choose_page_search") + "?q=đê điều")
    chosen = chooser.content.decode()
    assert "Tin Tiên Du về đê điều" in chosen
    assert "Tin Quế Võ về đê điều" not in chosen and "Tin tỉnh về đê điều" not in chosen
    browse = admin.get(reverse("wagtailadmin_choose_page")).content.decode()
    assert "Quế Võ" not in browse

    images = admin.get(reverse("wagtailimages_chooser:choose")).json()["html"]
    assert "Ảnh đê điều Tiên Du" in images and "Ảnh đê điều dùng chung" in images
    assert "Ảnh đê điều Quế Võ" not in images and "Ảnh đê điều của tỉnh" not in images


def test_province_editor_works_on_every_portal(portals):
    _districts, articles, images, users = portals
    admin = AdminSession(users["province"])
    for key in ("province", "a", "b"):
        assert admin.get(edit_url(articles[key])).status_code == 200
    found = admin.get(reverse("wagtailadmin_pages:search") + "?q=đê điều").content.decode()
    assert all(articles[key].title in found for key in ("province", "a", "b"))
    chooser = admin.get(reverse("wagtailimages_chooser:choose")).json()["html"]
    assert all(images[key].title in chooser for key in ("province", "a", "b", "shared"))


def test_district_moderation_runs_on_its_own_workflow(portals, django_user_model):
    districts, _articles, _images, users = portals
    section = districts["a"].sections["tin-tuc-su-kien"]
    draft = publish_article(section, "Bài chờ duyệt Tiên Du", live=False)
    workflow = draft.get_workflow()
    assert workflow == districts["a"].portal.workflow
    state = workflow.start(draft, users["editor"])
    task_state = state.current_task_state
    other_moderator = make_user(django_user_model, "thuky-quevo")
    other_moderator.groups.add(districts["b"].portal.moderators)
    task = task_state.task.specific
    assert task.user_can_access_editor(draft, users["moderator"])
    assert not task.user_can_access_editor(draft, other_moderator)

    # Quế Võ's moderator cannot approve; Tiên Du's can, and the article goes live.
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=(draft.pk, "approve", task_state.pk)
    )
    AdminSession(other_moderator).post(approve, {"comment": ""}, form_url=edit_url(draft))
    draft.refresh_from_db()
    assert not draft.live
    AdminSession(users["moderator"]).post(approve, {"comment": ""}, form_url=edit_url(draft))
    draft.refresh_from_db()
    assert draft.live
    assert not WorkflowState.objects.filter(object_id=str(draft.pk), status="in_progress").exists()
    assert (
        "Bài chờ duyệt Tiên Du"
        in Client().get("/tin-tuc-su-kien/", HTTP_HOST="tiendu.bacninh.gov.vn").content.decode()
    )
