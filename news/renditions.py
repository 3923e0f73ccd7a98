"""Image renditions: WebP with a JPEG fallback, in a few widths, made once.

Templates ask for a rendition "kind"; the same table drives `prepare_renditions`, which
makes them ahead of time (after an import, say), so a reader never waits for Pillow.
Wagtail stores each rendition the first time it is made and looks existing ones up in
one query per image (cached in the "renditions" cache in production).
"""

from collections import OrderedDict
from dataclasses import dataclass

FORMATS = ("webp", "jpeg")


@dataclass(frozen=True)
class Kind:
    resizes: tuple[str, ...]  # Wagtail resize filters, smallest first
    sizes: str  # the <img sizes> hint

    def specs(self) -> list[str]:
        return [f"{resize}|format-{fmt}" for fmt in FORMATS for resize in self.resizes]


KINDS = {
    "photo": Kind(("width-480", "width-800", "width-1200"), "(min-width: 48rem) 46rem, 100vw"),
    "card": Kind(("fill-480x300",), "(min-width: 48rem) 33vw, 100vw"),
}


# Rendition URLs never change for a given image file and focal point, so each process
# remembers the <picture> sources it built: a page render then costs no rendition lookup.
# Editing an image's file or focal point changes the key.
_MEMO: OrderedDict = OrderedDict()
MEMO_SIZE = 4096


def memo_key(image, kind_name: str) -> tuple:
    return (
        image.pk,
        image.file.name,
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
        kind_name,
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


def picture_sources(image, kind_name: str) -> dict:
    """The renditions of one image for a <picture>: WebP srcset, JPEG srcset and fallback."""
    return remembered(memo_key(image, kind_name), lambda: _build_sources(image, kind_name))


def _build_sources(image, kind_name: str) -> dict:
    kind = KINDS[kind_name]
    renditions = image.get_renditions(*kind.specs())

    def srcset(fmt: str) -> str:
        return ", ".join(
            f"{renditions[f'{r}|format-{fmt}'].url} {renditions[f'{r}|format-{fmt}'].width}w"
            for r in kind.resizes
        )

    fallback = renditions[f"{kind.resizes[min(1, len(kind.resizes) - 1)]}|format-jpeg"]
    return {
        "webp_srcset": srcset("webp"),
        "jpeg_srcset": srcset("jpeg"),
        "fallback": {"url": fallback.url, "width": fallback.width, "height": fallback.height},
        "sizes": kind.sizes,
    }


def prepare(images) -> int:
    """Make every kind's renditions for the given images; returns how many images."""
    count = 0
    for image in images:
        for kind in KINDS.values():
            image.get_renditions(*kind.specs())
        count += 1
    return count
