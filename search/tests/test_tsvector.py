"""The PostgreSQL vectors built in Python (search/backends/tsvector.py) are exactly what
PostgreSQL's to_tsvector('simple', …) builds from the same texts, limits included."""

import random

import pytest
from django.db import connection

from bench.search import corpus
from search.backends import tsvector
from search.models import SearchEntry
from search.richtext import text_for_indexing
from search.text import exact_and_folded, exact_words, fold_syllable

# The four vectors of an entry, as the index built them with to_tsvector before.
REFERENCE = """
SELECT setweight(to_tsvector('simple', %(title)s), 'A')
         || setweight(to_tsvector('simple', %(text)s), 'D') = %(v1)s::tsvector,
       setweight(to_tsvector('simple', %(title_f)s), 'A')
         || setweight(to_tsvector('simple', %(text_f)s), 'D') = %(v2)s::tsvector,
       setweight(to_tsvector('simple', %(title)s), 'A')
         || setweight(to_tsvector('simple', %(lead)s), 'B') = %(v3)s::tsvector,
       setweight(to_tsvector('simple', %(title_f)s), 'A')
         || setweight(to_tsvector('simple', %(lead_f)s), 'B') = %(v4)s::tsvector
"""


def postgres_agrees(title: str, text: str, lead: str, fold=fold_syllable) -> tuple:
    """(v1 equal, v2 equal, v3 equal, v4 equal) for the vectors built in Python."""
    assert connection.vendor == "postgresql", "these tests compare with PostgreSQL"
    words = {
        name: exact_words(value)
        for name, value in (("title", title), ("text", text), ("lead", lead))
    }
    built = tsvector.vectors(words["title"], words["text"], words["lead"], fold)
    params = {f"v{n}": value for n, value in enumerate(built, 1)}
    for name, value in words.items():
        params[name] = " ".join(value)
        params[f"{name}_f"] = " ".join(fold(w) for w in value)
    with connection.cursor() as cursor:
        cursor.execute(REFERENCE, params)
        return cursor.fetchone()


def fixture_texts(path) -> tuple[str, str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[0], "\n".join(lines[1:]), " ".join(lines[1:4])


def generated(seed: int) -> tuple[str, str, str]:
    fields = corpus.article_fields(random.Random(seed))
    body = "\n".join(
        text_for_indexing(block["value"])
        if block["type"] == "paragraph"
        else block["value"]["caption"]
        for block in fields["body"]
    )
    return fields["title"], "\n".join([fields["lead"], body, fields["caption"]]), fields["lead"]


EDGE_CASES = {
    "empty title": ("", "Ký kết giao ước thi đua năm 2020", "Ký kết"),
    "empty text and lead": ("Đại hội đại biểu", "", ""),
    "all empty": ("", "", ""),
    # Old and new tone placement, case, đ, digits, punctuation and underscores.
    "tones and case": (
        "HÒA BÌNH hoà bình",
        "Thủy lợi, thuỷ lợi; khỏe/khoẻ — Đ_đ 2020: 3,5%",
        "KHỎE",
    ),
    # Quotes and backslashes never reach a lexeme (text.TOKEN_RE), so none is escaped.
    "quotes and backslashes": ("'a' \\b \"c\"", "it's a \\'x\\' 'test'", "''"),
    # to_tsvector keeps 255 positions of one lexeme, || 256.
    "a word 300 times": ("Báo cáo", "tin " * 300 + "cuối", "tin " * 260),
    "a word 300 times, in the title too": ("tin", "tin " * 300 + "cuối", "tin " * 260),
    "the title's words 200 times in the text": ("tin tức " * 60, "tin tức " * 200, "tức " * 250),
    # Positions above 16,383 are stored as 16,383.
    "17,000 words": ("Báo cáo", " ".join(f"từ{i % 900}" for i in range(17_000)), "từ1 từ2"),
    "a title of 16,500 words": (" ".join(["xã"] * 16_500), "xã huyện tỉnh", "xã"),
    # Words of 2,047 bytes or more are skipped (without a position); the folded form of
    # "ệ" * 700 (2,100 bytes) is 700 bytes, so the folded text keeps it.
    "a long word": ("tin", "đầu " + "a" * 2100 + " giữa " + "ệ" * 700 + " cuối", "ệ" * 700),
    "words of 2,046 and 2,047 bytes": ("b" * 2047, "a" * 2046 + " x " + "c" * 2047 + " y", "z"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(EDGE_CASES), ids=list(EDGE_CASES))
def test_vectors_are_what_to_tsvector_builds(case):
    assert postgres_agrees(*EDGE_CASES[case]) == (True, True, True, True)


@pytest.mark.django_db
def test_the_fixture_article_agrees(fixture_export):
    assert postgres_agrees(*fixture_texts(fixture_export)) == (True, True, True, True)


@pytest.mark.django_db
def test_generated_articles_agree():
    for seed in range(40):
        assert postgres_agrees(*generated(seed)) == (True, True, True, True), seed


@pytest.mark.django_db
def test_a_syllable_that_folds_to_several_words_or_none():
    # fold_syllable turns some rare letters into two words (or none); positions then
    # follow the folded text, as they did when PostgreSQL parsed it.
    def fold(word):
        return {"ab": "a b", "cd": ""}.get(word) or fold_syllable(word)

    assert postgres_agrees("ab cd ef", "gh ab ij cd kl ab", "ab", fold) == (True,) * 4


@pytest.mark.django_db
def test_the_rebuilt_index_holds_the_same_vectors(section):
    from search import items, service

    from .conftest import publish_article

    for n in range(3):
        publish_article(
            section,
            f"Hội nghị lần {n}: HÒA giải ở cơ sở",
            lead="Đồng chí Nguyễn Văn Phong chủ trì hội nghị.",
            paragraphs=[generated(n)[1], "Khỏe mạnh, thuỷ lợi; 'quote' \\ slash."],
            authors=["Vũ Hưng"],
        )
    service.rebuild("database")
    found = {item.page_id: item for item in items.iter_items()}
    assert len(found) == SearchEntry.objects.count() == 3
    with connection.cursor() as cursor:
        for page_id, item in found.items():
            title, title_f = exact_and_folded(item.title)
            text, text_f = exact_and_folded(item.search_text)
            lead, lead_f = exact_and_folded(item.lead)
            cursor.execute(
                "SELECT exact_vector = setweight(to_tsvector('simple', %s), 'A') "
                "|| to_tsvector('simple', %s), folded_vector = setweight(to_tsvector("
                "'simple', %s), 'A') || to_tsvector('simple', %s), head_exact_vector = "
                "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector("
                "'simple', %s), 'B'), head_folded_vector = setweight(to_tsvector('simple', "
                "%s), 'A') || setweight(to_tsvector('simple', %s), 'B'), text_exact, "
                "title_folded FROM search_searchentry WHERE page_id = %s",
                [title, text, title_f, text_f, title, lead, title_f, lead_f, page_id],
            )
            assert cursor.fetchone() == (True, True, True, True, "", title_f)
    # A search over the COPY-loaded rows: folded, exact and phrase.
    engine = service.database_engine()
    assert engine.count(_params("hoa giai")) == 3
    assert engine.count(_params('"nguyen van phong"')) == 3
    assert engine.count(_params("vu hung")) == 3


def _params(q: str):
    from django.http import QueryDict

    from search.forms import SearchForm

    return SearchForm(QueryDict(f"q={q}")).parsed().params
