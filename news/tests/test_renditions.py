"""Photos are drawn by Wagtail's picture tag from the renditions made ahead of time."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model

from news.models import ArticlePage
from news.renditions import CARD_SPECS, PHOTO_SPECS, SPECS, prepare
from news.seo import SOCIAL_IMAGE_SPEC

pytestmark = pytest.mark.embedded


def photos(article):
    return [block.value["image"] for block in article.body if block.block_type == "captioned_image"]


def test_pages_show_only_the_renditions_made_ahead_of_time(client, imported_article, section):
    images = photos(imported_article)
    assert prepare(images) == 2
    # The social-network image (news/seo.py) is made on first use and is not drawn.
    Rendition = get_image_model().get_rendition_model()
    drawn = Rendition.objects.exclude(filter_spec=SOCIAL_IMAGE_SPEC)
    made = set(drawn.values_list("pk", flat=True))
    assert len(made) == 2 * len(SPECS)

    article = BeautifulSoup(client.get(imported_article.url).content, "html.parser")
    listing = BeautifulSoup(client.get(section.url).content, "html.parser")

    # Rendering asked for nothing that `prepare` had not made.
    assert set(drawn.values_list("pk", flat=True)) == made
    rendered = {
        url.split()[0]
        for soup in (article, listing)
        for tag in soup.select("picture source, picture img")
        for url in (tag.get("srcset", "").split(",") + [tag.get("src", "")])
        if url.strip()
    }
    urls = {rendition.url for rendition in drawn}
    assert rendered <= urls
    assert len(rendered) == 2 * len(PHOTO_SPECS) + len(CARD_SPECS)

    card = listing.select_one(".card picture")
    img = card.find("img")
    assert card.find("source")["type"] == "image/webp"
    assert (img["width"], img["height"], img["alt"], img["loading"]) == ("480", "300", "", "lazy")


@pytest.mark.parametrize(
    "arguments",
    [
        'width-{480,800,1200} format-{webp,jpeg} sizes="100vw" alt="Ảnh" loading="lazy"',
        'fill-480x300 format-{webp,jpeg} alt="" decoding="async"',
        "width-480",
    ],
)
def test_the_picture_tag_draws_what_wagtails_draws(imported_article, arguments):
    """news_images' picture (renditions remembered) against wagtailimages_tags' own,
    on the first render and on a remembered one."""
    image = photos(imported_article)[0]
    ours = Template("{% load news_images %}{% picture image " + arguments + " %}")
    wagtails = Template("{% load wagtailimages_tags %}{% picture image " + arguments + " %}")
    expected = wagtails.render(Context({"image": image}))
    assert expected.startswith("<picture>")
    for _ in range(2):
        fresh = get_image_model().objects.get(pk=image.pk)
        assert ours.render(Context({"image": fresh})) == expected


def test_a_changed_focal_point_draws_new_renditions(imported_article):
    image = photos(imported_article)[0]
    template = Template('{% load news_images %}{% picture image fill-480x300 alt="" %}')
    before = template.render(Context({"image": image}))
    image.focal_point_x, image.focal_point_y = 10, 10
    image.focal_point_width = image.focal_point_height = 20
    image.save()
    after = template.render(Context({"image": get_image_model().objects.get(pk=image.pk)}))
    assert after != before


def test_a_listing_costs_no_rendition_lookup_once_remembered(client, section, imported_article):
    """Cards with lead photos: after the first render, their renditions need neither
    the renditions cache nor the database, however many cards there are."""
    image = photos(imported_article)[0]
    for number in range(4):
        page = ArticlePage(title=f"Tin có ảnh {number}", lead="Sapo.", lead_image=image)
        section.add_child(instance=page)
        page.save_revision().publish()
    prepare([image])
    client.get(section.url)
    # Wagtail alone would now look each card's renditions up in the database.
    for alias in caches:
        caches[alias].clear()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(section.url)
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "wagtailimages_rendition" in q["sql"]]
    assert response.content.decode().count("fill-480x300.format-webp") == 5
