"""Keeping the index right: signals on commit, the rebuild with its alias swap, --check."""

import warnings

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from news.models import NewsIndexPage
from search import service
from search.tests.conftest import publish_article, use_engine

pytestmark = pytest.mark.django_db


def found(client, query, **params):
    data = client.get("/search/", {"q": query, "format": "json", **params}).json()
    return {hit["id"]: hit for hit in data["results"]}


def test_publish_edit_move_unpublish_delete(
    client, section, home, live_engine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_article(
            section,
            "Hội nghị Ký kết giao ước thi đua năm 2020",
            paragraphs=["Đồng chí Nguyễn Trọng Bình phát biểu tại Đại hội."],
            authors=["Vũ Hưng"],
        )
    assert page.pk in found(client, "nguyen trong binh")

    # Editing a draft changes nothing until it is published.
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Tổng kết phong trào thi đua khen thưởng"
        page.save_revision()
    assert page.pk in found(client, "giao uoc")
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()
    assert page.pk not in found(client, "giao uoc")
    assert page.pk in found(client, "tong ket phong trao")

    # Moving it to another section updates its section and URL.
    with django_capture_on_commit_callbacks(execute=True):
        other = home.add_child(instance=NewsIndexPage(title="Thời sự", slug="thoi-su"))
        other.save_revision().publish()
        Page.objects.get(pk=page.pk).move(other, pos="last-child")
    hit = found(client, "tong ket phong trao")[page.pk]
    assert hit["section"] == "Thời sự"
    assert hit["url"].startswith("/thoi-su/")

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=page.pk).specific.unpublish()
    assert page.pk not in found(client, "tong ket phong trao")

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=page.pk).specific.save_revision().publish()
    assert page.pk in found(client, "tong ket phong trao")

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=page.pk).delete()
    assert page.pk not in found(client, "tong ket phong trao")


def test_nothing_is_indexed_before_commit(
    client, section, live_engine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = publish_article(section, "Bản tin nông nghiệp tháng ba")
    assert page.pk not in found(client, "nong nghiep")
    assert callbacks
    for callback in callbacks:
        callback()
    assert page.pk in found(client, "nong nghiep")


def test_privacy_change_reaches_the_index(
    client, section, live_engine, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    with django_capture_on_commit_callbacks(execute=True):
        page = publish_article(section, "Bản tin nội bộ về công tác cán bộ")
        other = publish_article(section, "Bản tin công khai về công tác cán bộ")
    assert {page.pk, other.pk} <= set(found(client, "cong tac can bo"))

    # A restriction on the article itself: it leaves the index once the change commits.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau"
        )
    assert page.pk in found(client, "cong tac can bo")
    for callback in callbacks:
        callback()
    assert set(found(client, "cong tac can bo")) == {other.pk}
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert {page.pk, other.pk} <= set(found(client, "cong tac can bo"))

    # A restriction on the section covers every article under it; editing it keeps them out.
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=section, restriction_type=PageViewRestriction.LOGIN
        )
    assert not {page.pk, other.pk} & set(found(client, "cong tac can bo"))
    with django_capture_on_commit_callbacks(execute=True):
        restriction.restriction_type = PageViewRestriction.PASSWORD
        restriction.password = "mat-khau"
        restriction.save()
    assert not {page.pk, other.pk} & set(found(client, "cong tac can bo"))
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert {page.pk, other.pk} <= set(found(client, "cong tac can bo"))


def test_author_rename_reaches_the_index(
    client, section, live_engine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_article(section, "Bản tin văn hóa", authors=["Minh Thu"])
    author = page.authors[0]
    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Thu Minh Nguyễn"
        author.save()
    assert found(client, "ban tin van hoa")[page.pk]["authors"] == ["Thu Minh Nguyễn"]


def test_rebuild_and_check(section, live_engine, capsys, django_capture_on_commit_callbacks):
    pages = [publish_article(section, f"Bài số {n} về chuyển đổi số") for n in range(3)]
    # Publishing happened without running the on-commit hooks: nothing is indexed yet.
    with pytest.raises(CommandError):
        call_command("search_index", "--check", "--engine", live_engine)
    assert "3 missing" in capsys.readouterr().out

    call_command("search_index", "--rebuild", "--engine", live_engine)
    out = capsys.readouterr().out
    assert "indexing 3 pages" in out and "3 entries" in out
    call_command("search_index", "--check", "--engine", live_engine)
    assert "up to date" in capsys.readouterr().out

    # A page changed behind the index's back is reported stale.
    Page.objects.filter(pk=pages[0].pk).update(url_path="/elsewhere/")
    with pytest.raises(CommandError):
        call_command("search_index", "--check", "--engine", live_engine)
    assert "1 stale" in capsys.readouterr().out


def test_rebuild_swaps_the_alias(section, settings):
    from search.backends import elastic

    use_engine(settings, "elasticsearch")
    settings.SEARCH_ES_INDEX = "test-alias-swap"
    elastic.drop()
    try:
        publish_article(section, "Lễ hội Lim mùa xuân")
        service.rebuild("elasticsearch")
        first = elastic.concrete_indices()
        assert len(first) == 1
        service.rebuild("elasticsearch")
        second = elastic.concrete_indices()
        assert len(second) == 1 and second != first
        es = elastic.client()
        assert list(es.indices.get_alias(name="test-alias-swap").body) == second
        assert es.count(index="test-alias-swap")["count"] == 1
        # During a rebuild the live index keeps answering.
        seen = []

        def progress(done):
            seen.append(es.count(index="test-alias-swap")["count"])

        service.rebuild("elasticsearch", progress)
        assert seen and all(count == 1 for count in seen)
    finally:
        elastic.drop()


def test_a_rebuilt_index_is_merged_to_one_segment_after_the_swap(section, settings, monkeypatch):
    """The rebuild moves the alias first, then asks for the merge and returns: the node
    merges the live index in its background, and it ends in one segment."""
    from elasticsearch.exceptions import GeneralAvailabilityWarning

    from search.backends import elastic

    use_engine(settings, "elasticsearch")
    settings.SEARCH_ES_INDEX = "test-merge"
    indices_client = type(elastic.client().indices)
    elastic.drop()
    merges = []
    forcemerge = indices_client.forcemerge

    def spy(self, **kwargs):
        live = list(self.get_alias(name="test-merge").body)
        result = forcemerge(self, **kwargs)
        merges.append((kwargs, live, elastic.concrete_indices(), result["task"]))
        return result

    try:
        for n in range(3):
            publish_article(section, f"Lễ hội Lim mùa xuân {n}")
        service.rebuild("elasticsearch")
        monkeypatch.setattr(indices_client, "forcemerge", spy)
        service.rebuild("elasticsearch")
        (new,) = elastic.concrete_indices()
        # Asked for once the alias had moved and the old index was gone, not waited for.
        ((kwargs, live, indices, task),) = merges
        assert kwargs == {"index": new, "max_num_segments": 1, "wait_for_completion": False}
        assert live == indices == [new]
        es = elastic.client()
        with warnings.catch_warnings():  # the client marks the tasks API a preview
            warnings.simplefilter("ignore", GeneralAvailabilityWarning)
            done = es.tasks.get(task_id=task, wait_for_completion=True, timeout="60s")
        assert done["completed"]
        # Every shard (SEARCH_ES_SHARDS) merged to one segment (none when it got none
        # of the three pages).
        shards = es.indices.segments(index=new).body["indices"][new]["shards"]
        assert len(shards) == settings.SEARCH_ES_SHARDS == 2
        segments = [sum(len(copy["segments"]) for copy in copies) for copies in shards.values()]
        assert max(segments) == 1
        assert es.count(index="test-merge")["count"] == 3
    finally:
        elastic.drop()


def test_a_merge_that_cannot_start_leaves_the_rebuilt_index_live(
    section, settings, monkeypatch, caplog
):
    from elasticsearch import ApiError

    from search.backends import elastic

    use_engine(settings, "elasticsearch")
    settings.SEARCH_ES_INDEX = "test-merge-fails"
    indices_client = type(elastic.client().indices)
    elastic.drop()

    def refused(self, **kwargs):
        raise ApiError("too many requests", meta=type("Meta", (), {"status": 429})(), body={})

    try:
        publish_article(section, "Hội nghị tổng kết công tác năm")
        monkeypatch.setattr(indices_client, "forcemerge", refused)
        assert service.rebuild("elasticsearch") == 1
        (new,) = elastic.concrete_indices()
        assert list(elastic.client().indices.get_alias(name="test-merge-fails").body) == [new]
        assert elastic.client().count(index="test-merge-fails")["count"] == 1
        assert f"The rebuilt index {new} was not merged" in caplog.text
    finally:
        elastic.drop()


@pytest.mark.embedded
def test_rebuild_shows_progress_on_the_database(section, settings, capsys):
    use_engine(settings, "database")
    from bench.search import corpus

    corpus.bulk_articles(section, 1200, seed=3)
    call_command("search_index", "--rebuild")
    out = capsys.readouterr().out
    assert "1000/1200" in out and "1200 entries" in out


@pytest.mark.embedded
def test_command_runs_with_system_checks(section, settings, capsys):
    """manage.py runs the system checks (BaseCommand.check) before handle(), which
    call_command() skips by default: a command that shadows that method fails only here."""
    use_engine(settings, "database")
    publish_article(section, "Bản tin sáng")
    call_command("search_index", "--rebuild", skip_checks=False)
    call_command("search_index", "--check", skip_checks=False)
    assert "up to date" in capsys.readouterr().out


@pytest.mark.parametrize("documents", [10, 50_000])
def test_a_failing_bulk_load_raises_instead_of_hanging(documents):
    """The first failed chunk stops the actions and the rebuild raises the error instead
    of sending the rest of the archive."""
    import socket
    import threading

    from elasticsearch import Elasticsearch
    from elasticsearch import TransportError as EsTransportError

    from search.backends import elastic

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Elasticsearch(f"http://127.0.0.1:{port}", max_retries=0, request_timeout=2)
    consumed = []

    def actions():
        for n in range(documents):
            consumed.append(n)
            yield {"_index": "x", "_id": n, "_source": {"n": n}}

    outcome = {}

    def load():
        try:
            elastic._bulk_load(client, actions(), None)
        except Exception as exc:  # noqa: BLE001 - the outcome is checked below
            outcome["error"] = exc

    runner = threading.Thread(target=load, daemon=True)
    runner.start()
    runner.join(30)
    assert not runner.is_alive(), "the bulk load hung"
    assert isinstance(outcome.get("error"), EsTransportError), outcome
    assert len(consumed) < documents or documents <= elastic.BULK_CHUNK


@pytest.mark.embedded
def test_documents_are_sent_as_the_json_module_would_write_them(settings):
    """The client serialises with orjson; a document reads back the same as through the
    client's json-module serializer: Vietnamese text, dates with their offset, lists."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from elastic_transport import JsonSerializer

    from search.backends import elastic
    from search.items import Item

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # never contacted
    item = Item(
        page_id=7,
        kind="article",
        title='Ký kết giao ước thi đua "Đồng Khởi" <2026>',
        url="/tin-tuc/ky-ket/",
        date=datetime(2020, 3, 13, 8, 12, 5, 123456, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        section_id=3,
        section_title="Thời sự",
        lead="UBND tỉnh và MTTQ ký kết.\nHoà giải, thuỷ lợi",
        body="Đại hội Đảng bộ\u00a0huyện — nhiệm kỳ 2020–2025 ✓",
        captions="Ảnh: Vũ Hưng",
        authors=["Vũ Hưng", "Nguyễn Thị Hoa"],
        author_ids=[4, 9],
        tags=["Đại hội", "thi đua"],
    )
    source = elastic.source_for(item)
    serializer = elastic.client().transport.serializers.get_serializer("application/json")
    assert type(serializer).__name__ == "OrjsonSerializer"
    written = serializer.dumps(source)
    reference = JsonSerializer()
    assert reference.loads(written) == reference.loads(reference.dumps(source))
    assert reference.loads(written)["date"] == "2020-03-13T08:12:05.123456+07:00"


@pytest.mark.embedded
def test_the_exact_tier_field_holds_each_written_syllable_once():
    """``exact_all``: the exact syllables of every part (title, lead, body, captions,
    bylines, tags), lower case, tone marks in one placement, each once; none folded."""
    from search.backends import elastic
    from search.items import Item
    from search.text import exact_words

    item = Item(
        page_id=8,
        kind="article",
        title="Hội thi tìm hiểu luật",
        url="/tin-tuc/hoi-thi/",
        date=None,
        section_id=3,
        section_title="Thời sự",
        lead="Hội thi thu hút nhiều đoàn viên.",
        body="Hòa giải ở cơ sở; thủy lợi.",
        captions="Ảnh: Vũ Hưng",
        authors=["Vũ Hưng"],
        tags=["Hội thi"],
        extra="Địa điểm: Nhà văn hóa",
    )
    words = elastic.source_for(item)[elastic.EXACT_ALL].split(" ")
    written = " ".join(
        [item.title, item.lead, item.body, item.extra, item.captions, *item.authors, *item.tags]
    )
    assert sorted(words) == sorted(set(exact_words(written)))
    assert "hoà" in words and "thuỷ" in words and "hòa" not in words
    assert "thi" in words and "hoi" not in words
    assert elastic.EXACT_ALL in elastic.SOURCE_EXCLUDES


def test_check_reports_an_index_built_before_a_mapping_change(section, settings, capsys):
    """An index from an older release holds every page but lacks a field that this
    release's queries need (the exact tier's): --check names it until a rebuild."""
    from elasticsearch.helpers import bulk, scan

    from search.backends import elastic

    use_engine(settings, "elasticsearch")
    settings.SEARCH_ES_INDEX = "test-unmapped"
    elastic.drop()
    es = elastic.client()
    older = "test-unmapped-older"
    try:
        publish_article(section, "Hội thi tìm hiểu pháp luật")
        call_command("search_index", "--rebuild", "--engine", "elasticsearch")
        call_command("search_index", "--check", "--engine", "elasticsearch")
        assert "up to date" in capsys.readouterr().out

        # The same pages in an index whose mapping predates the field.
        (live,) = elastic.concrete_indices()
        mappings = es.indices.get_mapping(index=live).body[live]["mappings"]
        del mappings["properties"][elastic.EXACT_ALL]
        es.indices.create(index=older, mappings=mappings)
        # Copied by the client: the test node has no reindex module.
        bulk(
            es,
            (
                {"_index": older, "_id": hit["_id"], "_source": hit["_source"]}
                for hit in scan(es, index=live)
            ),
            refresh=True,
        )
        es.indices.update_aliases(
            actions=[
                {"remove": {"index": live, "alias": elastic.alias()}},
                {"add": {"index": older, "alias": elastic.alias()}},
            ]
        )
        with pytest.raises(CommandError):
            call_command("search_index", "--check", "--engine", "elasticsearch")
        assert "1 unmapped fields: exact_all" in capsys.readouterr().out
        call_command("search_index", "--rebuild", "--engine", "elasticsearch")
        call_command("search_index", "--check", "--engine", "elasticsearch")
        assert "up to date" in capsys.readouterr().out
    finally:
        elastic.drop()
        es.indices.delete(index=older, ignore_unavailable=True)
