"""One suite, both engines: Vietnamese queries on a few hundred articles, filters, JSON,
paging and bad input. Every test goes through /search/ like a reader or an integration."""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from search.tests.conftest import ELASTIC_ENGINE, use_engine
from search.text import (
    exact,
    exact_and_folded,
    exact_words_of_normalized,
    fold,
    fold_words,
    normalize,
)

pytestmark = pytest.mark.django_db


def get_json(client, **params):
    response = client.get("/search/", {**params, "format": "json"})
    assert response.status_code == 200, response.content[:500]
    return response.json()


def ids(data):
    return [hit["id"] for hit in data["results"]]


# --- Vietnamese -----------------------------------------------------------------


def test_folded_query_finds_the_fixture_first(client, corpus, engine):
    # Generated articles share the phrase (short titles rank well), so: top three.
    data = get_json(client, q="ky ket giao uoc thi dua", type="article")
    assert corpus.fixture.pk in ids(data)[:3]
    dated = get_json(
        client, q="ky ket giao uoc thi dua", **{"from": "2020-03-13", "to": "2020-03-13"}
    )
    assert ids(dated) == [corpus.fixture.pk]


@pytest.mark.parametrize("query", ["dai hoi", "Dai hoi", "ĐẠI HỘI", "đại hội"])
def test_d_and_case_fold(client, corpus, engine, query):
    data = get_json(client, q=query, type="article")
    assert corpus.fixture.pk in ids(data)
    fixture_hit = next(h for h in data["results"] if h["id"] == corpus.fixture.pk)
    assert "<mark>Đại</mark> <mark>hội</mark>" in fixture_hit["snippet"]


def test_upper_case_name_with_diacritics(client, corpus, engine):
    data = get_json(client, q="NGUYỄN VĂN PHONG")
    assert ids(data)[0] == corpus.fixture.pk


@pytest.mark.parametrize("query", ["hoà giải", "hòa giải", "hoa giai", "khoẻ mạnh", "khỏe mạnh"])
def test_old_and_new_tone_placement_match(client, corpus, engine, query):
    # The generated archive has "Khánh Hòa giải quyết …" too; look in the decoys' section.
    data = get_json(client, q=query, section=corpus.culture.pk)
    assert ids(data)[0] == corpus.old_tone.pk


def test_exact_diacritics_rank_above_folded(client, corpus, engine):
    silk = get_json(client, q="mùa lụa")
    rice = get_json(client, q="mùa lúa")
    assert set(ids(silk)[:2]) == {corpus.silk.pk, corpus.rice.pk}
    assert ids(silk)[0] == corpus.silk.pk
    assert ids(rice)[0] == corpus.rice.pk
    assert silk["results"][0]["score"] > silk["results"][1]["score"]


def test_exact_diacritics_count_across_the_parts_of_a_page(client, corpus, engine):
    # Every syllable as typed, each in another part (title, lead, byline), ranks above
    # the page that has one of them only folded ("lúa" for "lụa").
    data = get_json(client, q="lụa Tân Châu Kiều", section=corpus.culture.pk)
    assert ids(data) == [corpus.spread.pk, corpus.spread_folded.pk]
    assert data["results"][0]["score"] > data["results"][1]["score"]


def test_quoted_phrase_matches_as_phrase(client, corpus, engine):
    loose = ids(get_json(client, q="thi đua khen thưởng", section=corpus.culture.pk))
    phrase = ids(get_json(client, q='"thi đua khen thưởng"', section=corpus.culture.pk))
    assert corpus.scattered.pk in loose
    assert corpus.scattered.pk not in phrase
    everywhere = ids(
        get_json(client, q='"thi đua - khen thưởng"', **{"from": "2020-03-13", "to": "2020-03-13"})
    )
    assert corpus.fixture.pk in everywhere


def test_multi_syllable_name_beats_common_word(client, corpus, engine):
    data = get_json(client, q="Nguyễn Trọng Bình")
    found = ids(data)
    assert found[0] == corpus.fixture.pk
    for decoy in corpus.decoys:
        assert decoy.pk in found  # they match every syllable, folded...
    assert data["total"] > 1  # ...and still rank below the name


def test_every_word_is_required_then_most_of_them(client, corpus, engine):
    # Every word when some page has them all; otherwise the pages with most of them,
    # said so, rather than an empty page. A word nothing resembles is never suggested.
    full = get_json(client, q="giao ước thi đua")
    assert full["total"] > 0 and not full["relaxed"]
    data = get_json(client, q="giao ước xyzzyq")
    assert data["relaxed"] and data["total"] > 0 and data["suggestion"] is None
    assert len(data["messages"]) == 1  # says these have only some of the words
    for hit in data["results"]:
        assert (
            "<mark>giao</mark> <mark>ước</mark>" in hit["snippet"].lower()
            or "giao" in (hit["title_html"] or "").lower()
        )
    assert get_json(client, q="xyzzyq qwvbnm")["total"] == 0


def test_many_results_are_counted_and_paged(client, corpus, engine):
    first = get_json(client, q="hội nghị")
    assert first["total"] > 20
    assert first["num_pages"] == -(-first["total"] // first["page_size"])
    assert first["next"] and "page=2" in first["next"]
    second = client.get("/search/" + first["next"]).json()
    assert second["page"] == 2
    assert not set(ids(first)) & set(ids(second))
    assert len(ids(first)) == first["page_size"]


def test_the_html_page_numbers_its_pages_and_keeps_the_filters(client, corpus, engine):
    """Page numbers, not only previous and next; each link keeps the query and the dates
    as readers write them (dd/mm/yyyy)."""
    params = {"q": "hội nghị", "from": "2000-01-01", "to": "31/12/2030", "page": 2}
    data = get_json(client, **params)
    soup = BeautifulSoup(client.get("/search/", params).content, "html.parser")
    nav = soup.select_one("nav.pagination")
    numbered = [a for a in nav.select("a") if "pagination__step" not in a.get("class", [])]
    assert [a.get_text(strip=True) for a in numbered][:3] == ["1", "2", "3"]
    assert numbered[-1].get_text(strip=True) == str(data["num_pages"])
    current = nav.select_one("a[aria-current=page]")
    assert current.get_text(strip=True) == "2"
    query = parse_qs(urlsplit(numbered[2]["href"]).query)
    assert query == {"q": ["hội nghị"], "from": ["01/01/2000"], "to": ["31/12/2030"], "page": ["3"]}
    assert soup.select_one('input[name="from"]')["value"] == "01/01/2000"
    # The filters fold away (open here, since a filter is set).
    assert soup.select_one("details.search-form__filters").has_attr("open")
    assert (
        not BeautifulSoup(client.get("/search/", {"q": "hội nghị"}).content, "html.parser")
        .select_one("details.search-form__filters")
        .has_attr("open")
    )


# --- Filters and sorting --------------------------------------------------------


def test_date_range(client, corpus, engine):
    inside = get_json(client, q="giao ước thi đua", **{"from": "2020-03-01", "to": "13/03/2020"})
    assert corpus.fixture.pk in ids(inside)
    after = get_json(client, q="giao ước thi đua", **{"from": "2020-03-14"})
    assert corpus.fixture.pk not in ids(after)


def test_section_filter(client, corpus, engine):
    assert corpus.fixture.pk in ids(
        get_json(client, q="Nguyễn Văn Phong", section=corpus.archive.pk)
    )
    assert corpus.fixture.pk not in ids(
        get_json(client, q="Nguyễn Văn Phong", section=corpus.culture.pk)
    )
    assert get_json(client, q="giao ước", section=corpus.culture.pk, type="article")["total"] == 0


def test_author_filter(client, corpus, engine):
    from news.models import Author

    byline = corpus.fixture.authors[0]
    assert corpus.fixture.pk in ids(get_json(client, q="thi đua", author=byline.pk))
    other = Author.objects.exclude(pk=byline.pk).first()
    assert corpus.fixture.pk not in ids(get_json(client, q="thi đua", author=other.pk))


def test_type_filter(client, corpus, engine):
    events = get_json(client, q="thi đua", type="event")
    assert {h["type"] for h in events["results"]} == {"event"}
    assert {h["id"] for h in events["results"]} == {e.pk for e in corpus.events}
    articles = get_json(client, q="thi đua", type="article")
    assert {h["type"] for h in articles["results"]} == {"article"}


def test_newest_first(client, corpus, engine):
    data = get_json(client, q="thi đua", sort="newest")
    dates = [h["date"] for h in data["results"]]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == data["page_size"]


def test_filters_without_query_list_newest(client, corpus, engine):
    data = get_json(client, section=corpus.culture.pk)
    assert data["total"] == 6
    assert ids(data)[0] == corpus.silk.pk


# --- Result format --------------------------------------------------------------


def test_json_result_format(client, corpus, engine):
    data = get_json(client, q="Nguyễn Trọng Bình")
    assert set(data) >= {"total", "page", "page_size", "num_pages", "next", "previous", "results"}
    hit = next(h for h in data["results"] if h["id"] == corpus.fixture.pk)
    assert hit["title"] == corpus.fixture.title
    assert hit["url"] == corpus.fixture.url
    assert hit["date"].startswith("2020-03-13T")
    assert hit["section"] == "Lưu trữ"
    assert hit["authors"] == [a.name for a in corpus.fixture.authors]
    assert "<mark>" in hit["snippet"]
    assert isinstance(hit["score"], float)


def test_html_page_shows_results(client, corpus, engine):
    response = client.get("/search/", {"q": "nguyen trong binh"})
    html = response.content.decode()
    assert response.status_code == 200
    assert corpus.fixture.title in html
    assert "13/03/2020" in html
    assert "Lưu trữ" in html
    assert corpus.fixture.authors[0].name in html
    assert "<mark>" in html
    assert 'class="search-count"' in html


def test_nothing_matches_is_a_useful_page(client, corpus, engine):
    response = client.get("/search/", {"q": "qwxyzzy"})
    assert response.status_code == 200
    assert 'class="search-empty"' in response.content.decode()


# --- Bad input ------------------------------------------------------------------

BAD_INPUTS = {
    "empty": {"q": ""},
    "spaces": {"q": "   "},
    "10k characters": {"q": "đại hội " * 1250},
    "10k one word": {"q": "a" * 10_000},
    "unbalanced quote": {"q": '"ký kết giao ước'},
    "unbalanced quotes": {"q": 'thi đua "ký "kết'},
    "syntax characters": {"q": '+ - & | ! ( ) { } [ ] ^ " ~ * ? : \\ /'},
    "syntax around words": {"q": 'thi* AND (đua) OR "x" NEAR/2 -hội ~ ^3 col:val {a b}: \\'},
    "sql": {"q": "'; DROP TABLE search_searchentry; --"},
    "sql union": {"q": "x' UNION SELECT password FROM auth_user --"},
    "fts column": {"q": "title_folded:dai"},
    "invalid dates": {"q": "thi đua", "from": "2020-13-45", "to": "yesterday"},
    "huge year": {"q": "thi đua", "from": "9999-12-31", "to": "0001-01-01"},
    "reversed dates": {"q": "thi đua", "from": "2020-12-31", "to": "2020-01-01"},
    "unknown section": {"q": "thi đua", "section": "999999"},
    "text section": {"q": "thi đua", "section": "abc'"},
    "unknown author": {"q": "thi đua", "author": "-5"},
    "unknown type": {"q": "thi đua", "type": "video"},
    "unknown sort": {"q": "thi đua", "sort": "score; drop"},
    "negative page": {"q": "thi đua", "page": "-3"},
    "zero page": {"q": "thi đua", "page": "0"},
    "text page": {"q": "thi đua", "page": "two"},
    "past the end": {"q": "thi đua", "page": "9999"},
    "way past the end": {"q": "thi đua", "page": "99999999999999999999"},
    "nul byte": {"q": "thi\x00đua"},
}


@pytest.mark.parametrize("params", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
@pytest.mark.parametrize("fmt", ["html", "json"])
def test_bad_input_gets_a_normal_page(client, corpus, engine, params, fmt):
    query = dict(params)
    if fmt == "json":
        query["format"] = "json"
    response = client.get("/search/", query)
    assert response.status_code == 200
    if fmt == "json":
        data = response.json()
        assert data["total"] >= 0
        assert data["page"] >= 1


def test_bad_input_messages(client, corpus, engine):
    def messages(**params):
        return get_json(client, **params)["messages"]

    assert any("too long" in m or "quá dài" in m for m in messages(q="đại hội " * 1250))
    assert messages(q="thi đua", **{"from": "2020-12-31", "to": "2020-01-01"})
    assert messages(q="thi đua", section="999999")
    assert messages(q="thi đua", author="999999")
    assert messages(q="thi đua", page="-1")
    past = get_json(client, q="thi đua", page="9999")
    assert past["messages"] and past["page"] == past["num_pages"] and past["results"]
    reversed_dates = get_json(client, q="giao ước", **{"from": "2020-03-31", "to": "2020-03-01"})
    assert corpus.fixture.pk in ids(reversed_dates)


def test_syntax_characters_are_separators(client, corpus, engine):
    data = get_json(client, q='+Nguyễn-Trọng (Bình)~ "\\')
    assert ids(data)[0] == corpus.fixture.pk


# --- Fallback -------------------------------------------------------------------


@pytest.mark.embedded
def test_unreachable_elasticsearch_answers_from_the_database(client, corpus, settings, caplog):
    settings.SEARCH_ENGINE = ELASTIC_ENGINE
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    with caplog.at_level(logging.ERROR, logger="search"):
        data = get_json(client, q="nguyen trong binh")
        page = client.get("/search/", {"q": "dai hoi"})
    assert ids(data)[0] == corpus.fixture.pk
    assert page.status_code == 200
    assert any("answering from the database" in r.getMessage() for r in caplog.records)


# --- Text helpers ---------------------------------------------------------------


@pytest.mark.embedded
def test_folding_helpers():
    assert fold("ĐẠI HỘI Nguyễn") == "dai hoi nguyen"
    assert normalize("hòa khỏe thủy") == "hoà khoẻ thuỷ"
    assert normalize("hoàng quý") == "hoàng quý"
    assert exact("HÒA") == "hoà"


@pytest.mark.embedded
@pytest.mark.parametrize(
    "text",
    ["Hòa BÌNH, khỏe; ĐẠI HỘI", "Ho\u0300a thu\u0309y (NFD)", "x_y 3,5% — ﬁ ǅ", "", "  "],
)
def test_folding_a_normalised_text_is_folding_the_text(text):
    # Elasticsearch documents fold the normalised field they already hold.
    assert fold_words(exact_words_of_normalized(normalize(text))) == exact_and_folded(text)[1]


# --- Large match sets (PostgreSQL ranks a window) --------------------------------


def test_ranking_window_keeps_the_best_and_the_total(client, corpus, settings, monkeypatch):
    """Above RANK_ALL matches PostgreSQL orders every match by the title and lead, then
    scores the best RANK_WINDOW in full: the same total, the best entry still first."""
    from search.backends import postgres

    use_engine(settings, "database")
    full = get_json(client, q="ký kết giao ước thi đua", type="article")
    monkeypatch.setattr(postgres, "RANK_ALL", 0)
    monkeypatch.setattr(postgres, "RANK_WINDOW", 20)
    windowed = get_json(client, q="ký kết giao ước thi đua", type="article")
    assert windowed["total"] == full["total"] and windowed["total_exact"]
    assert ids(windowed)[0] == ids(full)[0]
    assert corpus.fixture.pk in ids(windowed)[:3]
    scores = [h["score"] for h in windowed["results"]]
    assert scores == sorted(scores, reverse=True)
    deep = get_json(client, q="hội nghị", page="3")  # past the window's first pages
    assert len(ids(deep)) == deep["page_size"]
    assert deep["total"] == get_json(client, q="hội nghị")["total"]


@pytest.mark.parametrize("rank_all", [1_000, 0])
def test_phrase_matches_counted_as_ids_give_the_same_page(
    client, corpus, settings, monkeypatch, rank_all
):
    """PostgreSQL: a query with a quoted phrase is counted as the ids of its matches, and
    the page is scored from those ids (the phrase is not tested again): the same results,
    scores and totals as testing the match in every query, with and without the window."""
    from search.backends import postgres

    use_engine(settings, "database")
    monkeypatch.setattr(postgres, "RANK_ALL", rank_all)
    monkeypatch.setattr(postgres, "RANK_WINDOW", 7)
    queries = [
        {"q": '"hội nghị"'},
        {"q": '"thi đua" tỉnh', "page": "2"},
        {"q": '"ký kết giao ước" thi đua'},
        {"q": '"hội nghị"', "sort": "newest"},
        {"q": '"hội nghị" "thi đua"', "type": "article"},
        {"q": '"không có cụm này"'},
    ]
    by_ids = [get_json(client, **query) for query in queries]
    page = postgres.PostgresEngine.page
    monkeypatch.setattr(
        postgres.PostgresEngine,
        "page",
        lambda self, cur, st, params, found, matches: page(self, cur, st, params, found, None),
    )
    retested = [get_json(client, **query) for query in queries]
    for query, new, old in zip(queries, by_ids, retested, strict=True):
        assert new["results"] == old["results"], query
        assert (new["total"], new["total_exact"]) == (old["total"], old["total_exact"]), query
    assert by_ids[0]["total"] > 10 and by_ids[-1]["total"] == 0
    assert sum(len(data["results"]) for data in by_ids) > 30


def test_total_is_exact_up_to_the_cap(client, corpus, engine, monkeypatch):
    """Totals are exact up to TOTAL_CAP (10,000), then "more than" on both engines."""
    from search.backends import db, elastic

    exact = get_json(client, q="hội nghị")
    assert exact["total_exact"] is True and exact["total"] > 20
    monkeypatch.setattr(db, "TOTAL_CAP", 20)
    monkeypatch.setattr(elastic, "TOTAL_CAP", 20)
    capped = get_json(client, q="hội nghị")
    assert capped["total"] == 20 and capped["total_exact"] is False
    assert capped["num_pages"] == 2 and ids(capped) == ids(exact)
    html = client.get("/search/", {"q": "hội nghị"}).content.decode()
    assert "20 results" in html or "20 kết quả" in html
    assert get_json(client, q='"mùa lụa"')["total_exact"] is True  # one match
