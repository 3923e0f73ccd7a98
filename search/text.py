"""Vietnamese text handling shared by every engine: tokens, folding, queries, snippets.

Both engines index two companion forms of each text, computed here in Python so that
they behave the same on SQLite FTS5, PostgreSQL and any Elasticsearch distribution
(the integ-test-zip has no asciifolding or lowercase token filter):

* ``exact``: NFC, lower case, tone marks moved to one placement ("hòa" -> "hoà");
* ``folded``: ``exact`` without any diacritics, đ -> d ("hoà" -> "hoa").

Text is split into syllables of letters and digits; the index stores them joined by
single spaces so every tokenizer sees the same tokens.
"""

import bisect
import functools
import html
import itertools
import re
import unicodedata
from dataclasses import dataclass

# Letters and digits (underscore excluded): one Vietnamese syllable or a number.
TOKEN_RE = re.compile(r"[^\W_]+")
# Combining tone marks: grave, acute, tilde, hook above, dot below.
TONES = "\u0300\u0301\u0303\u0309\u0323"
MAX_QUERY_CHARS = 200
MAX_TERMS = 24


def _old_tone_table() -> dict[str, str]:
    """'òa' -> 'oà' and the like, for every tone and case, on NFC text."""
    table = {}
    for first, seconds in (("o", "ae"), ("u", "y")):
        for case in (str.lower, str.upper):
            for tone in TONES:
                for second in seconds + seconds.upper():
                    old = unicodedata.normalize("NFC", case(first) + tone + second)
                    new = unicodedata.normalize("NFC", case(first) + second + tone)
                    table[old] = new
    return table


OLD_TONES = _old_tone_table()
OLD_TONE_NFC_RE = re.compile("(" + "|".join(OLD_TONES) + r")(?![^\W_])")


def normalize(text: str) -> str:
    """NFC with tone marks in one placement ("hòa" -> "hoà"); case is kept."""
    text = text or ""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return OLD_TONE_NFC_RE.sub(lambda m: OLD_TONES[m.group(1)], text)


def exact(word: str) -> str:
    return normalize(word).lower()


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("ð", "d")


# Precomposed Latin letters (all of Vietnamese) fold through one translate() call.
FOLD_TABLE = {
    cp: _fold_slow(chr(cp))
    for cp in range(0x00C0, 0x1EFF + 1)
    if chr(cp).isalpha() and _fold_slow(chr(cp)) != chr(cp).lower()
}


def fold(text: str) -> str:
    """Lower case without diacritics; đ -> d."""
    text = (text or "").lower().translate(FOLD_TABLE)
    if text.isascii():
        return text
    return _fold_slow(text)  # leftover combining marks (e.g. NFD input)


def tokens(text: str) -> list[str]:
    text = text or ""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return TOKEN_RE.findall(text)


def exact_text(text: str) -> str:
    return " ".join(exact_words(text))


ASCII_TOKEN_RE = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=200_000)
def fold_syllable(token: str) -> str:
    # Vietnamese has a few thousand syllables: folding each distinct one once is much
    # cheaper than folding every character of a 100,000-article archive.
    folded = fold(token)
    return folded if folded.isalnum() else " ".join(TOKEN_RE.findall(folded))


# fold() of one word, remembered (snippets fold every word of each hit's text).
_fold_word = functools.lru_cache(maxsize=200_000)(fold)


def exact_words(text: str) -> list[str]:
    """The syllables of ``exact_text(text)``."""
    return exact_words_of_normalized(normalize(text))


def fold_words(words: list[str]) -> str:
    """Exact syllables, folded and joined: the folded form the engines index."""
    return " ".join(map(fold_syllable, words))


def exact_words_of_normalized(text: str) -> list[str]:
    """``exact_words(text)`` for a ``text`` that ``normalize`` already returned."""
    return TOKEN_RE.findall(text.lower())


def exact_and_folded(text: str) -> tuple[str, str]:
    """(``exact_text(text)``, the folded form): each exact syllable folded the way a
    query's syllables are (``ParsedQuery.folded_terms``)."""
    words = exact_words(text)
    return " ".join(words), fold_words(words)


def folded_text(text: str) -> str:
    folded = fold(text)
    return " ".join((ASCII_TOKEN_RE if folded.isascii() else TOKEN_RE).findall(folded))


@dataclass(frozen=True)
class ParsedQuery:
    """A user query reduced to what every engine understands the same way.

    ``terms``: every syllable (exact form), all required; ``phrases``: quoted groups of
    two or more syllables that must appear in that order.
    """

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    truncated: bool = False
    text: str = ""
    # Filled by ``search.semantics.analyse`` (the engines fall back to the terms):
    # required groups, each a choice of folded syllable sets, every syllable of one set
    # required (a word, or an acronym and its expansions); at least ``min_match`` of the
    # groups when relaxed (0: all). Quoted phrases are required besides, as phrases.
    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    min_match: int = 0
    # Exact syllables an "exact" match needs (a query typed with diacritics), the pages by
    # the author the query names, the whole query as folded phrases (one per acronym
    # reading) and its adjacent syllable pairs (folded): ranking tiers, never filters.
    exact_required: tuple[str, ...] = ()
    author_ids: tuple[int, ...] = ()
    variants: tuple[tuple[str, ...], ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    fuzzy: bool = False

    @property
    def folded_terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(fold(t) for t in self.terms))

    @property
    def folded_phrases(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(fold(t) for t in phrase) for phrase in self.phrases)

    @property
    def exact_terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.terms))

    @property
    def match_groups(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """What must match besides the quoted phrases: ``groups``, or every folded term."""
        if self.groups:
            return self.groups
        return tuple(((t,),) for t in self.folded_terms)

    @property
    def phrase_variants(self) -> tuple[tuple[str, ...], ...]:
        """The whole query as folded phrases (two syllables or more)."""
        if self.variants:
            return self.variants
        return (tuple(fold(t) for t in self.terms),) if len(self.terms) > 1 else ()

    def __bool__(self) -> bool:
        return bool(self.terms) or bool(self.groups)


def parse_query(raw: str) -> ParsedQuery:
    """Quoted phrases and words; every syntax character is just a separator.

    An unbalanced quote quotes nothing: its words count as plain words.
    """
    raw = raw or ""
    truncated = len(raw) > MAX_QUERY_CHARS
    raw = raw[:MAX_QUERY_CHARS]
    parts = raw.split('"')
    balanced = len(parts) % 2 == 1
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for index, part in enumerate(parts):
        words = [exact(t) for t in tokens(part)]
        quoted = index % 2 == 1 and (balanced or index < len(parts) - 1)
        if quoted and len(words) > 1:
            phrases.append(tuple(words[:MAX_TERMS]))
        terms.extend(words)
    if len(terms) > MAX_TERMS:
        truncated = True
        terms = terms[:MAX_TERMS]
    return ParsedQuery(tuple(terms), tuple(phrases), truncated, " ".join(tokens(raw)))


_exact_word = functools.lru_cache(maxsize=200_000)(exact)


def _positions(words: list[str], word: str) -> list[int]:
    """Where ``word`` stands in ``words``: ``list.index`` scans in C, where a Python loop
    over every word of a long article cost more than the rest of its snippet."""
    found = []
    index = -1
    try:
        while True:
            index = words.index(word, index + 1)
            found.append(index)
    except ValueError:
        return found


def _marked(words: list[str], folded: list[str], query: ParsedQuery) -> set[int]:
    """Indexes of the words a query matched: each syllable of an accented query where the
    text has it with those diacritics (folded where it has it only folded: that is what
    matched), any reading for a syllable typed without diacritics in a query without
    any, and the syllables of a phrase (an acronym's expansion) where the whole phrase is."""
    exact_of = {fold(t): t for t in query.exact_required}
    where: dict[str, list[int]] = {}

    def positions(word: str) -> list[int]:
        if word not in where:
            where[word] = _positions(folded, word)
        return where[word]

    singles: set[str] = set()
    marked: set[int] = set()
    for group in query.match_groups:
        for alt in group:
            if len(alt) == 1:
                singles.add(alt[0])
                continue
            size = len(alt)
            starts = [i for i in positions(alt[0]) if tuple(folded[i : i + size]) == alt]
            for i in starts:
                marked.update(range(i, i + size))
            if not starts and all(positions(w) for w in alt):
                singles.update(alt)  # matched apart
    for f in singles:
        hits = positions(f)
        wanted = exact_of.get(f)
        if wanted is not None and hits:
            exact_hits = [i for i in hits if _exact_word(words[i]) == wanted]
            hits = exact_hits or hits
        marked.update(hits)
    return marked


# The standard library's escape, which Django's ``escape`` wraps (the same five
# characters), without the wrapper's lazy-string check.
_escape = html.escape


def _marked_html(text: str, marks: list[tuple[int, int]], begin: int, finish: int) -> str:
    """``text[begin:finish]`` escaped, the ``marks`` (character spans of matched words,
    in order) in <mark>. A word (letters and digits, TOKEN_RE) has nothing to escape,
    so only the stretches between marks go through ``escape``."""
    out: list[str] = []
    cursor = begin
    for start, end in marks:
        out.append(_escape(text[cursor:start]))
        out.append(f"<mark>{text[start:end]}</mark>")
        cursor = end
    out.append(_escape(text[cursor:finish]))
    return "".join(out)


def highlight(text: str, query: ParsedQuery) -> str:
    """HTML: the whole (short) ``text``, escaped, the words the query matched in <mark>."""
    text = unicodedata.normalize("NFC", text or "")
    if not query:
        return _escape(text)
    found = list(TOKEN_RE.finditer(text))
    words = [m.group() for m in found]
    marked = _marked(words, list(map(_fold_word, words)), query)
    return _marked_html(text, [found[i].span() for i in sorted(marked)], 0, len(text))


def snippet(text: str, query: ParsedQuery, words: int = 32) -> str:
    """HTML: the window of ``text`` with the most query terms, matches in <mark>.

    Works on folded tokens, so a query without diacritics highlights the original words.
    Runs for every hit of every result page, so the whole text is only tokenized
    (``findall``); character offsets are taken for the chosen window alone.
    """
    text = unicodedata.normalize("NFC", text or "")
    found = TOKEN_RE.findall(text)
    if not found:
        return ""
    folded = list(map(_fold_word, found))
    matches = sorted(_marked(found, folded, query))
    start, end = 0, min(len(found), words)
    # The window that starts at a match and holds the most distinct matched words, then
    # the most matches; the first such. Slid over the matches once: a common word can
    # match a hundred times in a long article.
    best_score = (-1, 0)
    inside: dict[str, int] = {}  # matched words in matches[n:k], counted
    k = 0
    for n, first in enumerate(matches):
        while k < len(matches) and matches[k] < first + words:
            word = folded[matches[k]]
            inside[word] = inside.get(word, 0) + 1
            k += 1
        score = (len(inside), k - n)
        if score > best_score:
            best_score = score
            start = max(0, first - 4)
            end = min(len(found), start + words)
        word = folded[first]
        if inside[word] == 1:
            del inside[word]
        else:
            inside[word] -= 1
    # Offsets for the window's words only: the words before it are skipped in C.
    window = list(itertools.islice(TOKEN_RE.finditer(text), start, end))
    begin = window[0].start()
    finish = window[-1].end()
    lo, hi = bisect.bisect_left(matches, start), bisect.bisect_left(matches, end)
    marks = [window[i - start].span() for i in matches[lo:hi]]
    prefix = "… " if begin > 0 else ""
    suffix = " …" if finish < len(text.rstrip()) else ""
    return prefix + _marked_html(text, marks, begin, finish).strip() + suffix
