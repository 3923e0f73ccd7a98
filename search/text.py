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
from collections.abc import Callable
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


def _mark(
    query: ParsedQuery,
    positions: Callable[[str], list[int]],
    phrase_at: Callable[[int, tuple[str, ...]], bool],
    written: Callable[[int], str],
) -> set[int]:
    """Indexes of the words a query matched: each syllable of an accented query where the
    text has it with those diacritics (folded where it has it only folded: that is what
    matched), any reading for a syllable typed without diacritics in a query without
    any, and the syllables of a phrase (an acronym's expansion) where the whole phrase is.

    ``positions(word)``: the indexes of a folded word, in order; ``phrase_at(i, alt)``:
    whether the folded words ``alt`` follow one another from index ``i``;
    ``written(i)``: the word at ``i`` as written."""
    exact_of = {fold(t): t for t in query.exact_required}
    singles: set[str] = set()
    marked: set[int] = set()
    for group in query.match_groups:
        for alt in group:
            if len(alt) == 1:
                singles.add(alt[0])
                continue
            starts = [i for i in positions(alt[0]) if phrase_at(i, alt)]
            for i in starts:
                marked.update(range(i, i + len(alt)))
            if not starts and all(positions(w) for w in alt):
                singles.update(alt)  # matched apart
    for f in singles:
        hits = positions(f)
        wanted = exact_of.get(f)
        if wanted is not None and hits:
            hits = [i for i in hits if _exact_word(written(i)) == wanted] or hits
        marked.update(hits)
    return marked


def _marked(words: list[str], folded: list[str], query: ParsedQuery) -> set[int]:
    """``_mark`` over a text's words and their folded forms."""
    where: dict[str, list[int]] = {}

    def positions(word: str) -> list[int]:
        if word not in where:
            where[word] = _positions(folded, word)
        return where[word]

    def phrase_at(i: int, alt: tuple[str, ...]) -> bool:
        return tuple(folded[i : i + len(alt)]) == alt

    return _mark(query, positions, phrase_at, words.__getitem__)


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


def snippet_by_words(text: str, query: ParsedQuery, words: int = 32) -> str:
    """``snippet`` word by word: the reference the fast path (``_snippet_fast``) is held to
    (search/tests/test_snippet_fast.py), and the path for texts it does not take.

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
    if matches:
        best = _best_window(matches, [folded[i] for i in matches], words)
        start = max(0, matches[best] - 4)
        end = min(len(found), start + words)
    # Offsets for the window's words only: the words before it are skipped in C.
    window = list(itertools.islice(TOKEN_RE.finditer(text), start, end))
    begin = window[0].start()
    finish = window[-1].end()
    lo, hi = bisect.bisect_left(matches, start), bisect.bisect_left(matches, end)
    marks = [window[i - start].span() for i in matches[lo:hi]]
    return _window_html(text, marks, begin, finish)


def _best_window(index: list[int], words_at: list[str], width: int) -> int:
    """Which match (by its place in ``index``, word positions in order, ``words_at`` the
    folded words there) starts the window of ``width`` words with the most distinct
    matched words, then the most matches; the first such. Slid over the matches once: a
    common word can match a hundred times in a long article."""
    best_score, best = (-1, 0), 0
    inside: dict[str, int] = {}  # matched words in index[n:k], counted
    k = 0
    for n, first in enumerate(index):
        while k < len(index) and index[k] < first + width:
            inside[words_at[k]] = inside.get(words_at[k], 0) + 1
            k += 1
        score = (len(inside), k - n)
        if score > best_score:
            best_score, best = score, n
        if inside[words_at[n]] == 1:
            del inside[words_at[n]]
        else:
            inside[words_at[n]] -= 1
    return best


def _window_html(text: str, marks: list[tuple[int, int]], begin: int, finish: int) -> str:
    """The snippet: ``text[begin:finish]`` with its marks, "…" where the text goes on."""
    prefix = "… " if begin > 0 else ""
    suffix = " …" if finish < len(text.rstrip()) else ""
    return prefix + _marked_html(text, marks, begin, finish).strip() + suffix


def snippet(text: str, query: ParsedQuery, words: int = 32) -> str:
    """HTML: the window of ``text`` with the most query terms, matches in <mark>.

    Works on folded tokens, so a query without diacritics highlights the original words.
    Runs for every hit of every result page: the fast path finds the query's words with
    a regular expression per word instead of tokenizing and folding the whole text, and
    gives the same HTML as ``snippet_by_words``, which answers the texts it cannot read.
    """
    text = unicodedata.normalize("NFC", text or "")
    patterns = _word_patterns(query)
    if patterns is None or _UNSAFE_RE.search(text):
        return snippet_by_words(text, query, words)
    return _snippet_fast(text, query, patterns, words)


# --- The snippet's fast path --------------------------------------------------------
#
# A token (TOKEN_RE) made only of "safe" characters, each a letter or digit whose fold is
# one ASCII letter or digit, folds character by character. So a token folds to a query
# word exactly when each of its characters is in that word letter's class, and a regular
# expression of those classes finds the word in the written text, in C. A text with any
# other letter (or a query word with one) takes ``snippet_by_words``.


# Vietnamese writes its letters with these marks on an ASCII vowel, and đ. Other Latin
# letters ("ñ", "ā") are left to the word-by-word path: every class of letters beyond
# Latin-1 costs Python's regular expression compiler a 64K-entry table, so the classes
# hold only what Vietnamese uses (a consonant's class is then ASCII alone).
_VIETNAMESE_MARKS = frozenset(TONES + "\u0302\u0306\u031b")


def _vietnamese(ch: str) -> bool:
    if ch in "đĐ":
        return True
    base, *marks = unicodedata.normalize("NFD", ch)
    if not marks:
        return base.isascii()
    return base in "aeiouyAEIOUY" and set(marks) <= _VIETNAMESE_MARKS


def _safe_classes() -> dict[str, str]:
    chars: dict[str, list[str]] = {}
    for cp in itertools.chain(range(0x30, 0x7B), range(0xC0, 0x1F00)):
        ch = chr(cp)
        if TOKEN_RE.fullmatch(ch) and len(ch.lower()) == 1 and _vietnamese(ch):
            folded = fold(ch)
            if len(folded) == 1 and folded.isascii() and folded.isalnum():
                chars.setdefault(folded, []).append(ch)
    return {letter: "".join(map(re.escape, group)) for letter, group in chars.items()}


_SAFE = _safe_classes()
_UNSAFE_RE = re.compile(r"[^\W_" + "".join(_SAFE.values()) + "]")


@functools.lru_cache(maxsize=8192)
def _word_pattern(word: str) -> re.Pattern | None:
    """The written forms of one folded word, as whole tokens. Compiling one costs about
    as much as the snippets of a hit or two (its vowels' classes), so patterns are kept
    per word, which queries share (a few thousand syllables), not per query. The pattern
    begins with the first letter's class: the engine then skips to the candidates instead
    of trying every position."""
    if not word or not all(c in _SAFE for c in word):
        return None
    rest = "".join(f"[{_SAFE[c]}]" for c in word[1:])
    return re.compile(rf"[{_SAFE[word[0]]}](?<![^\W_][^\W_]){rest}(?![^\W_])")


def _word_patterns(query: ParsedQuery) -> list[tuple[str, re.Pattern]] | None:
    words = {w for group in query.match_groups for alt in group for w in alt}
    patterns = [(word, _word_pattern(word)) for word in sorted(words)]
    if not patterns or any(pattern is None for _, pattern in patterns):
        return None
    return patterns


def _marked_spans(
    text: str, query: ParsedQuery, patterns: list[tuple[str, re.Pattern]]
) -> list[tuple[str, int, int]]:
    """``_mark`` over the tokens the patterns find: (folded word, start, end) of each
    marked token, in text order. Two found tokens are consecutive words when no token lies
    between them."""
    found = sorted(
        ((word, m.start(), m.end()) for word, pattern in patterns for m in pattern.finditer(text)),
        key=lambda token: token[1],
    )
    where: dict[str, list[int]] = {}
    for j, (word, _, _) in enumerate(found):
        where.setdefault(word, []).append(j)

    def follows(j: int) -> bool:  # found[j + 1] is the word after found[j]
        return TOKEN_RE.search(text, found[j][2], found[j + 1][1]) is None

    def phrase_at(j: int, alt: tuple[str, ...]) -> bool:
        return j + len(alt) <= len(found) and all(
            found[j + t][0] == alt[t] and follows(j + t - 1) for t in range(1, len(alt))
        )

    def written(j: int) -> str:
        return text[found[j][1] : found[j][2]]

    marked = _mark(query, lambda word: where.get(word, []), phrase_at, written)
    return [found[j] for j in sorted(marked)]


# Characters of a gap between two marks that is counted in one call (a few dozen words).
_SHORT_GAP = 160


def _words_between(text: str, end: int, start: int, cap: int) -> int:
    """The words in ``text[end:start]``, or ``cap`` when there are that many or more.

    A common word marks a long article every few words, so most gaps are short: those are
    counted in C (``findall``). A long one is counted word by word, only up to ``cap``:
    ``findall`` would make a string of each of its words."""
    if start - end <= _SHORT_GAP:
        return min(len(TOKEN_RE.findall(text, end, start)), cap)
    return sum(1 for _ in itertools.islice(TOKEN_RE.finditer(text, end, start), cap))


def _window_start(text: str, position: int, back: int) -> int:
    """Where the word ``back`` words before the one at ``position`` starts (the text's
    first word when there are fewer)."""
    reach = 64
    while True:
        low = max(0, position - reach)
        starts = [m.start() for m in TOKEN_RE.finditer(text, low, position)]
        # Past the first found token (which may begin before ``low``), all are whole.
        if len(starts) > back or low == 0:
            if len(starts) >= back:
                return starts[-back]
            return starts[0] if starts else position
        reach *= 4


def _snippet_fast(
    text: str, query: ParsedQuery, patterns: list[tuple[str, re.Pattern]], words: int
) -> str:
    marked = _marked_spans(text, query, patterns)
    start_at = 0
    if marked:
        # Word distances between consecutive marked words, counted up to ``words`` (a
        # window never spans more), so sums compare with ``words`` as word indexes do.
        index = [0]
        for (_, _, end), (_, start, _) in itertools.pairwise(marked):
            index.append(index[-1] + min(_words_between(text, end, start, words) + 1, words))
        best = _best_window(index, [word for word, _, _ in marked], words)
        start_at = _window_start(text, marked[best][1], 4)
    window = list(itertools.islice(TOKEN_RE.finditer(text, start_at), words))
    if not window:
        return ""
    begin = window[0].start()
    finish = window[-1].end()
    marks = [(start, end) for _, start, end in marked if begin <= start and end <= finish]
    return _window_html(text, marks, begin, finish)
