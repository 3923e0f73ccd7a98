"""'Có phải bạn muốn tìm: …': a query corrected from the index's own vocabulary.

Only syllables no indexed page has are replaced (matching is folded, so a wrong tone is
no misspelling), each by the closest known syllable: candidates from the database engine
(pg_trgm on PostgreSQL, the words of about the same length on SQLite), ranked here by
edit distance of the folded forms (one edit: a misspelt syllable, not another word).
"""

import difflib

from .text import ParsedQuery, fold

MAX_EDITS = 1


def edits(a: str, b: str) -> int:
    """Levenshtein distance (syllables are a few letters: the plain table is enough)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _closest(engine, word: str) -> str | None:
    folded = fold(word)
    best, best_key = None, None
    for candidate, candidate_folded in engine.similar_words(folded):
        distance = edits(folded, candidate_folded)
        if distance > MAX_EDITS:
            continue
        # A replaced letter before an added or dropped one ("hộj" is "hội", not "hộ"),
        # then the candidate whose diacritics agree with the typed word.
        same = difflib.SequenceMatcher(None, word, candidate).ratio()
        key = (-distance, len(candidate) == len(word), same, candidate)
        if best_key is None or key > best_key:
            best, best_key = candidate, key
    if best is None:
        return None
    # Typed without diacritics: suggested without them too.
    return fold(best) if word == folded else best


def correct(engine, query: ParsedQuery) -> str | None:
    """The query with each unknown syllable replaced, or None (all known, or no close
    word, or quoted phrases, which are kept as typed)."""
    if not query.terms or query.phrases:
        return None
    known = engine.known_words(fold(t) for t in query.terms)
    changed = False
    words = []
    for term in query.terms:
        if fold(term) in known or any(ch.isdigit() for ch in term):
            words.append(term)
            continue
        replacement = _closest(engine, term)
        if replacement is None:
            words.append(term)
        else:
            words.append(replacement)
            changed = True
    return " ".join(words) if changed else None
