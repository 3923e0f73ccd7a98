"""The query set: what staff type, and the article they expect, on every engine.

A module-wide archive written for these queries (each target beside decoys that share
its syllables apart, folded or in another order), both indexes rebuilt; every query runs
through /search/ on the database engine (SQLite in the embedded pass, PostgreSQL in the
full pass) and on Elasticsearch.
"""

import os
from types import SimpleNamespace

import pytest

from search.tests.conftest import aware, publish_article, use_engine, with_elasticsearch

pytestmark = pytest.mark.django_db

# (key, title, lead, paragraphs, authors)
ARTICLES = [
    # Words: the word against its syllables apart.
    (
        "hoi_nghi",
        "Sở Tư pháp tổng kết công tác năm 2024",
        "Sáng nay, Sở Tư pháp tổ chức hội nghị tổng kết công tác năm 2024.",
        ["Hội nghị đánh giá kết quả phổ biến pháp luật tại cơ sở."],
        [],
    ),
    (
        "hoi_thi",
        "Hội thi tìm hiểu pháp luật cho đoàn viên",
        "Hội thi do Sở Tư pháp phối hợp tổ chức; ban giám khảo đề nghị khen thưởng.",
        ["Nhiều đoàn viên đề nghị tổ chức hội thi hằng năm để tổng kết kinh nghiệm."],
        [],
    ),
    (
        "thi_dua",
        "Phát động phong trào thi đua yêu nước năm 2025",
        "Tỉnh phát động phong trào thi đua yêu nước trong toàn dân.",
        ["Phong trào thi đua gắn với xây dựng đời sống văn hóa."],
        [],
    ),
    (
        "thi_apart",
        "Kỳ thi tuyển sinh lớp 10 và giải đua thuyền truyền thống",
        "Thí sinh dự thi đông; giải đua thuyền trên sông thu hút người xem.",
        ["Học sinh yêu nước, thi tốt, đua tài trong ngày hội."],
        [],
    ),
    (
        "atgt",
        "Tăng cường bảo đảm an toàn giao thông dịp Tết",
        "Lực lượng chức năng ra quân bảo đảm an toàn giao thông.",
        ["Người dân chấp hành tốt quy định về an toàn giao thông."],
        [],
    ),
    (
        "atgt_apart",
        "Giao nhận hàng hóa an toàn qua đường thông quan",
        "Doanh nghiệp giao hàng an toàn, thông tin kịp thời.",
        ["An toàn là trên hết trong giao nhận tại cửa khẩu thông quan."],
        [],
    ),
    # Diacritics: exact against folded-only readings.
    (
        "ky_ket",
        "Ký kết hợp tác phát triển du lịch với tỉnh bạn",
        "Hai tỉnh ký kết chương trình hợp tác phát triển du lịch giai đoạn mới.",
        ["Lễ ký kết diễn ra tại trung tâm hội nghị tỉnh, sau buổi họp báo."],
        [],
    ),
    (
        "ky_hop",
        "Bế mạc kỳ họp thứ mười HĐND tỉnh khóa XVIII",
        "Kỳ họp kết thúc sau ba ngày làm việc; kỳ kết luận các nội dung quan trọng.",
        ["Các đại biểu thông qua nhiều nghị quyết tại kỳ họp."],
        [],
    ),
    (
        "thuy_loi",
        "Nâng cấp công trình thủy lợi ở Hòa Bình",
        "Tỉnh Hòa Bình đầu tư nâng cấp hệ thống thủy lợi phục vụ sản xuất.",
        ["Công trình thủy lợi bảo đảm tưới tiêu cho hàng nghìn héc-ta lúa."],
        [],
    ),
    (
        "lua",
        "Giá lúa tăng, nông dân phấn khởi",
        "Vụ mùa năm nay giá lúa tăng cao so với năm trước.",
        ["Thương lái thu mua lúa tận ruộng."],
        [],
    ),
    (
        "lua_silk",
        "Giá lụa tơ tằm tăng ở làng nghề",
        "Năm nay giá lụa tơ tằm tăng, làng nghề phấn khởi.",
        ["Lụa được thương lái thu mua tận nhà."],
        [],
    ),
    (
        "tran_van_binh",
        "Ông Trần Văn Bình được bầu làm Chủ tịch Hội Nông dân huyện",
        "Đại hội đã bầu ông Trần Văn Bình giữ chức Chủ tịch.",
        ["Ông Trần Văn Bình cảm ơn sự tín nhiệm của hội viên."],
        [],
    ),
    # Acronyms, written either way.
    (
        "ubnd",
        "UBND tỉnh họp bàn kế hoạch phòng chống thiên tai",
        "UBND tỉnh yêu cầu các sở chủ động phòng chống thiên tai mùa mưa bão.",
        ["Các địa phương rà soát phương án sơ tán dân."],
        [],
    ),
    (
        "uy_ban_written",
        "Ủy ban nhân dân huyện kiểm tra tiến độ xây dựng trường học",
        "Ủy ban nhân dân huyện kiểm tra các công trình trường học trước năm học mới.",
        ["Nhiều hạng mục đã hoàn thành đúng tiến độ."],
        [],
    ),
    (
        "ktxh_written",
        "Tình hình kinh tế - xã hội 9 tháng đầu năm chuyển biến tích cực",
        "Kinh tế - xã hội của tỉnh 9 tháng đầu năm tiếp tục phát triển.",
        ["Thu ngân sách đạt khá so với dự toán."],
        [],
    ),
    (
        "ktxh_acronym",
        "Hội đồng nhân dân huyện giám sát nhiệm vụ KT-XH quý III",
        "HĐND huyện giám sát việc thực hiện nhiệm vụ KT-XH quý III.",
        ["Đoàn giám sát kiến nghị nhiều giải pháp."],
        [],
    ),
    (
        "thpt",
        "Hơn 12 nghìn thí sinh dự thi tốt nghiệp THPT",
        "Kỳ thi tốt nghiệp THPT năm nay diễn ra an toàn, nghiêm túc.",
        ["Các điểm thi bố trí đủ cán bộ coi thi."],
        [],
    ),
    (
        "ntm",
        "Xã Yên Lạc đạt chuẩn NTM nâng cao",
        "Xã Yên Lạc được công nhận đạt chuẩn NTM nâng cao sau ba năm phấn đấu.",
        ["Người dân các thôn hiến đất làm đường, xây dựng nhà văn hóa."],
        [],
    ),
    (
        "tdtt",
        "Đại hội TDTT huyện lần thứ IX thành công tốt đẹp",
        "Đại hội TDTT huyện thu hút hơn 1.000 vận động viên.",
        ["Các môn thi đấu gồm bóng chuyền, cầu lông, kéo co."],
        [],
    ),
    (
        "gddt",
        "Sở Giáo dục và Đào tạo triển khai nhiệm vụ năm học mới",
        "Sở Giáo dục và Đào tạo yêu cầu các trường chuẩn bị tốt cho năm học mới.",
        ["Ngành giáo dục chú trọng chuyển đổi số."],
        [],
    ),
    (
        "bch",
        "Ban Chấp hành Đảng bộ tỉnh họp phiên thường kỳ tháng 10",
        "Ban Chấp hành Đảng bộ tỉnh cho ý kiến vào nhiều nội dung quan trọng.",
        ["Hội nghị thống nhất các chỉ tiêu năm tới."],
        [],
    ),
    (
        "uvbtv",
        "UVBTV Tỉnh ủy thăm và làm việc tại trường biên giới",
        "Đồng chí Lê Minh Tâm, UVBTV Tỉnh ủy, thăm thầy và trò trường biên giới.",
        ["Đoàn tặng quà học sinh nghèo vượt khó."],
        [],
    ),
    (
        "clb",
        "Câu lạc bộ thơ Đường luật ra mắt",
        "Câu lạc bộ thơ Đường luật của phường chính thức ra mắt.",
        ["Hội viên là những người yêu thơ."],
        [],
    ),
    # Authors: the byline against the same syllables in text.
    (
        "by_vu_hung",
        "Mùa vàng trên cánh đồng Mường Thanh",
        "Những ngày này, cánh đồng Mường Thanh vào mùa gặt.",
        ["Nông dân thu hoạch lúa trong niềm vui được mùa."],
        ["Vũ Hưng"],
    ),
    (
        "vu_hung_apart",
        "Vũ Thư hưởng ứng ngày hội đại đoàn kết ở Hưng Hà",
        "Huyện Vũ Thư và huyện Hưng Hà tổ chức ngày hội; ông Vũ Văn Hưng phát biểu.",
        ["Vũ Thư, Hưng Hà, Vũ Thư: những vùng quê hưng thịnh; Vũ và Hưng, Hưng và Vũ."],
        ["Lê Thu Trang"],
    ),
    (
        "by_thi_hoa",
        "Đồng bào vùng cao đón Tết sớm",
        "Bà con vùng cao chuẩn bị Tết với nhiều phong tục đẹp.",
        ["Những phiên chợ Tết rộn ràng sắc màu."],
        ["Nguyễn Thị Hoa"],
    ),
    (
        "thi_hoa_apart",
        "Nguyễn Văn Tú trồng hoa ở thị xã",
        "Anh Nguyễn Văn Tú trồng hoa cúc ở thị xã, hoa bán chạy dịp Tết.",
        ["Thị trường hoa Tết năm nay sôi động."],
        ["Lê Thu Trang"],
    ),
]

# (kind, query, expected key, rule): "first" = ranked first; "in" = among the results
# (first page); "above:<key>" = ranked first and above that article, which is found too.
QUERIES = [
    ("word", "hội nghị tổng kết", "hoi_nghi", "above:hoi_thi"),
    ("word", "hoi nghi tong ket", "hoi_nghi", "above:hoi_thi"),
    ("word", "thi đua yêu nước", "thi_dua", "above:thi_apart"),
    ("word", "an toàn giao thông", "atgt", "above:atgt_apart"),
    ("word", "an toan giao thong", "atgt", "above:atgt_apart"),
    ("word", "giao thông an toàn", "atgt", "first"),
    ("diacritics", "Ký kết", "ky_ket", "above:ky_hop"),
    ("diacritics", "ký kết du lịch", "ky_ket", "first"),
    ("diacritics", "ky ket", "ky_ket", "in"),
    ("diacritics", "ky ket", "ky_hop", "in"),
    ("diacritics", "thủy lợi Hòa Bình", "thuy_loi", "first"),
    ("diacritics", "thuỷ lợi Hoà Bình", "thuy_loi", "first"),
    ("diacritics", "giá lụa", "lua_silk", "above:lua"),
    ("diacritics", "giá lúa", "lua", "above:lua_silk"),
    ("diacritics", "gia lua", "lua", "in"),
    ("partial", "Trần Van Bình", "tran_van_binh", "first"),
    ("partial", "tran van Bình", "tran_van_binh", "first"),
    ("acronym", "Ủy ban nhân dân tỉnh phòng chống thiên tai", "ubnd", "first"),
    ("acronym", "uy ban nhan dan tinh", "ubnd", "first"),
    ("acronym", "UBND huyện kiểm tra trường học", "uy_ban_written", "first"),
    ("acronym", "ubnd huyen", "uy_ban_written", "first"),
    ("acronym", "KT-XH 9 tháng", "ktxh_written", "first"),
    ("acronym", "kinh tế - xã hội quý III", "ktxh_acronym", "first"),
    ("acronym", "hội đồng nhân dân huyện giám sát", "ktxh_acronym", "first"),
    ("acronym", "HĐND tỉnh kỳ họp", "ky_hop", "first"),
    ("acronym", "hdnd tinh ky hop", "ky_hop", "first"),
    ("acronym", "thi tốt nghiệp trung học phổ thông", "thpt", "first"),
    ("acronym", "nông thôn mới Yên Lạc", "ntm", "first"),
    ("acronym", "đại hội thể dục thể thao", "tdtt", "first"),
    ("acronym", "Sở GD-ĐT năm học mới", "gddt", "first"),
    ("acronym", "BCH Đảng bộ tỉnh", "bch", "first"),
    ("acronym", "Ủy viên Ban Thường vụ Tỉnh ủy thăm trường", "uvbtv", "first"),
    ("acronym", "CLB thơ Đường luật", "clb", "first"),  # an editor's entry
    ("typo", "hộj nghị tổng kết tư pháp", "hoi_nghi", "first"),
    ("typo", "phong trào thj đua yêu nước", "thi_dua", "first"),
    ("typo", "ký kết hợp tác du lịhc", "ky_ket", "first"),
    ("typo", "Yên Lạc nông thôn mớj", "ntm", "first"),
    ("typo", "hoi nghi tong kett", "hoi_nghi", "first"),
    ("question", "thi tốt nghiệp THPT là gì", "thpt", "first"),
    ("question", "kỳ họp HĐND tỉnh khi nào bế mạc", "ky_hop", "first"),
    ("question", "xây dựng nông thôn mới ở Yên Lạc như thế nào", "ntm", "first"),
    ("question", "giá lúa năm nay bao nhiêu", "lua", "first"),
    ("question", "hội nghị tổng kết công tác tư pháp năm 2024 trực tuyến", "hoi_nghi", "first"),
    ("question", "ai là chủ tịch hội nông dân huyện Trần Văn Bình", "tran_van_binh", "first"),
    ("author", "Vũ Hưng", "by_vu_hung", "above:vu_hung_apart"),
    ("author", "vu hung", "by_vu_hung", "first"),
    ("author", "Nguyễn Thị Hoa", "by_thi_hoa", "above:thi_hoa_apart"),
    ("author", "nguyen thi hoa", "by_thi_hoa", "first"),
]


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    from news.models import Author, HomePage, NewsIndexPage
    from search import service
    from search.backends import elastic
    from search.models import Acronym, SearchEntry

    with django_db_blocker.unblock():
        home = HomePage.objects.get()
        section = home.add_child(
            instance=NewsIndexPage(title="Kiểm thử tìm kiếm", slug="kiem-thu-ngu-nghia")
        )
        section.save_revision().publish()
        authors_before = set(Author.objects.values_list("pk", flat=True))
        acronym = Acronym.objects.create(acronym="CLB", expansion="câu lạc bộ")
        try:
            pages = {}
            for n, (key, title, lead, paragraphs, authors) in enumerate(ARTICLES):
                pages[key] = publish_article(
                    section,
                    title,
                    lead=lead,
                    paragraphs=paragraphs,
                    authors=authors,
                    published=aware(2024, 1 + n % 12, 1 + n, 8),
                )
            service.rebuild("database")
            if os.environ.get("ELASTICSEARCH_URL"):
                with with_elasticsearch():
                    service.rebuild("elasticsearch")
            yield SimpleNamespace(pages=pages, section=section)
        finally:
            section.refresh_from_db()
            section.delete()
            acronym.delete()
            SearchEntry.objects.all().delete()
            Author.objects.exclude(pk__in=authors_before).delete()
            service.rebuild("database")
            if os.environ.get("ELASTICSEARCH_URL"):
                with with_elasticsearch():
                    elastic.drop()


def search(client, **params):
    response = client.get("/search/", {**params, "format": "json"})
    assert response.status_code == 200, response.content[:500]
    return response.json()


def ids(data):
    return [hit["id"] for hit in data["results"]]


@pytest.mark.parametrize(
    ("kind", "query", "expected", "rule"),
    QUERIES,
    ids=[f"{kind}:{query}" for kind, query, *_ in QUERIES],
)
def test_query_set(client, archive, engine, kind, query, expected, rule):
    found = ids(search(client, q=query))
    target = archive.pages[expected].pk
    assert target in found, (query, found)
    if rule == "first" or rule.startswith("above:"):
        assert found[0] == target, (query, found)
    if rule.startswith("above:"):
        other = archive.pages[rule.split(":", 1)[1]].pk
        assert other in found, (query, found)
        assert found.index(target) < found.index(other)


def test_the_query_set_is_large_and_covers_every_kind():
    kinds = {kind for kind, *_ in QUERIES}
    assert len(QUERIES) >= 40
    assert kinds == {"word", "diacritics", "partial", "acronym", "typo", "question", "author"}


def test_every_word_match_ranks_above_scattered_syllables(client, archive, engine):
    data = search(client, q="hội nghị")
    found = ids(data)
    with_word = [
        archive.pages[k].pk for k in ("hoi_nghi", "ky_ket", "bch")
    ]  # "hội nghị" written together
    apart = archive.pages["hoi_thi"].pk
    assert apart in found
    assert max(found.index(pk) for pk in with_word) < found.index(apart)


def test_folded_only_matches_come_after_every_exact_match(client, archive, engine):
    found = ids(search(client, q="kỳ họp"))
    exact = archive.pages["ky_hop"].pk
    folded_only = archive.pages["ky_ket"].pk  # "Ký kết … họp báo": ky and hop, folded
    assert found[0] == exact
    assert folded_only in found
    assert found.index(folded_only) > found.index(exact)


def test_highlighting_marks_what_matched(client, archive, engine):
    # A query typed with diacritics: "thi" is the word thi, not "thị" or "thí".
    hit = next(
        h for h in search(client, q="Hội thi")["results"] if h["id"] == archive.pages["hoi_thi"].pk
    )
    assert "<mark>Hội</mark> <mark>thi</mark>" in hit["title_html"]
    assert "<mark>thị</mark>" not in hit["snippet"].lower() + hit["title_html"].lower()
    # Without any diacritics every reading matched, so every reading is marked.
    loose = next(
        h for h in search(client, q="thi dua")["results"] if h["id"] == archive.pages["thi_dua"].pk
    )
    assert "<mark>thi</mark> <mark>đua</mark>" in loose["title_html"]
    # Through an acronym: the expansion written out is what matched.
    acronym = search(client, q="UBND huyện")["results"][0]
    assert (
        "<mark>Ủy</mark> <mark>ban</mark> <mark>nhân</mark> <mark>dân</mark>"
        in (acronym["title_html"])
    )


def test_titles_are_escaped_and_highlighted_in_the_html_page(client, archive, engine):
    response = client.get("/search/", {"q": "thủy lợi"})
    html = response.content.decode()
    assert "<mark>thủy</mark> <mark>lợi</mark>" in html


def test_author_results_show_the_byline(client, archive, engine):
    first = search(client, q="Vũ Hưng")["results"][0]
    assert first["authors"] == ["Vũ Hưng"]
    page = client.get("/search/", {"q": "Vũ Hưng"}).content.decode()
    assert "search-result__authors" in page and "Vũ Hưng" in page


def test_did_you_mean_comes_from_the_index_vocabulary(client, archive, engine):
    data = search(client, q="hộj nghị tổng kết")
    assert data["suggestion"] == "hội nghị tổng kết"
    assert ids(data)[0] == archive.pages["hoi_nghi"].pk
    page = client.get("/search/", {"q": "hộj nghị tổng kết"}).content.decode()
    assert "search-suggestion" in page
    assert "?q=h%E1%BB%99i+ngh%E1%BB%8B+t%E1%BB%95ng+k%E1%BA%BFt" in page
    unaccented = search(client, q="hoi nghi tong kett")
    assert unaccented["suggestion"] == "hoi nghi tong ket"
    # A query every page's vocabulary knows is never "corrected".
    assert search(client, q="hội nghị tổng kết")["suggestion"] is None


def test_stop_phrases_are_dropped_unless_nothing_else_is_left():
    from search.semantics import without_stop_phrases

    assert without_stop_phrases(("thpt", "là", "gì")) == ("thpt",)
    assert without_stop_phrases(("o", "dau", "co", "le", "hoi")) == ("co", "le", "hoi")
    # "ở đầu" is not "ở đâu": a syllable typed with diacritics stands for itself.
    assert without_stop_phrases(("ở", "đầu", "làng")) == ("ở", "đầu", "làng")
    assert without_stop_phrases(("là", "gì")) == ("là", "gì")


def test_an_acronym_hit_ranks_like_a_written_one(client, archive, engine):
    # Both forms of the agency, one article each, the rest of the query in both titles.
    written = ids(search(client, q="Ủy ban nhân dân"))
    short = ids(search(client, q="UBND"))
    pair = {archive.pages["ubnd"].pk, archive.pages["uy_ban_written"].pk}
    assert set(written[:2]) == pair
    assert set(short[:2]) == pair


def test_the_dictionary_ships_at_least_100_acronyms_with_the_common_ones():
    from search.semantics import Acronyms, file_entries

    entries = file_entries()
    assert len({acronym for acronym, _ in entries}) >= 100
    forms = Acronyms(entries).forms
    for acronym, expansion in [
        ("ubnd", ("uỷ", "ban", "nhân", "dân")),
        ("hđnd", ("hội", "đồng", "nhân", "dân")),
        ("mttq", ("mặt", "trận", "tổ", "quốc")),
        ("thpt", ("trung", "học", "phổ", "thông")),
        ("tdtt", ("thể", "dục", "thể", "thao")),
        ("ntm", ("nông", "thôn", "mới")),
        ("bch", ("ban", "chấp", "hành")),
        ("uvbtv", ("uỷ", "viên", "ban", "thường", "vụ")),
    ]:
        assert expansion in forms[(acronym,)], acronym
    assert ("kinh", "tế", "xã", "hội") in forms[("kt", "xh")]
    assert ("giáo", "dục", "và", "đào", "tạo") in forms[("gd", "đt")]


def test_one_edit_includes_a_swap():
    from search.spelling import edits

    assert edits("lihc", "lich") == 1
    assert edits("hoj", "hoi") == 1
    assert edits("kett", "ket") == 1
    assert edits("thon", "thoi") == 1
    assert edits("hoi", "nghi") == 3


def test_an_editor_adds_an_acronym_in_the_admin_and_the_next_search_applies_it(
    client, admin_client, archive, engine
):
    from search.models import Acronym

    assert client.get("/admin/snippets/search/acronym/add/").status_code == 302  # login
    before = search(client, q="HTHT tìm hiểu pháp luật")
    assert before["relaxed"] or before["total"] == 0  # no page has "HTHT"
    response = admin_client.post(
        "/admin/snippets/search/acronym/add/",
        {"acronym": "HTHT", "expansion": "Hội thi"},
    )
    assert response.status_code == 302, response.content[:300]
    try:
        after = search(client, q="HTHT tìm hiểu pháp luật")
        assert not after["relaxed"] and after["suggestion"] is None
        assert ids(after)[0] == archive.pages["hoi_thi"].pk
    finally:
        Acronym.objects.filter(acronym="HTHT").delete()


@pytest.mark.parametrize(
    "query",
    [
        "UBND tỉnh",
        "Hội đồng nhân dân tỉnh",
        "ubnd huyen",
        "kỳ họp HĐND",
        "KT-XH",
        "kinh tế - xã hội",
        "Ủy ban nhân dân",
        "hội đồng nhân dân",
    ],
)
def test_acronym_groups_matched_as_filters_score_alike_in_the_rescore_window(archive, query):
    """Elasticsearch requires an acronym's group as a filter beside one or two plain
    syllables and scores it in the rescore only: every hit within the window (here, all of
    them) gets the same score as with the group scored over every hit."""
    from search import semantics
    from search.backends import elastic
    from search.query import SearchParams
    from search.text import parse_query

    params = SearchParams(query=semantics.analyse(parse_query(query)), page_size=50)
    assert any(len(group) > 1 for group in params.query.match_groups)
    with with_elasticsearch():
        bodies = [
            elastic.build_search(params, defer_forms=defer)[0:50].to_dict()
            for defer in (True, False)
        ]
        assert bodies[0]["query"]["bool"].get("filter") and not bodies[1]["query"]["bool"].get(
            "filter"
        )
        deferred, scored = (
            elastic.client().search(index=elastic.alias(), body=body)["hits"] for body in bodies
        )
    assert deferred["total"] == scored["total"]
    assert deferred["total"]["value"] > 0

    assert [hit["_id"] for hit in deferred["hits"]] == [hit["_id"] for hit in scored["hits"]]
    for one, other in zip(deferred["hits"], scored["hits"], strict=True):
        # A query of groups alone gets its score as one sum in the rescore, not as the
        # first pass's sum plus the rescore's: above the exact tier's 100,000 the last
        # bit of a 32-bit score may differ.
        assert one["_score"] == pytest.approx(other["_score"], rel=1e-6)


def test_two_shards_rank_every_query_of_the_set_as_one_shard_does(archive, settings):
    """The index has two shards, so that one query uses two cores. Each shard scores with
    the whole index's term statistics (the DFS phase): every query of the set finds the
    same pages in the same order as on one shard, with scores within a few percent (the
    cross-fields blending of a term's frequencies stays per shard; on this small archive
    that moves a score by up to 4%). Without the DFS phase scores move by up to half, and
    orders change."""
    from dataclasses import replace

    from search import service
    from search.backends import elastic
    from search.forms import SearchForm

    def ranked(query):
        params = replace(SearchForm({"q": query}).parsed().params, page_size=len(ARTICLES))
        return [(hit.page_id, hit.score) for hit in service.search(params).hits]

    use_engine(settings, "elasticsearch")
    assert settings.SEARCH_ES_SHARDS == 2
    two = {query: ranked(query) for _, query, *_ in QUERIES}
    settings.SEARCH_ES_SHARDS = 1
    settings.SEARCH_ES_INDEX = "test-one-shard"
    try:
        service.rebuild("elasticsearch")
        (index,) = elastic.concrete_indices()
        index_settings = elastic.client().indices.get_settings(index=index)[index]["settings"]
        assert index_settings["index"]["number_of_shards"] == "1"
        one = {query: ranked(query) for query in two}
    finally:
        elastic.drop()
    assert all(two.values())
    for query, hits in two.items():
        assert [page for page, _ in hits] == [page for page, _ in one[query]], query
        for (page, score), (_, alone) in zip(hits, one[query], strict=True):
            assert score == pytest.approx(alone, rel=0.05), (query, page)
