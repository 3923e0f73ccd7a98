"""'Có phải bạn muốn tìm: …': a query corrected from the index's own vocabulary.

Only syllables no indexed page has are replaced (matching is folded, so a wrong tone is
no misspelling), each by a known syllable one edit away (a letter replaced, added,
dropped or two swapped) on the folded forms: candidates from the database engine's
vocabulary (pg_trgm on PostgreSQL, the words of about the same length on SQLite).
Vietnamese has many syllables one letter apart ("thj": thi, thu, thơ, tha), so the
candidates are tried in order (a replaced letter first, then diacritics like the typed
word's) and the first that finds pages with the rest of the query is the suggestion.
"""

import difflib
from collections.abc import Callable

from .text import ParsedQuery, fold

MAX_EDITS = 1
# Corrected queries tried before giving up (each a search by the engine that answers).
MAX_TRIES = 6


def edits(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (syllables are a few letters)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


def candidates(engine, word: str) -> list[str]:
    """Known words one edit from ``word`` (folded), the likeliest first."""
    folded = fold(word)
    ranked = []
    for candidate, candidate_folded in engine.similar_words(folded):
        distance = edits(folded, candidate_folded)
        if distance > MAX_EDITS:
            continue
        same = difflib.SequenceMatcher(None, word, candidate).ratio()
        ranked.append(((len(candidate) == len(word), same), candidate))
    ranked.sort(key=lambda r: r[0], reverse=True)
    # Typed without diacritics: suggested without them too.
    found = [fold(c) if word == folded else c for _, c in ranked]
    return list(dict.fromkeys(found))


def correct(engine, query: ParsedQuery, finds: Callable[[str], bool]) -> str | None:
    """The query with each unknown syllable replaced so that ``finds`` (the corrected
    text) holds, or None (all known, no close word finds anything, or quoted phrases,
    which are kept as typed)."""
    if not query.terms or query.phrases:
        return None
    known = engine.known_words(fold(t) for t in query.terms)
    words = list(query.terms)
    unknown = [
        i for i, t in enumerate(words) if fold(t) not in known and not any(c.isdigit() for c in t)
    ]
    if not unknown:
        return None
    options = {i: candidates(engine, words[i]) for i in unknown}
    if not all(options.values()):
        return None
    tries = 0
    # The likeliest word for every unknown syllable but one, that one tried in order.
    for i in unknown:
        for candidate in options[i]:
            corrected = [options[j][0] if j in options else w for j, w in enumerate(words)]
            corrected[i] = candidate
            text = " ".join(corrected)
            if finds(text):
                return text
            tries += 1
            if tries >= MAX_TRIES:
                return None
    return None
