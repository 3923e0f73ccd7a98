"""The rebuild's rich-text reader gives the text Wagtail's own indexing gives.

``search.richtext`` uses two regular expressions because Wagtail's
``get_text_for_indexing`` (Django's ``strip_tags``) costs more than the rest of reading an
article; these tests hold it to the library's output, up to whitespace."""

import random

import pytest
from wagtail.rich_text import get_text_for_indexing

from bench.search import corpus
from search.richtext import text_for_indexing

pytestmark = pytest.mark.embedded


def same_text(value: str) -> bool:
    return text_for_indexing(value).split() == get_text_for_indexing(value).split()


# What Wagtail's editor writes (Draftail's HTML) and what an imported article holds.
MARKUP = {
    "paragraphs": "<p>Đại hội</p><p>thi đua</p>",
    "headings": "<h2>Tin</h2><h3>tức</h3><h4>tỉnh</h4><p>Bắc Ninh</p>",
    "lists": '<ul><li>Một</li><li>hai</li></ul><ol><li>ba</li><li data-x="1">bốn</li></ol>',
    "line breaks": "<p>Hà Nội<br/>Bắc Ninh<br />Hải Dương</p>",
    "rule": "<p>trước</p><hr/><p>sau</p>",
    "quote": "<blockquote>Lời</blockquote><p>kể</p>",
    "inline markup": "<p><b>Đại</b> <i>hội</i> Đ<i>ảng</i> b<b>ộ</b> <code>x</code></p>",
    "links": '<p>Xem <a href="/tin-tuc/dai-hoi/">đại hội</a> và <a linktype="page" id="3">'
    "trang</a></p>",
    "entities": "<p>Sở Y tế &amp; Sở GD&amp;ĐT &lt;tỉnh&gt; &quot;năm&quot; &#272;&#7841;i"
    " &nbsp;hội&hellip;</p>",
    "embeds": '<p>Ảnh</p><embed embedtype="image" id="1" format="left" alt="x"/><p>sau</p>',
    "upper case tags": "<P>Lớn</P><BR/><H2>tiêu đề</H2>",
    "empty": "",
    "text only": "không có thẻ nào",
}


@pytest.mark.parametrize("name", list(MARKUP))
def test_editor_markup(name):
    assert same_text(MARKUP[name])


def test_generated_articles():
    rng = random.Random(11)
    paragraphs = [
        block["value"]
        for _ in range(300)
        for block in corpus.article_fields(rng)["body"]
        if block["type"] == "paragraph"
    ]
    assert len(paragraphs) > 1000
    assert all(same_text(value) for value in paragraphs)
    joined = "".join(paragraphs[:50])  # blocks written one after another
    assert same_text(joined)


@pytest.mark.django_db
def test_the_fixture_article(section, fixture_export):
    from news.importer.service import import_file

    result = import_file(fixture_export, section)
    assert result.status == "created", result.reason
    values = [block["value"] for block in result.page.body.raw_data if block["type"] == "paragraph"]
    assert values and all(same_text(value) for value in values)


def test_the_library_is_the_reference():
    # Two blocks stay two words, inline markup inside a word keeps it one word.
    assert text_for_indexing("<p>a</p><p>b</p>").split() == ["a", "b"]
    assert text_for_indexing("<p>Đ<i>ại</i></p>").split() == ["Đại"]
