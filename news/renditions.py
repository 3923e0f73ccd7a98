"""Photos: Wagtail's `{% picture %}` tag, its markup remembered per process.

The templates draw photos with Wagtail's own `picture` tag: its syntax, its renditions
(`get_renditions_or_not_found`) and its markup (`wagtail.images.models.Picture`),
loaded from `news_images`, whose one difference is that the markup is remembered.
Wagtail alone looks the renditions up on every render: prefetched ones first, then the
"renditions" cache (Redis in production) with a `get_many`, then the database, and it
writes cache hits back with a `set_many`: two Redis round trips and the pickling of
every rendition, per photo. Rendition URLs never change for a given image file, focal
point and filter spec, so each process remembers the markup it drew under exactly that
key (and the tag's attributes): a page render then costs no lookup for its photos.
Editing an image's file or focal point changes the key. news/tests/test_renditions.py
holds the output to Wagtail's own tag.

`SPECS` repeats the filter specs the templates name, so `prepare_renditions` and the
importer make them before any reader asks; the same test checks every rendition a
page shows is one of these. The templates that name them:
* news/templates/news/includes/photo.html: a photo in the text (lead, captioned image);
* news/templates/news/includes/article_card.html: a card in a listing.
"""

from collections import OrderedDict

from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_renditions_or_not_found

PHOTO_SPECS = Filter.expand_spec("width-{480,800,1200}|format-{webp,jpeg}")
CARD_SPECS = Filter.expand_spec("fill-480x300|format-{webp,jpeg}")
SPECS = (*PHOTO_SPECS, *CARD_SPECS)
NOT_FOUND = "not-found"  # the file name of get_renditions_or_not_found's placeholders


def prepare(images) -> int:
    """Make every rendition the templates use for the given images; returns how many."""
    count = 0
    for image in images:
        image.get_renditions(*SPECS)
        count += 1
    return count


# Entries are small (a <picture> element's markup, or the social image's few fields);
# the bound keeps a worker's memory flat however much of the archive it serves.
_MEMO: OrderedDict = OrderedDict()
MEMO_SIZE = 4096


def memo_key(image, spec) -> tuple:
    return (
        image.pk,
        image.file.name,
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
        spec,
    )


def remembered(key: tuple, build):
    try:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    except KeyError:
        value = _MEMO[key] = build()
        if len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
        return value


def forget() -> None:
    """Empty this process's memo (tests start from nothing)."""
    _MEMO.clear()


def picture_html(image, specs: tuple[str, ...], attrs: dict, draw) -> str:
    """`draw(renditions)`'s markup for `image`, remembered for these specs and attributes.

    Without an alt attribute Wagtail writes the image's own alt text, so it is part of
    the key too. A missing source file gives Wagtail's placeholders, which are not
    remembered, so the photo comes back once the file does."""
    default_alt = None if "alt" in attrs else image.default_alt_text
    key = (
        memo_key(image, specs),
        tuple(sorted((name, str(value)) for name, value in attrs.items())),
        default_alt,
    )
    if key in _MEMO:
        return remembered(key, str)
    renditions = get_renditions_or_not_found(image, specs)
    html = draw(renditions)
    if all(rendition.file.name != NOT_FOUND for rendition in renditions.values()):
        remembered(key, lambda: html)
    return html
