"""Parse plain-text article exports from older Vietnamese provincial news portals.

The portals ("Cổng thông tin điện tử") export an article as plain text shaped roughly like::

    <title>
    <meta line: date, time and/or view count, often mixed with page chrome>
    <lead paragraph (the "sapo")>
    <body paragraphs, photo captions as short paragraphs of their own>
    <byline, e.g. "Vũ Hưng", "Minh Anh - Trung tâm Văn hóa" or "Nguồn tin: Báo Bắc Ninh">
    <portal chrome: visitor counters, related-article lists, footer>

Every step is a heuristic, but a deterministic one, and the module depends on the
standard library only (no Django), so it can be used and tested on its own.
"""

from __future__ import annotations

import codecs
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from os import PathLike
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "CAPTION",
    "PARAGRAPH",
    "VIETNAM_TZ",
    "Block",
    "Byline",
    "ExportParseError",
    "ParsedExport",
    "parse_export",
    "parse_meta",
    "parse_file",
]


def _vietnam_tz() -> tzinfo:
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:  # no tz database on this machine: same offset, fixed
        return timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


VIETNAM_TZ = _vietnam_tz()

PARAGRAPH = "paragraph"
CAPTION = "caption"

MAX_TITLE_CHARS = 300
MAX_CAPTION_CHARS = 200
MAX_SIGNATURE_CHARS = 120  # a byline / source line is never longer than this
MAX_TAIL_SIGNATURES = 5  # byline-ish lines looked at, counting up from the end
MAX_NAME_WORDS = 6
CAPTION_TO_BODY_RATIO = 0.6  # a guessed caption is at most this share of a body paragraph
BINARY_CHAR_SHARE = 0.02


# --------------------------------------------------------------------------- public API


class ExportParseError(ValueError):
    """The export cannot be parsed; the message is a short English reason."""


@dataclass(frozen=True)
class Byline:
    name: str
    organisation: str = ""


@dataclass(frozen=True)
class Block:
    kind: str  # PARAGRAPH or CAPTION
    text: str
    image: str = ""  # a caption's photo, as the export names it (saved HTML pages only)

    def __post_init__(self) -> None:
        if self.kind not in (PARAGRAPH, CAPTION):
            raise ValueError(f"unknown block kind {self.kind!r}")


@dataclass(frozen=True)
class ParsedExport:
    title: str
    published_at: datetime | None  # timezone-aware, Asia/Ho_Chi_Minh
    view_count: int | None
    lead: str  # first body paragraph
    blocks: tuple[Block, ...]  # the rest of the body, in order
    bylines: tuple[Byline, ...]
    source: str = ""  # from "Nguồn tin: ..." / "Nguồn: ..." / "Theo ..."
    # The article's addresses on the old portal ("URL: https://..."), first seen first.
    original_urls: tuple[str, ...] = ()

    @property
    def captions(self) -> tuple[str, ...]:
        return tuple(block.text for block in self.blocks if block.kind == CAPTION)


def parse_file(path: str | PathLike[str]) -> ParsedExport:
    """Read an export (UTF-8, with or without BOM) and parse it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ExportParseError(f"cannot read file: {exc.strerror or exc}") from exc
    return parse_export(_decode(data))


def parse_export(text: str) -> ParsedExport:
    """Parse the text of one export; raises ExportParseError with the reason."""
    if isinstance(text, bytes | bytearray):
        text = _decode(bytes(text))
    lines, original_urls = _take_original_urls(_prepare_lines(text))
    title, body_start, pre_title_meta = _take_title(lines)
    title, title_meta = _split_title_meta(title)
    body = _collect_body(lines[body_start:])

    paragraphs, tail_bylines, tail_source = _extract_tail_signatures(body.paragraphs)
    if not paragraphs:
        raise ExportParseError("no body text after the title")
    lead, blocks = _build_blocks(paragraphs)

    metas = [m for m in (title_meta, *body.metas, pre_title_meta) if m is not None]
    return ParsedExport(
        title=title,
        published_at=next((m.published_at for m in metas if m.published_at), None),
        view_count=next((m.view_count for m in metas if m.view_count is not None), None),
        lead=lead,
        blocks=blocks,
        bylines=_unique([*body.bylines, *(b for m in metas for b in m.bylines), *tail_bylines]),
        source=next((s for s in (body.source, *(m.source for m in metas), tail_source) if s), ""),
        original_urls=original_urls,
    )


def parse_meta(text: str) -> tuple[datetime | None, int | None] | None:
    """(date, view count) of a stand-alone meta line such as "13/03/2020 08:12 Lượt xem: 161";
    None when the line holds anything else. Raises ExportParseError for an impossible date."""
    lines = _prepare_lines(text)
    if len(lines) != 1:
        return None
    meta = _parse_meta_line(_remove_chrome(lines[0].text) or lines[0].text)
    return None if meta is None else (meta.published_at, meta.view_count)


# --------------------------------------------------------------------------- decoding


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ExportParseError(
                f"file has a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason})"
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = f"undecodable byte 0x{data[exc.start]:02x} at offset {exc.start}"
        if _looks_binary(data):
            raise ExportParseError(
                f"file looks like binary data, not a UTF-8 text export ({where})"
            ) from exc
        raise ExportParseError(f"file is not valid UTF-8 text: {where}") from exc


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes: an image, an archive, a document format."""
    controls = sum(1 for byte in data if byte < 0x20 and byte not in b"\t\n\r\f\v")
    return b"\x00" in data or controls > len(data) * BINARY_CHAR_SHARE


# UTF-8 Vietnamese that was once decoded as Windows-1252 ("Cá»¥m thi Ä‘ua").
_MOJIBAKE_RE = re.compile("á»|áº|Ä‘|Ä\u0090|Æ°|Æ¡|Ã¡|Ã¢|Ãª|Ã´|Ã³|Ã\u00ad")


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Windows-1252 / Latin-1 somewhere along the way."""
    if len(_MOJIBAKE_RE.findall(text)) < 3:
        return text
    raw = bytearray()
    for ch in text:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return text  # not a byte-for-byte misreading: leave the text alone
            raw.append(ord(ch))  # bytes that cp1252 leaves undefined pass through as-is
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


# --------------------------------------------------------------------------- lines

_LINE_BREAK_RE = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# A few stray control characters (BEL, ESC, DEL, C1) in otherwise good text are dropped;
# many of them mean binary data and the file is refused first.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES_RE = re.compile(r"[^\S\n]+")  # any whitespace but newlines, NBSP included
_LETTER_RE = re.compile(r"[^\W\d_]")
_ALNUM_RE = re.compile(r"[^\W_]")
_DIGIT_RE = re.compile(r"\d")
_TERMINAL_RE = re.compile(r"[.!?…:;\"”’)\]]$")
_LIST_ITEM_RE = re.compile(r"^(?:[-+•*–—·]|\d{1,2}[.)]|[a-zđ][.)])\s")


@dataclass(frozen=True)
class _Line:
    text: str
    after_blank: bool  # a blank line (or the start of the file) comes right before it


def _prepare_lines(text: str) -> list[_Line]:
    """Normalise the text and split it into stripped, non-empty lines."""
    if not text or not text.strip():
        raise ExportParseError("file is empty")
    text = unicodedata.normalize("NFC", _repair_mojibake(text))
    text = _INVISIBLE_RE.sub("", text)
    text = _LINE_BREAK_RE.sub("\n", text)
    _reject_binary(text)
    text = _CONTROL_RE.sub("", text)
    lines: list[_Line] = []
    after_blank = True
    for raw in text.split("\n"):
        line = _SPACES_RE.sub(" ", raw).strip()
        if not line:
            after_blank = True
            continue
        lines.append(_Line(line, after_blank))
        after_blank = False
    if not lines:
        raise ExportParseError("file is empty")
    return lines


def _reject_binary(text: str) -> None:
    if "\x00" in text:
        raise ExportParseError("file contains NUL bytes: binary data, not a text export")
    # Counted per distinct character: a 30,000-character article has a few hundred.
    counts = Counter(text)
    garbage = sum(n for ch, n in counts.items() if _is_garbage_char(ch))
    visible = sum(n for ch, n in counts.items() if not ch.isspace())
    if garbage and garbage > max(2, visible * BINARY_CHAR_SHARE):
        raise ExportParseError(
            f"file looks like binary data: {garbage} of {visible} characters "
            "are control or undecodable characters"
        )


def _is_garbage_char(ch: str) -> bool:
    if ch == "\ufffd":
        return True
    return ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")


def _continues(previous: str, line: _Line) -> bool:
    """A hard-wrapped line: no blank line before it, previous text unfinished, starts lowercase."""
    text = line.text
    return (
        not line.after_blank
        and not _TERMINAL_RE.search(previous)
        and text[0].islower()
        and not _LIST_ITEM_RE.match(text)
    )


# --------------------------------------------------------------------------- original address

# "URL: https://...", "Nguồn: https://...", "Link gốc: ...": the article's address on the old
# portal. Only a web address counts: "Nguồn: Báo Bắc Ninh" names a source agency instead.
_URL_LINE_RE = re.compile(
    r"^[(\[]?\s*(?:url|link|link\s+gốc|link\s+bài\s+viết|link\s+bài\s+gốc|địa\s+chỉ\s+bài\s+viết"
    r"|bài\s+gốc|nguồn|nguồn\s+tin|nguồn\s+bài\s+viết|original\s+url|source)\s*[:：]\s*"
    r"<?(?P<url>https?://[^\s<>()\[\]]+)>?\s*[)\]]?\s*\.?$",
    re.I,
)


def _take_original_urls(lines: list[_Line]) -> tuple[list[_Line], tuple[str, ...]]:
    """Remove the labelled web-address lines and return their addresses."""
    urls = [match["url"] for line in lines if (match := _URL_LINE_RE.match(line.text))]
    if not urls:
        return lines, ()
    kept = [line for line in lines if not _URL_LINE_RE.match(line.text)]
    return kept, tuple(dict.fromkeys(url.rstrip(".,;") for url in urls))


# --------------------------------------------------------------------------- portal chrome


def _phrases(text: str) -> tuple[str, ...]:
    """Phrases written as "a | b | c" (spread over lines as needed)."""
    return tuple(" ".join(part.split()) for part in text.split("|") if part.strip())


def _words_pattern(phrases: tuple[str, ...]) -> str:
    """Alternation of phrases, longest first, any run of spaces between words."""
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in ordered)


# Buttons and links that portals print around an article.
_CHROME_PHRASES = _phrases(
    """
    thống kê truy cập | xem với cỡ chữ | cỡ chữ | tăng cỡ chữ | giảm cỡ chữ | kích thước chữ |
    phóng to | thu nhỏ | in bài viết | in bài này | in bài | in trang | in tin | in | bản in |
    bản để in | print | gửi email | gửi e-mail | gửi mail | gửi bài viết | gửi bài | gửi tin |
    gửi cho bạn bè | gửi bạn bè | email | e-mail | chia sẻ bài viết | chia sẻ | share |
    facebook | twitter | zalo | tweet | like | google+ | quay lại | quay về | trở về | trở lại |
    về trang trước | trang trước | back | đầu trang | lên đầu trang | về đầu trang | top |
    lưu bài viết | lưu tin | lưu | đánh giá bài viết | bình chọn | nghe đọc bài |
    nghe bài viết | đọc bài viết | nghe | tải về | tải file | trang chủ | home
    """
)
_CHROME_PHRASE_RE = re.compile(rf"(?<!\w)(?:{_words_pattern(_CHROME_PHRASES)})(?!\w)", re.I)
# Font-size controls: "A A A", "A- A A+", "[A] [A]".
_FONT_CONTROL_RE = re.compile(r"(?<!\S)[\[(]?A[+\-−]?[\])]?(?!\S)")

# Site-wide visitor counters: "Trực tuyến : 4646", "Đã truy cập : 43712467", "Hôm nay: 1.234".
_COUNTER_LABELS = _phrases(
    """
    thống kê truy cập | trực tuyến | đang trực tuyến | đang truy cập | đang online | đang xem |
    online | hôm nay | hôm qua | tuần này | tuần trước | tháng này | tháng trước | năm nay |
    năm trước | tất cả | tổng | tổng cộng | tổng truy cập | tổng lượt truy cập |
    tổng số lượt truy cập | tổng số truy cập | lượt truy cập | số lượt truy cập | đã truy cập |
    truy cập hôm nay | người online | khách | thành viên | visitors | visitor | visits | hits |
    total | today | yesterday
    """
)
_COUNTER_LABEL_RE = re.compile(rf"^(?:{_words_pattern(_COUNTER_LABELS)})(?!\w)", re.I)
_COUNTER_UNIT_RE = re.compile(r"(?<!\w)(?:lượt|người|khách|lần|visits?|users?)(?!\w)", re.I)

_BREADCRUMB_RE = re.compile(r"^(?:trang\s+chủ|home)\s*(?:[>»›/|\-–]|$)", re.I)
# Tag lists and inline "see also" links, dropped wherever they are.
_TAGS_RE = re.compile(
    r"^(?:từ\s+khóa|từ\s+khoá|tags?|keywords?|xem\s+thêm|đọc\s+thêm)\s*(?:[:：>»]|$)", re.I
)
_PIPE_SPLIT_RE = re.compile(r"\s*\|\s*")

# Headings after which nothing belongs to the article (related lists, comments, counters).
_CUT_HEADINGS = _phrases(
    """
    tin liên quan | các tin liên quan | bài liên quan | bài viết liên quan | tin bài liên quan |
    các bài liên quan | các tin khác | tin khác | các bài khác | bài khác | các bài viết khác |
    tin đã đưa | các tin đã đưa | các tin đã đưa ngày | tin cùng chuyên mục |
    các tin cùng chuyên mục | bài cùng chuyên mục | cùng chuyên mục | tin cùng loại |
    tin mới hơn | tin cũ hơn | các tin mới hơn | các tin cũ hơn | các tin mới | các tin cũ |
    tin mới nhất | tin mới | tin đọc nhiều | tin đọc nhiều nhất | tin xem nhiều |
    tin xem nhiều nhất | tin nổi bật | ý kiến bạn đọc | ý kiến của bạn | gửi ý kiến |
    gửi ý kiến của bạn | gửi bình luận | bình luận | thống kê truy cập
    """
)
_CUT_RE = re.compile(
    rf"^(?:{_words_pattern(_CUT_HEADINGS)})(?!\w)\s*(?:\(\d+\))?\s*(?:[:：].*)?$", re.I
)
_FOOTER_RE = re.compile(
    r"^(?:©|copyright\b|bản\s+quyền\s+(?:thuộc|©|\d)|(?:cơ\s+quan\s+)?chủ\s+quản\s*:"
    r"|chịu\s+trách\s+nhiệm(?:\s+chính)?\s*:|giấy\s+phép(?:\s+số)?\s*:?\s*\d"
    r"|địa\s+chỉ\s*:.*(?:điện\s+thoại|đt|fax|email))",
    re.I,
)
# Site headers above the title: "CỔNG THÔNG TIN ĐIỆN TỬ TỈNH BẮC NINH", "Cổng TTĐT tỉnh Bắc Ninh".
_PORTAL_HEADER_RE = re.compile(
    r"^(?:cổng|trang)\s+(?:thông\s+tin\s+điện\s+tử|TTĐT)"
    r"(?:\s+(?:tỉnh|thành\s+phố|TP\.?|huyện|thị\s+xã|quận))?(?P<place>(?:\s+\S+)*)$",
    re.I,
)
_NAV_TRAIL_RE = re.compile(r"\s[>»›]\s")


def _is_counter_line(text: str) -> bool:
    match = _COUNTER_LABEL_RE.match(text)
    if not match:
        return False
    rest = _remove_dates_and_times(text[match.end() :])
    rest = _COUNTER_UNIT_RE.sub(" ", _WEEKDAY_RE.sub(" ", rest))
    return not _LETTER_RE.search(rest)


def _is_chrome_fragment(text: str) -> bool:
    """True when the text is nothing but portal buttons, counters or navigation."""
    if _is_counter_line(text) or _BREADCRUMB_RE.match(text) or _TAGS_RE.match(text):
        return True
    rest, phrases = _CHROME_PHRASE_RE.subn(" ", text)
    rest, controls = _FONT_CONTROL_RE.subn(" ", rest)
    return phrases + controls > 0 and not _LETTER_RE.search(rest)


def _remove_chrome(text: str) -> str:
    """Drop chrome lines, or chrome segments of a "|"-separated line; "" when nothing is left."""
    if _is_chrome_fragment(text):
        return ""
    if "|" not in text:
        return text
    parts = _PIPE_SPLIT_RE.split(text)
    kept = [part for part in parts if part and not _is_chrome_fragment(part)]
    if len(kept) == len(parts):
        return text
    return " | ".join(kept)


def _is_pre_title_chrome(text: str) -> bool:
    """Lines that portals put above the title: site name, breadcrumbs, navigation."""
    header = _PORTAL_HEADER_RE.match(text)
    if header:
        place = header["place"].split()
        if text.isupper() or (len(place) <= 4 and all(w[0].isupper() for w in place)):
            return True
    return bool(_NAV_TRAIL_RE.search(text)) and len(text) <= 120 and not _TERMINAL_RE.search(text)


# --------------------------------------------------------------------------- meta lines

_NUMBER = r"(?:\d{1,3}(?:[.,]\d{3})+|\d+)(?!\d)"
_VIEW_LABEL = r"(?:số\s+)?(?:lượt|lần)\s+(?:xem|đọc)|đã\s+xem|lượt\s+views?|views?|xem(?=\s*[:：])"
_VIEW_COUNT_RE = re.compile(rf"(?<!\w)(?:{_VIEW_LABEL})\s*[:：]?\s*(?P<n>{_NUMBER})", re.I)
_VIEW_COUNT_AFTER_RE = re.compile(
    rf"(?<![\d.,])(?P<n>{_NUMBER})\s*(?:lượt\s+(?:xem|đọc)|lần\s+xem|views?)(?!\w)", re.I
)
_DATE_DMY_RE = re.compile(
    r"(?<![\d/.\-])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?!\d)(?![/.\-]\d)"
)
# "13 / 03 / 2020", "16 . 05 . 2021", "13. 03. 2020": spaced separators, four-digit year only.
_DATE_DMY_SPACED_RE = re.compile(
    r"(?<![\d/.\-])(?P<d>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4})"
    r"(?!\d)(?![/.\-]\d)"
)
_DATE_YMD_RE = re.compile(
    r"(?<![\d/.\-])(?P<y>\d{4})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
)
_MONTH_NAMES = {
    "một": 1, "giêng": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12,
}  # fmt: skip
_MONTH_WORDS = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
# "ngày 6 tháng 3 năm 2023", "25 Tháng 1 2022" (Joomla), "12 Tháng Năm 2021", "12 tháng 5, 2021".
_DATE_TEXT_RE = re.compile(
    rf"(?<![\d/.\-])(?P<d>\d{{1,2}})\s+tháng\s+(?:(?P<m>\d{{1,2}})|(?P<mw>{_MONTH_WORDS}))"
    r"(?:\s*,)?\s+(?:năm\s+)?(?P<y>\d{4})(?!\d)",
    re.I,
)
_DATE_RES = (_DATE_TEXT_RE, _DATE_YMD_RE, _DATE_DMY_RE, _DATE_DMY_SPACED_RE)
_ISO_T_RE = re.compile(r"(?<=\d)T(?=\d{1,2}:\d{2})")
_TIME_RE = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2})\s*(?::|h|giờ)\s*(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?!\d)"
    r"(?:\s*(?P<ampm>AM|PM|SA|CH|sáng|chiều|tối)(?!\w))?",
    re.I,
)
_WEEKDAY_RE = re.compile(
    r"(?<!\w)(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|CN|T[2-7])(?!\w)", re.I
)
_META_LABELS = _phrases(
    """
    ngày đăng | ngày đăng tải | đăng ngày | đăng lúc | đăng tải | đăng | ngày cập nhật |
    tin đăng ngày | tin đăng lúc | tin đăng | ngày đăng tin | đăng tin |
    cập nhật | cập nhật lúc | cập nhật ngày | cập nhật lần cuối | ngày xuất bản | xuất bản |
    xuất bản lúc | ngày phát hành | thời gian | thời gian đăng | ngày viết | ngày | lúc |
    vào lúc | posted | posted on | published | updated | date
    """
)
_META_LABEL_RE = re.compile(rf"(?<!\w)(?:{_words_pattern(_META_LABELS)})(?!\w)", re.I)
_POSTER_RE = re.compile(r"(?<!\w)(?:đăng\s+bởi|người\s+đăng|posted\s+by)\s*[:：]?[^|]*", re.I)
_TZ_RE = re.compile(r"\(?(?:GMT|UTC)\s*[+\-]\s*\d{1,2}(?::?\d{2})?\)?", re.I)


@dataclass(frozen=True)
class _Meta:
    published_at: datetime | None = None
    view_count: int | None = None
    bylines: tuple[Byline, ...] = ()
    source: str = ""


def _first_date(text: str) -> re.Match[str] | None:
    matches = [m for regex in _DATE_RES if (m := regex.search(text))]
    return min(matches, key=lambda m: m.start()) if matches else None


def _remove_dates_and_times(text: str) -> str:
    for regex in (*_DATE_RES, _TIME_RE):
        text = regex.sub(" ", text)
    return text


def _parse_meta_line(text: str, *, head: bool = False) -> _Meta | None:
    """Meta when the line is only date, time, view count, labels and chrome; else None.

    In the head (between title and lead) a meta line may also carry the author
    ("Vũ Hưng | 13/03/2020") or a dateline ("Bắc Ninh, 13/03/2020").
    Raises ExportParseError for a meta line whose date or time is impossible.
    """
    # "Tác giả: X" / "Nguồn: X" segments of a meta line become bylines / source.
    signatures: list[_Signature] = []
    kept: list[str] = []
    for part in _PIPE_SPLIT_RE.split(text):
        signature = None
        if _LABEL_START_RE.match(part):
            signature = _parse_signature(part, require_label=True)
        if signature is not None and not signature.credit_only:
            signatures.append(signature)
        elif head:
            kept.extend(_HEAD_DASH_RE.split(part))  # "13/03/2020 - Vũ Hưng"
        else:
            kept.append(part)
    if head and len(kept) > 1:
        names = [None if _WEEKDAY_RE.search(part) else _split_names(part) for part in kept]
        signatures += [_Signature(tuple(map(Byline, n[0]))) for n in names if n and not n[1]]
        kept = [part for part, n in zip(kept, names, strict=True) if not n or n[1]]
    rest = _ISO_T_RE.sub(" ", " | ".join(kept))

    view_count = None
    count = _VIEW_COUNT_RE.search(rest) or _VIEW_COUNT_AFTER_RE.search(rest)
    if count:
        view_count = int(re.sub(r"[.,]", "", count["n"]))
        rest = rest[: count.start()] + " " + rest[count.end() :]
    date_match = _first_date(rest)
    times = list(_TIME_RE.finditer(rest))
    if view_count is None and date_match is None:
        return None
    leftover = _remove_dates_and_times(rest)
    for regex in (
        _POSTER_RE,
        _TZ_RE,
        _META_LABEL_RE,
        _WEEKDAY_RE,
        _CHROME_PHRASE_RE,
        _COUNTER_UNIT_RE,
    ):
        leftover = regex.sub(" ", leftover)
    leftover = _FONT_CONTROL_RE.sub(" ", leftover)
    if _ALNUM_RE.search(leftover) and not (head and _is_dateline(leftover)):
        return None

    published_at = None
    if date_match is not None:
        nearest = min(times, key=lambda t: abs(t.start() - date_match.start()), default=None)
        published_at = _build_datetime(date_match, nearest)
    return _Meta(
        published_at=published_at,
        view_count=view_count,
        bylines=tuple(b for s in signatures for b in s.bylines),
        source=next((s.source for s in signatures if s.source), ""),
    )


def _is_dateline(text: str) -> bool:
    """A place name left over from "Bắc Ninh, 13/03/2020"."""
    text = text.strip(" ,.-–—|()")
    return not _DIGIT_RE.search(text) and _is_person_name(text) and len(text.split()) <= 4


def _build_datetime(date_match: re.Match[str], time_match: re.Match[str] | None) -> datetime:
    groups = date_match.groupdict()
    day, year = int(groups["d"]), int(groups["y"])
    month = int(groups["m"]) if groups["m"] else _MONTH_NAMES[groups["mw"].lower()]
    if len(date_match["y"]) == 2:
        year += 2000 if year < 70 else 1900
    try:
        day_value = date(year, month, day)
    except ValueError:
        raise ExportParseError(f"unparseable date '{date_match.group(0)}'") from None
    hour = minute = second = 0
    if time_match is not None:
        hour, minute = int(time_match["h"]), int(time_match["mi"])
        second = int(time_match["s"] or 0)
        hour = _to_24_hour(hour, (time_match["ampm"] or "").lower(), time_match.group(0))
        if hour > 23 or minute > 59 or second > 59:
            raise ExportParseError(f"unparseable time '{time_match.group(0).strip()}'")
    return datetime(
        day_value.year, day_value.month, day_value.day, hour, minute, second, tzinfo=VIETNAM_TZ
    )


def _to_24_hour(hour: int, marker: str, raw: str) -> int:
    if not marker:
        return hour
    if marker in ("pm", "ch", "chiều", "tối") and 12 < hour <= 23:
        return hour  # "14:30 PM": already on the 24-hour clock
    if not 1 <= hour <= 12:
        raise ExportParseError(f"unparseable time '{raw.strip()}'")
    if marker in ("am", "sa", "sáng"):
        return 0 if hour == 12 else hour
    return hour if hour == 12 else hour + 12


# --------------------------------------------------------------------------- title and body

_TITLE_TRAILING_META_RE = re.compile(r"^(?P<title>.*?\S)\s*(?P<meta>\([^()]*\d[^()]*\))$")
_TITLE_TRAILING_PIPE_RE = re.compile(r"^(?P<title>.*?\S)\s+\|\s+(?P<meta>[^|]*\d[^|]*)$")
_TITLE_SITE_SUFFIX_RE = re.compile(
    r"\s+[|\-–—]\s+(?:cổng|trang)\s+(?:thông\s+tin\s+điện\s+tử|TTĐT)\b.*$", re.I
)


def _take_title(lines: list[_Line]) -> tuple[str, int, _Meta | None]:
    """The first real text line (hard wraps joined), the index after it, meta seen before it."""
    pre_title_meta = None
    for index, line in enumerate(lines):
        text = _remove_chrome(line.text)
        if not text or _is_pre_title_chrome(text) or _CUT_RE.match(text):
            continue
        meta = _parse_meta_line(text)
        if meta is not None:
            pre_title_meta = pre_title_meta or meta
            continue
        if not _LETTER_RE.search(text):
            continue
        end = index + 1
        while end < len(lines) and _continues(text, lines[end]) and _is_plain(lines[end].text):
            text = f"{text} {lines[end].text}"
            end += 1
        if len(text) > MAX_TITLE_CHARS:
            raise ExportParseError(
                f"title line is too long ({len(text)} characters, at most "
                f"{MAX_TITLE_CHARS}): the export seems to have no title line"
            )
        return text, end, pre_title_meta
    raise ExportParseError("no title line: the file has no text besides dates and portal chrome")


def _is_plain(text: str) -> bool:
    return not _is_chrome_fragment(text) and _parse_meta_line(text) is None


def _split_title_meta(title: str) -> tuple[str, _Meta | None]:
    """Split "Title (15:32 | 22/01/2024)" and drop a " - Cổng thông tin điện tử ..." suffix."""
    title = _TITLE_SITE_SUFFIX_RE.sub("", title).strip()
    for regex in (_TITLE_TRAILING_META_RE, _TITLE_TRAILING_PIPE_RE):
        match = regex.match(title)
        if match and (meta := _parse_meta_line(match["meta"])) is not None:
            return match["title"], meta
    return title, None


@dataclass
class _Body:
    paragraphs: list[str] = field(default_factory=list)
    metas: list[_Meta] = field(default_factory=list)
    bylines: list[Byline] = field(default_factory=list)
    source: str = ""


def _collect_body(lines: list[_Line]) -> _Body:
    """Body paragraphs with chrome, meta lines and trailing portal sections removed."""
    body = _Body()
    previous_kept = False  # the line right before this one became (part of) a paragraph
    for line in lines:
        text = _remove_chrome(line.text)
        kept = False
        if not text:
            pass
        elif _CUT_RE.match(text) or _FOOTER_RE.match(text):
            if body.paragraphs:
                break  # related lists, comments, counters, footer: the article is over
        elif (meta := _parse_meta_line(text, head=not body.paragraphs)) is not None:
            body.metas.append(meta)
        elif not body.paragraphs and _take_head_signature(text, body):
            pass
        elif not _LETTER_RE.search(text):
            pass  # separators such as "***" or a lone "./."
        elif previous_kept and _continues(body.paragraphs[-1], line):
            body.paragraphs[-1] = f"{body.paragraphs[-1]} {text}"
            kept = True
        else:
            body.paragraphs.append(text)
            kept = True
        previous_kept = kept
    return body


def _take_head_signature(text: str, body: _Body) -> bool:
    """A labelled byline or source between title and lead ("Tác giả: ...", "Nguồn: ...")."""
    if not _LABEL_START_RE.match(text):
        return False
    signature = _parse_signature(text, require_label=True)
    if signature is None or signature.credit_only:
        return False
    body.bylines.extend(signature.bylines)
    body.source = body.source or signature.source
    return True


def _unique(bylines: list[Byline]) -> tuple[Byline, ...]:
    return tuple(dict.fromkeys(bylines))


# --------------------------------------------------------------------------- bylines

_SIGNATURE_LABELS = {
    **dict.fromkeys(
        _phrases(
            """
            tác giả | người viết | thực hiện | nhóm thực hiện | phóng viên | bài | tin |
            bài và ảnh | bài, ảnh | bài/ảnh | bài & ảnh |
            tin và ảnh | tin, ảnh | tin/ảnh | tin & ảnh | t/h | tổng hợp
            """
        ),
        "person",
    ),
    **dict.fromkeys(_phrases("ảnh | nguồn ảnh | ảnh minh họa | ảnh minh hoạ"), "credit"),
    **dict.fromkeys(_phrases("nguồn tin | nguồn | theo"), "source"),
}
_LABEL_PATTERN = "|".join(
    r"\s*".join(re.escape(token) for token in re.findall(r"\w+|[^\w\s]", label))
    for label in sorted(_SIGNATURE_LABELS, key=len, reverse=True)
)
_SIGNATURE_LABEL_RE = re.compile(rf"(?<!\w)(?P<label>{_LABEL_PATTERN})\s*[:：]\s*", re.I)
_SQUEEZED_LABELS = {re.sub(r"\s+", "", label): label for label in _SIGNATURE_LABELS}
_LABEL_START_RE = re.compile(rf"^[(\[]?\s*(?:{_LABEL_PATTERN})\s*[:：]", re.I)
_THEO_RE = re.compile(r"^theo\s+(?P<source>[^:：].*)$", re.I)
_SEPARATORS = " \t-–—|,;/"

# Notes after a name that are not an organisation: "(tổng hợp)", "(t/h)", "(st)".
_AUTHOR_NOTE_RE = re.compile(
    r"\(\s*(?:t/h|th|tổng\s+hợp|st|s/t|sưu\s+tầm|lược\s+dịch|dịch|biên\s+dịch|tổng\s+hợp\s+từ[^)]*)"
    r"\s*\)",
    re.I,
)
_TRAILING_PARENS_RE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<org>[^()]+)\)$")
_DASH_SEP_RE = re.compile(r"\s+[-–—]\s+")
# In a meta line, a dash between two numbers belongs to a date ("13 - 03 - 2020").
_HEAD_DASH_RE = re.compile(r"(?<!\d)\s+[-–—]\s+|\s+[-–—]\s+(?!\d)")
# "Hà Linh-TTXVN", "Hà Linh -TTXVN": a hyphen with no space on one side or both.
_TIGHT_DASH_RE = re.compile(r"\s*[-–—]\s*")
_NAME_SEP_RE = re.compile(r"(\s*[,;&]\s*|\s+(?i:và)\s+)")
_INITIALS_RE = re.compile(r"(?:[A-ZĐ]\.){1,4}[A-ZĐ]?\.?|[A-ZĐ]{1,6}")
_DOTTED_NAME_RE = re.compile(r"(?:[A-ZĐ]\.){1,3}[^\W\d_]+")
_NOT_NAMES = frozenset(
    _phrases(
        """
        hết | còn nữa | còn tiếp | kết thúc | xem tiếp | video | clip | ảnh | tin | bài | nguồn |
        xin cảm ơn | trân trọng | trân trọng cảm ơn | thông báo | lưu ý | ghi chú
        """
    )
)
# First words of an organisation: "Trung tâm Văn hóa", "Sở Nội vụ", "Báo Bắc Ninh", "UBND xã".
_ORG_WORDS = _phrases(
    """
    trung tâm | sở | phòng | ban | báo | đài | hội | huyện ủy | huyện uỷ | tỉnh ủy | tỉnh uỷ |
    thành ủy | thành uỷ | đảng ủy | đảng uỷ | quận ủy | ubnd | hđnd | mttq | ubmttq | ủy ban |
    uỷ ban | công ty | tổng công ty | tập đoàn | trường | bệnh viện | văn phòng | cục |
    chi cục | tổng cục | bộ | viện | học viện | đoàn thanh niên | tỉnh đoàn | huyện đoàn |
    thành đoàn | liên đoàn | liên minh | liên hiệp | hiệp hội | câu lạc bộ | clb | cổng |
    trang thông tin | tạp chí | thông tấn xã | ttxvn | ngân hàng | công an | kho bạc |
    chi nhánh | chi hội | chi bộ | chi đoàn | bql | cơ quan | nhà văn hóa | nhà văn hoá |
    thư viện | bảo tàng | hợp tác xã | htx | tòa án | toà án | tand | viện kiểm sát | vksnd |
    hạt kiểm lâm | đồn biên phòng | bộ đội | quân đội | quân khu | xã | phường | thị trấn |
    huyện | thị xã | thành phố | tp | tỉnh | quận | công đoàn | đài ptth | bbt | ctv |
    vov | vtv | vna
    """
)
_LEVEL_WORDS = frozenset({"tỉnh", "huyện", "xã", "phường", "quận"})
_ORG_START_RE = re.compile(rf"(?:{_words_pattern(_ORG_WORDS)})(?!\w)", re.I)

_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
_VN_SYLLABLE_RE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[{_VOWELS}]{{1,3}}"
    r"(?:ng|nh|ch|[cmnpt])?"
)


@dataclass(frozen=True)
class _Signature:
    bylines: tuple[Byline, ...] = ()
    source: str = ""
    credit_only: bool = False  # only a photo credit ("Ảnh: ...")
    credit_is_name: bool = False  # ... and the credit is a bare name ("Ảnh: Quang Huy")


def _extract_tail_signatures(paragraphs: list[str]) -> tuple[list[str], list[Byline], str]:
    """Remove byline / source lines from the end of the body, reading upwards."""
    removed: set[int] = set()
    bylines: list[Byline] = []
    source = ""
    index = len(paragraphs) - 1
    while index >= 0 and len(paragraphs) - index <= MAX_TAIL_SIGNATURES:
        signature = _parse_signature(paragraphs[index])
        if signature is None:
            break
        if signature.credit_is_name:
            removed.add(index)  # a photographer's credit: neither a byline nor a photo caption
        elif not signature.credit_only:
            removed.add(index)
            bylines[:0] = signature.bylines
            source = signature.source or source
        index -= 1
    kept = [text for i, text in enumerate(paragraphs) if i not in removed]
    return kept, bylines, source


def _parse_signature(text: str, *, require_label: bool = False) -> _Signature | None:
    """Parse a byline / source / photo-credit line; None when the text is something else."""
    text = text.strip()
    if len(text) > MAX_SIGNATURE_CHARS:
        return None
    text = _unwrap_parens(text)
    theo = _THEO_RE.match(text)
    if theo and not require_label:
        source = theo["source"].strip(" .")
        return _Signature(source=source) if _looks_like_source(source, strict=True) else None

    bylines: list[Byline] = []
    source = ""
    has_credit = False
    credit_is_name = True
    segments = _labelled_segments(text)
    if require_label and all(label is None for label, _ in segments):
        return None
    for label, value in segments:
        kind = _SIGNATURE_LABELS.get(_label_key(label), "person") if label else "person"
        if kind == "credit":
            has_credit = True
            credit_is_name = credit_is_name and _parse_people(value) is not None
        elif kind == "source":
            if not _looks_like_source(value, strict=False):
                return None
            source = source or value.rstrip(".")
        else:
            people = _parse_people(value) or _labelled_author(label, value)
            if not people:
                return None
            bylines.extend(people)
    if not bylines and not source:
        if not has_credit:
            return None
        return _Signature(credit_only=True, credit_is_name=credit_is_name)
    return _Signature(bylines=tuple(bylines), source=source)


def _labelled_author(label: str | None, value: str) -> list[Byline] | None:
    """After an explicit label ("Tác giả: Ban biên tập") any short name-ish text is the author."""
    words = value.split()
    if label is None or not words or len(words) > 8 or len(value) > 60:
        return None
    if not value[0].isupper() or value.endswith((".", ":")) or _DIGIT_RE.search(value):
        return None
    return [Byline(value)]


def _unwrap_parens(text: str) -> str:
    if text[:1] in "([" and text[-1:] in ")]" and text.count("(") + text.count("[") == 1:
        return text[1:-1].strip()
    return text


def _label_key(label: str) -> str:
    """The _SIGNATURE_LABELS key of a matched label, whatever its case and spacing."""
    squeezed = re.sub(r"\s+", "", label.lower())
    return _SQUEEZED_LABELS.get(squeezed, squeezed)


def _trim_segment(value: str) -> str:
    """Strip separators and unbalanced brackets around a signature segment."""
    previous = None
    while value != previous:
        previous = value
        value = value.strip(_SEPARATORS)
        if value[:1] in "([" and _bracket_balance(value) > 0:
            value = value[1:]
        if value[-1:] in ")]" and _bracket_balance(value) < 0:
            value = value[:-1]
    return value


def _bracket_balance(text: str) -> int:
    return text.count("(") + text.count("[") - text.count(")") - text.count("]")


def _labelled_segments(text: str) -> list[tuple[str | None, str]]:
    """Split "Tin: A - Ảnh: B" into [("Tin", "A"), ("Ảnh", "B")]; unlabelled text gets None."""
    segments: list[tuple[str | None, str]] = []
    label: str | None = None
    position = 0
    for match in _SIGNATURE_LABEL_RE.finditer(text):
        value = _trim_segment(text[position : match.start()])
        if value or label is not None:
            segments.append((label, value))
        label, position = match["label"], match.end()
    value = _trim_segment(text[position:])
    if value or label is not None:
        segments.append((label, value))
    return segments


def _looks_like_source(value: str, *, strict: bool) -> bool:
    """A publication name or web address, not a sentence."""
    value = value.strip().rstrip(".")
    if not value or len(value) > 100 or _sentence_count(value) > 1:
        return False
    words = value.split()
    if not strict:
        return len(words) <= 15
    return (
        len(words) <= 8
        and (value[0].isupper() or "." in value)
        and not any(ch in value for ch in ",;:/")
    )


def _parse_people(value: str) -> list[Byline] | None:
    """ "Minh Anh - Trung tâm Văn hóa", "A, B và C", "T.H", "NGUYỄN THỊ HOA (Báo X)"."""
    value = _trim_segment(_AUTHOR_NOTE_RE.sub(" ", value))
    if not value:
        return None
    value = _spaced_agency_dash(_drop_final_stop(value))
    organisation = ""
    parens = _TRAILING_PARENS_RE.match(value)
    if parens:
        value, organisation = parens["name"].strip(), parens["org"].strip()
    people = _parse_name_list(value)
    if people is None:
        return None
    if organisation:
        people = [Byline(p.name, p.organisation or organisation) for p in people]
    return people


def _drop_final_stop(value: str) -> str:
    """ "Quang Huy - Báo Bắc Giang." -> without the full stop; initials ("P.V.") keep theirs."""
    if not value.endswith(".") or _INITIALS_RE.fullmatch(value.split()[-1]):
        return value
    return value[:-1].rstrip()


def _spaced_agency_dash(value: str) -> str:
    """ "Hà Linh-TTXVN", "Hà Linh -TTXVN", "Quang Huy-Báo Bắc Giang": the names, then the
    agency after a hyphen written without its spaces; rewritten "Hà Linh - TTXVN".
    Only the first hyphen after the names counts: "VH-TT-TT" in the agency stays whole."""
    for match in _TIGHT_DASH_RE.finditer(value):
        names, agency = value[: match.start()].strip(), value[match.end() :].strip()
        split = _split_names(names) if names else None
        if split is None or split[1]:
            continue
        if agency and _is_org(agency):
            return f"{names} - {agency}"
        break
    return value


def _parse_name_list(text: str) -> list[Byline] | None:
    """Names separated by "-", ",", "và"; an organisation applies to the names before it."""
    items = _name_list_items(text)
    if items is None:
        return None
    people: list[Byline] = []
    waiting = 0  # index of the first person still without an organisation
    leading_org = ""  # "Trung tâm Văn hóa - Minh Anh": organisation written first
    for kind, value in items:
        if kind == "names":
            people.extend(Byline(name) for name in value)
        elif len(people) > waiting:
            people[waiting:] = [Byline(p.name, p.organisation or value) for p in people[waiting:]]
            waiting = len(people)
        elif not people:
            leading_org = value
    if not people:
        # Only an organisation: it signs the article itself ("Ban Tuyên giáo Tỉnh ủy").
        org = leading_org
        if len(items) == 1 and len(org) <= 60 and len(org.split()) <= 8:
            return [Byline(org)]
        return None
    if leading_org:
        people = [Byline(p.name, p.organisation or leading_org) for p in people]
    return people


def _name_list_items(text: str) -> list[tuple[str, Any]] | None:
    """Split a byline into ("names", [...]) and ("org", "...") items; None if not a byline."""
    items: list[tuple[str, Any]] = []
    for part in _DASH_SEP_RE.split(text):
        part = part.strip(" ,;")
        if not part:
            continue
        if (
            items
            and items[-1][0] == "org"
            and _split_names(part) is None
            and len(part.split()) <= 8
        ):
            items[-1] = ("org", f"{items[-1][1]} - {part}")  # "Sở Văn hóa - Thông tin"
            continue
        if _is_org(part):
            org, part = _split_org_tail(part)
            items.append(("org", org))
            if not part:
                continue
        split = _split_names(part)
        if split is None:
            return None
        names, org = split
        items.append(("names", names))
        if org:
            items.append(("org", org))
    return items


def _split_org_tail(part: str) -> tuple[str, str]:
    """ "Trung tâm Văn hóa, Hoàng Long" -> ("Trung tâm Văn hóa", "Hoàng Long")."""
    pieces = re.split(r"\s*[,;]\s*", part)
    for index in range(1, len(pieces)):
        if all(_is_names_only(piece) for piece in pieces[index:]):
            return ", ".join(pieces[:index]), ", ".join(pieces[index:])
    return part, ""


def _is_names_only(text: str) -> bool:
    split = _split_names(text)
    return split is not None and not split[1] and not _is_org(text)


def _split_names(part: str) -> tuple[list[str], str] | None:
    """ "A, B và C" -> names; "A, Phòng Văn hóa huyện" -> ([A], organisation); else None."""
    pieces = _NAME_SEP_RE.split(part)
    names: list[str] = []
    for index in range(0, len(pieces), 2):
        piece = pieces[index].strip()
        if not piece:
            continue
        if _is_person_name(piece):
            names.append(_normalise_name(piece))
        elif names and _is_org(piece):
            return names, "".join(pieces[index:]).strip()
        else:
            return None
    return (names, "") if names else None


def _is_person_name(text: str) -> bool:
    words = text.split()
    if words and words[-1].endswith(".") and not _INITIALS_RE.fullmatch(words[-1]):
        words[-1] = words[-1][:-1]  # "Vũ Hưng." -> "Vũ Hưng"
    if not 1 <= len(words) <= MAX_NAME_WORDS or " ".join(words).lower() in _NOT_NAMES:
        return False
    return all(_is_name_word(word) for word in words)


def _is_name_word(word: str) -> bool:
    if not word:
        return False
    if _INITIALS_RE.fullmatch(word):
        return True
    if _DOTTED_NAME_RE.fullmatch(word):
        return word.rsplit(".", 1)[-1][:1].isupper()
    return word[0].isupper() and word.replace("-", "").isalpha()


def _is_org(text: str) -> bool:
    """ "Sở Y tế", "Trung tâm Văn hóa huyện", "TTXVN"; not "Hội nghị kết thúc ..."."""
    words = text.split()
    if not text[:1].isupper() or not _ORG_START_RE.match(text):
        return False
    if len(words) > 15 or text.endswith(":") or _sentence_count(text) > 1:
        return False
    if text.endswith(".") and len(words) > 6:
        return False  # a sentence
    # A proper name or an acronym must come with the generic word, or a short name end
    # with the level of government it belongs to ("Công an tỉnh", "Trạm Y tế xã").
    return (
        (words[0].isupper() and len(words[0]) > 1)
        or any(w[:1].isupper() for w in words[1:])
        or (len(words) <= 4 and words[-1].lower().rstrip(".") in _LEVEL_WORDS)
    )


def _normalise_name(name: str) -> str:
    """Title-case ALL-CAPS names the Vietnamese way; keep initials and mixed case as they are."""
    words = name.split()
    if words[-1].endswith(".") and not _INITIALS_RE.fullmatch(words[-1]):
        words[-1] = words[-1][:-1]
    name = " ".join(words)
    if any(ch.islower() for ch in name):
        return name
    return " ".join("-".join(_title_syllable(p) for p in word.split("-")) for word in words)


def _title_syllable(word: str) -> str:
    if _VN_SYLLABLE_RE.fullmatch(word.lower()):
        return word[0].upper() + word[1:].lower()
    return word  # an acronym or initials: "PV", "CTV", "T.H"


# --------------------------------------------------------------------------- captions

_CAPTION_START_RE = re.compile(
    r"^[(\[]?\s*(?:ảnh|hình\s*ảnh|hình|photo)"
    r"(?:\s+(?:minh\s+họa|minh\s+hoạ|tư\s+liệu|trên|dưới|bên\s+trái|bên\s+phải|\d{1,2}))?"
    r"\s*(?:[:：.\-–)]|$)",
    re.I,
)
_CAPTION_END_RE = re.compile(
    r"(?:[(\[]\s*(?:ảnh|nguồn\s+ảnh|hình|photo)(?!\s+hưởng)(?!\w)[^()\[\]]*[)\]]"
    r"|[-–—,;.]\s*ảnh\s*[:：][^.:;]{1,60})\s*\.?$",
    re.I,
)
_CAPTION_ANYWHERE_RE = re.compile(r"ảnh\s+minh\s+h[oọ]a", re.I)
_CAPTION_CUE_RE = re.compile(r"toàn\s+cảnh|quang\s+cảnh|chụp\s+ảnh|ảnh\s+lưu\s+niệm", re.I)
# Sentence openers that mark running text, not a photo caption.
_CONNECTORS = _phrases(
    """
    tuy nhiên | ngoài ra | bên cạnh đó | đồng thời | theo | hiện nay | hiện tại | đến nay |
    tính đến | như vậy | do đó | vì vậy | vì thế | cũng theo | trước đó | sau đó | qua đó |
    từ đó | nhờ đó | trong đó | cụ thể | dự kiến | được biết | mặt khác | tóm lại | nhìn chung |
    kết quả | để | nếu | khi
    """
)
_CONNECTOR_RE = re.compile(rf"^(?:{_words_pattern(_CONNECTORS)})(?!\w)", re.I)
_NUMBER_TOKEN_RE = re.compile(r"\d+(?:[.,/]\d+)*")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"”’)\]]*\s+")
_ABBREVIATIONS = frozenset(
    {"TP", "Tp", "TX", "Tx", "TT", "TS", "ThS", "Ths", "PGS", "GS", "BS", "KS", "CN", "St", "Th"}
)


def _sentence_count(text: str) -> int:
    count = 1
    for match in _SENTENCE_END_RE.finditer(text):
        following = text[match.end() :].lstrip("\"“‘'([ ")
        if not following or not following[0].isupper():
            continue
        before = text[: match.start()].split()
        word = before[-1] if before else ""
        if word in _ABBREVIATIONS or re.fullmatch(r"(?:[A-ZĐ]\.)*[A-ZĐ]", word):
            continue
        count += 1
    return count


def _is_explicit_caption(text: str) -> bool:
    if _CAPTION_START_RE.match(text):
        return True
    short = len(text) <= MAX_CAPTION_CHARS + 100
    return short and bool(_CAPTION_END_RE.search(text) or _CAPTION_ANYWHERE_RE.search(text))


def _is_caption_candidate(text: str, previous: str) -> bool:
    """Short, single-sentence, stand-alone text that could describe a photo."""
    if len(text) > MAX_CAPTION_CHARS or previous.endswith(":") or text.endswith((":", "./.")):
        return False
    if _LIST_ITEM_RE.match(text) or text[0] in "\"“‘'«" or _CONNECTOR_RE.match(text):
        return False
    if "%" in text or len(_NUMBER_TOKEN_RE.findall(text)) > 1 or _sentence_count(text) > 1:
        return False
    if text.isupper():
        return False  # an ALL-CAPS subheading
    if text.endswith((".", "!", "…")):
        return True
    return len(text.split()) >= 8  # short unpunctuated lines are usually subheadings


def _build_blocks(paragraphs: list[str]) -> tuple[str, tuple[Block, ...]]:
    """Pick the lead and mark photo captions among the remaining paragraphs."""
    explicit = [_is_explicit_caption(text) for text in paragraphs]
    if all(explicit):
        raise ExportParseError("no body text: every paragraph after the title is a photo caption")
    lead_index = explicit.index(False)
    kinds = [CAPTION if flag else PARAGRAPH for flag in explicit]

    candidates = {
        i
        for i in range(lead_index + 1, len(paragraphs))
        if not explicit[i] and _is_caption_candidate(paragraphs[i], paragraphs[i - 1])
    }
    body = [i for i in range(len(paragraphs)) if not explicit[i] and i not in candidates]
    reference = statistics.median(len(paragraphs[i]) for i in body)
    for i in sorted(candidates):
        if len(paragraphs[i]) > CAPTION_TO_BODY_RATIO * reference:
            continue
        body_after = any(j > i for j in body)
        if body_after or _CAPTION_CUE_RE.search(paragraphs[i]):
            kinds[i] = CAPTION

    blocks = tuple(Block(kinds[i], text) for i, text in enumerate(paragraphs) if i != lead_index)
    return paragraphs[lead_index], blocks
