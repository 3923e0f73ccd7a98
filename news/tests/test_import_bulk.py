"""Articles written by the importer's bulk path are pages like any other: every row the
bulk writer leaves equals what Wagtail's own calls (add_child, save_revision, publish)
leave for the same export, and editing, publishing, moving, unpublishing and comparing
revisions in the admin behave the same on both."""

import json
import re
import shutil

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from news.importer.bulk import Pending, photo_captions
from news.importer.parser import parse_file
from news.importer.service import Importer, build_page, find_photos, import_key
from news.models import ArticleAuthor, ArticlePage, Author, NewsIndexPage
from news.tests.import_fixtures import private_alias  # noqa: F401 - a fixture
from news.tests.test_import_command import GOOD_EXPORT
from search import service
from search.query import SearchParams
from search.text import parse_query

pytestmark = [pytest.mark.embedded, pytest.mark.usefixtures("private_alias")]

# Fields that differ between any two pages: identity, place, and the moment of writing.
PER_PAGE = {
    "id",
    "page_ptr_id",
    "path",
    "url_path",
    "translation_key",
    "latest_revision_id",
    "live_revision_id",
    "latest_revision_created_at",
    "last_published_at",
}
# The admin's rich text editor gives each paragraph a random key.
BLOCK_KEY = re.compile(r' data-block-key="[^"]*"')
ROW_ID = re.compile(r"\.\d+\.")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def admin_image(path, caption):
    """A photo uploaded as the admin's image form stores it."""
    with path.open("rb") as handle:
        image = get_image_model()(title=caption[:255], file=ImageFile(handle, name=path.name))
        image._set_image_file_metadata()
        image.save()
    return image


def wagtail_way(path, parent, images_dir):
    """The page Wagtail's own calls make for the same export (the former importer)."""
    parsed = parse_file(path)
    photos = find_photos(path, images_dir, parsed)
    images = [
        admin_image(photo, caption) if photo else None
        for photo, caption in zip(photos, photo_captions(parsed), strict=False)
    ]
    page = build_page(Pending(path, parsed, import_key(parsed), images=images))
    parent.add_child(instance=page)
    for order, byline in enumerate(parsed.bylines):
        author = Author.objects.get_or_create(name=byline.name, role=byline.organisation)[0]
        ArticleAuthor.objects.create(page=page, author=author, sort_order=order)
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


@pytest.fixture
def exports(tmp_path, fixture_export, photo_dir):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(fixture_export, folder / fixture_export.name)
    (folder / "yen-phong.txt").write_text(GOOD_EXPORT, encoding="utf-8")
    return sorted(folder.iterdir())


@pytest.fixture
def pages(home, section, exports, photo_dir, django_capture_on_commit_callbacks, monkeypatch):
    """(bulk-written page, Wagtail-made page) for each export, in two sections."""
    # One page per chunk at the end of the run: every chunk, not only the first, must
    # reach Wagtail's search index (test_search_finds_bulk_pages_like_wagtails).
    monkeypatch.setattr("news.importer.bulk.INDEX_CHUNK", 1)
    other = home.add_child(instance=NewsIndexPage(title="Đối chiếu", slug="doi-chieu"))
    other.save_revision().publish()
    before = Page.find_problems()
    with django_capture_on_commit_callbacks(execute=True):
        results = list(Importer(section, photo_dir, batch_size=10).run(exports))
    assert [r.status for r in results] == ["created", "created"], [r.reason for r in results]
    with django_capture_on_commit_callbacks(execute=True):
        made = [wagtail_way(path, other, photo_dir) for path in exports]
    bulk = [ArticlePage.objects.get(pk=r.page.pk) for r in results]
    # The tree as treebeard keeps it (the same problems as before, if any: none here but
    # the root's numchild, which the test database's migrations leave).
    assert Page.find_problems() == before
    return list(zip(bulk, made, strict=True)), other


def row(page):
    values = ArticlePage.objects.filter(pk=page.pk).values().get()
    values["body"] = without_ids(list(values["body"].raw_data))  # other photos, block ids
    return {name: value for name, value in values.items() if name not in PER_PAGE}


def without_ids(data):
    """A revision's content or a reference with its row ids and block ids blanked."""
    if isinstance(data, dict):
        if isinstance(data.get("body"), str):  # a revision keeps the StreamField as JSON
            data = {**data, "body": json.loads(data["body"])}
        return {
            key: without_ids(value)
            for key, value in data.items()
            if key not in PER_PAGE | {"pk", "page", "image", "latest_revision", "live_revision"}
        }
    if isinstance(data, list):
        return [without_ids(value) for value in data]
    return BLOCK_KEY.sub("", UUID.sub("*", data)) if isinstance(data, str) else data


def references(page):
    return sorted(
        # Content paths name block ids and child rows' ids (article_authors.<pk>.author).
        (ref.to_content_type_id, ref.model_path, ROW_ID.sub(".*.", UUID.sub("*", ref.content_path)))
        for ref in ReferenceIndex.get_references_for_object(page)
    )


def logs(page):
    return [
        (entry.action, entry.content_changed, entry.label, entry.revision_id is not None)
        for entry in PageLogEntry.objects.filter(page=page).order_by("pk")
    ]


def test_bulk_rows_equal_wagtails_own(pages):
    pairs, _ = pages
    for bulk, made in pairs:
        assert row(bulk) == row(made)
        assert bulk.url_path.endswith(f"/{bulk.slug}/")
        for page in (bulk, made):
            revision = Revision.objects.get(object_id=str(page.pk))
            assert page.latest_revision_id == page.live_revision_id == revision.pk
            assert revision.content_type_id == page.content_type_id
            assert revision.base_content_type.model == "page"
            assert revision.object_str == page.title
        bulk_revision = without_ids(bulk.latest_revision.content)
        made_revision = without_ids(made.latest_revision.content)
        # Wagtail serialises the state before publishing (first_published_at still None
        # when the export has no date); the bulk writer's revision is the published one.
        for key in ("live", "has_unpublished_changes", "first_published_at"):
            bulk_revision.pop(key), made_revision.pop(key)
        assert bulk_revision == made_revision
        assert logs(bulk) == logs(made)
        assert references(bulk) == references(made) != []
        assert [a.name for a in bulk.authors] == [a.name for a in made.authors]


# Differ between any two uploads: identity, the stored file's name, the moment of writing.
IMAGE_PER_ROW = {"id", "file", "created_at"}


def images(page):
    return [
        block.value["image"]
        for block in page.body
        if block.block_type == "captioned_image" and block.value["image"]
    ]


def test_bulk_photos_equal_uploaded_ones(pages):
    """Each photo is the image the admin's upload form makes of the same file: its row
    (size, dimensions, hash, collection), file, references and admin search entry."""
    pairs, _ = pages
    model = get_image_model()
    compared = 0
    for bulk, made in pairs:
        for ours, theirs in zip(images(bulk), images(made), strict=True):
            ours_row, theirs_row = (
                {
                    k: v
                    for k, v in model.objects.filter(pk=i.pk).values().get().items()
                    if k not in IMAGE_PER_ROW
                }
                for i in (ours, theirs)
            )
            assert ours_row == theirs_row
            assert ours_row["file_size"] and len(ours_row["file_hash"]) == 40
            with ours.file.open("rb") as a, theirs.file.open("rb") as b:
                assert a.read() == b.read()
            assert references(ours) == references(theirs)
            # Both in the admin's image search (Wagtail's database backend).
            entries = IndexEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[str(ours.pk), str(theirs.pk)],
            )
            assert entries.count() == 2
            compared += 1
    assert compared >= 1


def test_search_finds_bulk_pages_like_wagtails(pages):
    pairs, _ = pages
    backend = get_search_backend()
    for bulk, made in pairs:
        found = {page.pk for page in backend.search(bulk.title, ArticlePage)}
        assert {bulk.pk, made.pk} <= found
    for engine in service.engines():
        assert not any(service.check(engine.name).values()), engine.name
    results = service.search(SearchParams(query=parse_query("giao ước thi đua")))
    assert {bulk.pk for bulk, _ in pairs[:1]} <= {hit.page_id for hit in results.hits}


def edit_data(client, page):
    response = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # The body is drawn by the admin's JavaScript: its fields are sent as a browser would.
    items = []
    for block in page.body:
        if block.block_type == "paragraph":
            items.append(("paragraph", rich_text(block.value.source)))
        else:
            value = dict(block.value)
            value["image"] = value["image"].pk
            items.append((block.block_type, value))
    for key, value in nested_form_data({"body": streamfield(items)}).items():
        data[key] = value
    return data


def admin_story(client, page, destination):
    """Edit and publish, move, compare revisions, unpublish: what the admin answered."""
    edit = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    data = edit_data(client, page)
    data["title"] = f"{page.title} (đã sửa)"
    data["action-publish"] = "1"
    answers = [client.post(edit, data).status_code]
    page = ArticlePage.objects.get(pk=page.pk)
    reader = client.get(page.url)
    answers.append((reader.status_code, page.title in reader.content.decode()))

    move = reverse("wagtailadmin_pages:move_confirm", args=(page.pk, destination.pk))
    answers.append(client.post(move).status_code)
    page = ArticlePage.objects.get(pk=page.pk)
    answers.append(page.get_parent().pk == destination.pk)
    answers.append(client.get(page.url).status_code)

    first, latest = Revision.objects.filter(object_id=str(page.pk)).order_by("pk")
    compare = reverse("wagtailadmin_pages:revisions_compare", args=(page.pk, first.pk, latest.pk))
    answers.append(client.get(compare).status_code)
    unpublish = reverse("wagtailadmin_pages:unpublish", args=(page.pk,))
    answers.append(client.post(unpublish).status_code)
    page = ArticlePage.objects.get(pk=page.pk)
    return page, answers


def test_admin_edits_moves_and_unpublishes_bulk_pages_like_others(
    pages, home, client, admin_user, django_capture_on_commit_callbacks
):
    pairs, _ = pages
    client.force_login(admin_user)
    bulk, made = pairs[0]
    moved_to = []
    for slug in ("chuyen-den-1", "chuyen-den-2"):
        destination = home.add_child(instance=NewsIndexPage(title=slug, slug=slug))
        destination.save_revision().publish()
        moved_to.append(destination)
    with django_capture_on_commit_callbacks(execute=True):
        bulk_after, bulk_answers = admin_story(client, bulk, moved_to[0])
        made_after, made_answers = admin_story(client, made, moved_to[1])
    assert bulk_answers == made_answers == [302, (200, True), 302, True, 200, 200, 302]
    assert bulk_after.title.endswith("(đã sửa)") and not bulk_after.live
    assert bulk_after.url_path == f"{moved_to[0].url_path}{bulk_after.slug}/"
    assert [log[0] for log in logs(bulk_after)] == [log[0] for log in logs(made_after)]
    assert row(bulk_after) == row(made_after)
    for parent in NewsIndexPage.objects.all():
        assert parent.numchild == parent.get_children().count()
    assert not any(Page.find_problems()[:4])
    # Unpublished, the pages have left the archive search; the other ones are still there.
    for engine in service.engines():
        assert not any(service.check(engine.name).values()), engine.name
