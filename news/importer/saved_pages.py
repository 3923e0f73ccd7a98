"""Read saved HTML pages ("Save page as…": `Name.html` plus its `Name_files/` folder).

Old portals often export nothing but their pages. trafilatura finds the article's text
among the portal's menus, sidebars and footers (no per-site rules); the page's own markup
gives what trafilatura drops: each photo's caption (a `figure`/`figcaption`, a caption row
under the photo in a table, or the italic or centred line under it), the meta line with
the date and view count, and the byline box. The result is the same ParsedExport the text
parser makes, dates, view counts and bylines read by the same rules, so the writer treats
both alike; a caption block names its photo (`Block.image`) as a path relative to the page.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from os import PathLike
from pathlib import Path

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from .parser import (
    CAPTION,
    PARAGRAPH,
    VIETNAM_TZ,
    Block,
    ExportParseError,
    ParsedExport,
    parse_export,
    parse_meta,
)

MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_CAPTION_CHARS = 300
MAX_META_CHARS = 200  # a date / view-count line is never longer than this

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "td",
        "th",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "figcaption",
        "table",
        "tr",
        "blockquote",
        "section",
    ]
)
_CENTRED_RE = re.compile(r"text-align\s*:\s*center", re.I)
_CAPTION_CLASS_RE = re.compile(r"caption|(?:image|img|photo)[_-]?desc|chu[_-]?thich", re.I)
_TITLE_CLASS_RE = re.compile(r"title|tieu[_-]?de|headline", re.I)
_AUTHOR_CLASS_RE = re.compile(r"author|tac[_-]?gia|byline|signature", re.I)
_SAVED_FROM_RE = re.compile(r"saved from url=\(\d+\)(?P<url>https?://\S+)", re.I)
_SPACES_RE = re.compile(r"\s+")
_FILE_NAME_RE = re.compile(r"_|\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.I)


def parse_saved_page(path: str | PathLike[str]) -> ParsedExport:
    """Parse a saved page; raises ExportParseError with the reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise ExportParseError(f"page is {size} bytes, over {MAX_PAGE_BYTES}")
        data = path.read_bytes()
    except OSError as exc:
        raise ExportParseError(f"cannot read file: {exc.strerror or exc}") from exc
    return parse_page(data)


def parse_page(data: bytes | str) -> ParsedExport:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise ExportParseError("file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExportParseError("file contains NUL bytes: binary data, not an HTML page")
    tree = trafilatura.load_html(data)
    if tree is None or tree.find(".//body") is None:
        raise ExportParseError("file is not an HTML page (no <body>)")

    captions = _photo_captions(tree)
    main = trafilatura.extract(
        copy.deepcopy(tree),
        output_format="xml",
        include_images=False,
        include_tables=True,
        include_comments=False,
        include_formatting=False,
        favor_recall=True,
        with_metadata=True,
    )
    if not main:
        raise ExportParseError("no article text found in the page")
    doc = etree.fromstring(main.encode("utf-8"))
    title = _title(tree, doc.get("title") or "")
    if not title:
        raise ExportParseError("no title: the page has neither a heading nor a <title>")

    metas = _meta_lines(tree, title)
    paragraphs = list(_paragraphs(doc, title, metas))
    items = _main_items(tree, paragraphs, captions, title)
    paragraphs = [text for kind, text, _ in items if kind == PARAGRAPH]
    lines = [title, *metas, *paragraphs]
    byline = _byline_box(tree, paragraphs)
    if byline:
        lines.append(byline)
    parsed = parse_export("\n\n".join(line for line in lines if line))
    blocks = _with_captions(parsed, items)
    urls = tuple(dict.fromkeys((*parsed.original_urls, *_page_addresses(tree, data))))
    return dataclasses.replace(parsed, blocks=blocks, original_urls=urls)


# --------------------------------------------------------------------------- text


def _text(element: HtmlElement) -> str:
    return _SPACES_RE.sub(" ", "".join(element.itertext())).strip()


def _norm(text: str) -> str:
    """Text as the parser stores it, for matching its paragraphs to the page's items."""
    return _SPACES_RE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def _title(tree: HtmlElement, extracted: str) -> str:
    """The article heading: the heading (or title box) the page's <title> or og:title
    repeats; else a title box of five words or more (old portals' <title> is often just
    the site's name); else trafilatura's title, else the first heading."""
    titles = [_text(t) for t in tree.iterfind(".//title")]
    titles += [m.get("content", "") for m in tree.iterfind(".//meta[@property='og:title']")]
    headings = [_text(h) for h in tree.iter("h1", "h2", "h3")]
    boxes = [
        _text(e)
        for e in tree.iter(tuple(_BLOCK_TAGS | {"span", "a", "strong", "b"}))
        if _TITLE_CLASS_RE.search(e.get("class", "")) and e.find(".//img") is None
    ]
    for heading in (*headings, *boxes):
        if len(heading) >= 10 and any(heading.casefold() in t.casefold() for t in titles):
            return heading
    long_box = next((b for b in boxes if len(b.split()) >= 5 and len(b) <= 300), "")
    return long_box or extracted.strip() or next((h for h in headings if h), "")


def _meta_lines(tree: HtmlElement, title: str) -> list[str]:
    """The first line with the date and the first with the view count after the heading
    (a page header's "today" date comes before it); lines before it when none follows."""
    before: list[str] = []
    after: list[str] = []
    found = before
    for element in tree.iter(tuple(_BLOCK_TAGS | {"span", "time", "dd", "em", "i", "small"})):
        text = _text(element)
        if found is before and text == title:
            found = after
            continue
        if not text or len(text) > MAX_META_CHARS:
            continue
        try:
            meta = parse_meta(text)
        except ExportParseError:
            continue  # an impossible date in some widget: not the article's
        if meta is not None:
            found.append(text)
    for lines in (after, before):
        dated = next((line for line in lines if parse_meta(line)[0] is not None), "")
        counted = next((line for line in lines if parse_meta(line)[1] is not None), "")
        if dated or counted:
            return list(dict.fromkeys(line for line in (dated or _machine_date(tree), counted)))
    return [_machine_date(tree)]


def _machine_date(tree: HtmlElement) -> str:
    """The publication time a page gives only to machines (article:published_time,
    schema.org datePublished, <time datetime>), as a Vietnamese meta line; "" if none."""
    values = [
        m.get("content") for m in tree.iterfind(".//meta[@property='article:published_time']")
    ]
    values += [
        e.get("content") or e.get("datetime")
        for e in tree.iterfind(".//*[@itemprop='datePublished']")
    ]
    values += [t.get("datetime") for t in tree.iter("time")]
    for value in values:
        try:
            moment = datetime.fromisoformat((value or "").strip())
        except ValueError:
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(VIETNAM_TZ)
        return f"{moment:%d/%m/%Y %H:%M:%S}"
    return ""


def _byline_box(tree: HtmlElement, paragraphs: list[str]) -> str:
    """An author box outside the extracted text ("<div class='author'>Vũ Hưng</div>")."""
    kept = {_norm(p) for p in paragraphs}
    for element in tree.iter(tuple(_BLOCK_TAGS | {"span", "strong", "b", "em"})):
        marker = f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')}"
        if _AUTHOR_CLASS_RE.search(marker):
            text = _text(element)
            if text and len(text) <= 120 and _norm(text) not in kept:
                return text
    return ""


def _page_addresses(tree: HtmlElement, data: bytes) -> Iterator[str]:
    """Where the page lived: the browser's "saved from url" mark, canonical link, og:url."""
    head = data[:4096].decode("utf-8", "replace")
    if match := _SAVED_FROM_RE.search(head):
        yield match["url"]
    for link in tree.iterfind(".//link[@rel='canonical']"):
        if href := (link.get("href") or "").strip():
            yield href
    for meta in tree.iterfind(".//meta[@property='og:url']"):
        if content := (meta.get("content") or "").strip():
            yield content


# --------------------------------------------------------------------------- photos


def _photo_captions(tree: HtmlElement) -> dict[str, str]:
    """Caption of each photo, by its src, from the page's structure (its alt text when it
    has no caption but a described one)."""
    captions: dict[str, str] = {}
    for img in tree.iter("img"):
        src = _src(img)
        if src and src not in captions:
            captions[src] = _caption_of(img) or _described(img.get("alt") or "")
    return captions


def _src(img: HtmlElement) -> str:
    return (img.get("src") or img.get("data-src") or img.get("data-original") or "").strip()


def _described(alt: str) -> str:
    """An alt text that describes the photo ("Lễ rước kiệu qua đê"), not a file name."""
    alt = _SPACES_RE.sub(" ", alt).strip()
    words = alt.split()
    if len(words) < 3 or _FILE_NAME_RE.search(alt):
        return ""
    return _short(alt)


def _caption_of(img: HtmlElement) -> str:
    figure = next(img.iterancestors("figure"), None)
    if figure is not None:
        caption = figure.find(".//figcaption")
        if caption is not None:
            return _short(_text(caption))
    cell = next(img.iterancestors("td"), None)
    if cell is not None and (caption := _caption_row(cell)):
        return caption
    box = _photo_box(img)
    holder = box.getparent()
    # In the photo's own block: "<p align=center><img><br><em>caption</em></p>".
    if holder is not None and holder.tag in _BLOCK_TAGS:
        text = _text(holder)
        if text and _is_caption_styled(holder, text):
            return _short(text)
    # Or the next block: "<p><img></p><p style='text-align:center'><em>caption</em></p>".
    following = box.getnext()
    while following is not None and not _text(following) and following.find(".//img") is None:
        following = following.getnext()
    if following is not None and following.tag != "img" and following.find(".//img") is None:
        text = _text(following)
        if text and _is_caption_styled(following, text):
            return _short(text)
    return ""


def _photo_box(img: HtmlElement) -> HtmlElement:
    """The largest element around the photo that holds nothing else ("<p><a><img></a></p>")."""
    box = img
    parent = box.getparent()
    while (
        parent is not None
        and parent.tag not in ("body", "td", "figure")
        and not _text(parent)
        and len(parent.findall(".//img")) == 1
    ):
        box, parent = parent, parent.getparent()
    return box


def _caption_row(cell: HtmlElement) -> str:
    """An image table ("<table class='image'>"): the caption is the next row's text."""
    row = cell.getparent()
    following = row.getnext() if row is not None else None
    if following is not None and following.tag == "tr" and following.find(".//img") is None:
        return _short(_text(following))
    return ""


def _is_caption_styled(element: HtmlElement, text: str) -> bool:
    """Short, and italic throughout, centred, or marked as a caption by its class."""
    if len(text) > MAX_CAPTION_CHARS:
        return False
    if _CAPTION_CLASS_RE.search(element.get("class", "")):
        return True
    for node in (element, *element.iterdescendants()):
        centred = _CENTRED_RE.search(node.get("style", "")) or node.get("align") == "center"
        if centred and _norm(_text(node)) == _norm(text):
            return True
    italic = " ".join(
        _text(e)
        for e in element.iter("em", "i")
        if not any(a.tag in ("em", "i") for a in e.iterancestors())
    )
    return _norm(italic) == _norm(text)


def _short(text: str) -> str:
    return text if len(text) <= MAX_CAPTION_CHARS else ""


# --------------------------------------------------------------------------- main text


def _main_items(
    tree: HtmlElement, paragraphs: list[str], captions: dict[str, str], title: str
) -> list[tuple[str, str, str]]:
    """(kind, text, image src) in reading order: trafilatura's paragraphs, and the page's
    captioned photos that stand between the title and the article's last paragraph."""
    elements = list(tree.iter())
    texts: dict[int, str] = {}

    def text_at(index: int) -> str:
        if index not in texts:
            element = elements[index]
            texts[index] = _norm(_text(element)) if isinstance(element.tag, str) else ""
        return texts[index]

    heading = _norm(title)
    start = next(
        (i for i, e in enumerate(elements) if e.tag != "title" and text_at(i) == heading), 0
    )
    # (position in the page, order, kind, text, src); a paragraph not found as one element
    # (trafilatura joined or split it) keeps its place after the one before it.
    placed: list[tuple[int, int, str, str, str]] = []
    cursor = start
    last = -1
    for order, paragraph in enumerate(paragraphs):
        wanted = _norm(paragraph)
        found = next((i for i in range(cursor, len(elements)) if text_at(i) == wanted), None)
        if found is None and any(text_at(i) == wanted for i in range(start)):
            continue  # above the heading: a breadcrumb, a menu, the header's date
        if found is not None:
            cursor = last = found
        placed.append((cursor, order, PARAGRAPH, paragraph, ""))
        cursor += found is not None
    if last < 0:
        return [(PARAGRAPH, paragraph, "") for paragraph in paragraphs]
    photo_texts = set()
    for index in range(start, last):
        element = elements[index]
        if element.tag == "img" and (src := _src(element)) and captions.get(src):
            placed.append((index, -1, CAPTION, captions[src], src))
            photo_texts.add(_norm(captions[src]))
    placed.sort(key=lambda item: item[:2])
    return [
        (kind, text, src)
        for _, _, kind, text, src in placed
        if kind == CAPTION or _norm(text) not in photo_texts
    ]


_XML_BLOCKS = frozenset({"p", "head", "item", "quote", "cell", "row", "table", "list", "main"})


def _paragraphs(doc, title: str, metas: list[str]) -> Iterator[str]:
    """The text blocks trafilatura kept as the article, in order. A block holding blocks
    (a layout table's cell) gives its own text runs and each inner block apart; the
    heading and the meta line, when run into a block's text, are cut off."""
    main = doc.find("main")
    if main is None:
        return
    for text in _runs(main):
        for prefix in (title, *metas):
            if prefix and text.startswith(prefix):
                text = text[len(prefix) :].strip()
        if text:
            yield text


def _runs(element) -> Iterator[str]:
    run = [element.text or ""]
    for child in element:
        if child.tag in _XML_BLOCKS:
            yield from _flush(run)
            yield from _runs(child)
            run = [child.tail or ""]
        else:  # inline: highlighted text, links, line breaks
            run += [" " if child.tag == "lb" else "".join(child.itertext()), child.tail or ""]
    yield from _flush(run)


def _flush(run: list[str]) -> Iterator[str]:
    text = _SPACES_RE.sub(" ", "".join(run)).strip()
    if text:
        yield text


def _with_captions(parsed: ParsedExport, items: list[tuple[str, str, str]]) -> tuple[Block, ...]:
    """The parser's body with the page's photos put back before the paragraph they precede;
    photos above the lead come first in the body, as the lead is shown apart."""
    kept = [parsed.lead, *(block.text for block in parsed.blocks)]
    pending = [index for index, item in enumerate(items) if item[0] == CAPTION]
    blocks: list[Block] = []
    start = 0
    for number, text in enumerate(kept):
        here = _find(items, text, start)
        if here is not None:
            start = here + 1
            if number > 0:
                while pending and pending[0] < here:
                    _, caption, src = items[pending.pop(0)]
                    blocks.append(Block(CAPTION, caption, src))
        if number > 0:
            blocks.append(Block(PARAGRAPH, text))
    blocks += [Block(CAPTION, items[index][1], items[index][2]) for index in pending]
    return tuple(blocks)


def _find(items: list[tuple[str, str, str]], text: str, start: int) -> int | None:
    """Index of the page paragraph the parser kept as `text` (it may have cut chrome off)."""
    wanted = _norm(text)
    for index in range(start, len(items)):
        kind, item_text, _ = items[index]
        found = _norm(item_text)
        if kind == PARAGRAPH and (wanted in found or found in wanted):
            return index
    return None
