"""PostgreSQL tsvectors built in Python, as text literals.

Parsing text with ``to_tsvector('simple', …)`` in one PostgreSQL backend, twice per
article, would be most of a rebuild's time. The texts it indexes are already syllables
joined by single spaces (``text.exact_and_folded``), so the vector is known in Python:
each syllable is a lexeme at its 1-based position. Reading a literal costs PostgreSQL
about half as much as parsing the text, and the folded vector is derived from the exact
one lexeme by lexeme (a few hundred distinct syllables per article) instead of from the
folded text (docs/search.md has the figures).

``weighted(first, first_weight, second, second_weight)`` returns exactly what
``setweight(to_tsvector('simple', a), wa) || setweight(to_tsvector('simple', b), wb)``
returns for ``a = " ".join(first)`` and ``b = " ".join(second)``, PostgreSQL's limits
included: words of 2,047 bytes or more are skipped without taking a position,
positions above 16,383 are stored as 16,383, ``to_tsvector`` keeps at most 255
positions of a lexeme and ``||`` at most 256 (tests compare both on real and edge-case
texts). Every word is letters and digits (``text.TOKEN_RE``), so no lexeme needs escaping.
"""

from __future__ import annotations

from collections.abc import Callable

MAX_POS = 16383  # PostgreSQL's MAXENTRYPOS - 1: a later position is stored as this
PART_POSITIONS = 255  # to_tsvector keeps at most this many positions of one lexeme
CONCAT_POSITIONS = 256  # tsvector || keeps at most this many (MAXNUMPOS)
MAX_WORD_BYTES = 2047  # to_tsvector skips words this long or longer (MAXSTRLEN)

Positions = dict[str, list[int]]


def kept_words(words: list[str]) -> list[str]:
    """The words to_tsvector indexes: all but those of MAX_WORD_BYTES bytes or more."""
    if words and len(max(words, key=len)) * 4 >= MAX_WORD_BYTES:
        return [w for w in words if len(w.encode()) < MAX_WORD_BYTES]
    return words


def positions(words: list[str]) -> Positions:
    """lexeme -> positions of to_tsvector('simple', " ".join(words)), before its limits
    (see ``limited``); ``words`` as returned by ``kept_words``."""
    out: Positions = {}
    get = out.get
    for index, word in enumerate(words, 1):
        found = get(word)
        if found is None:
            out[word] = [index]
        else:
            found.append(index)
    return out


def _limit(found: list[int]) -> list[int]:
    """to_tsvector's rule for one lexeme (positions in increasing order): stored as at
    most MAX_POS, no repeats, at most PART_POSITIONS of them."""
    kept: list[int] = []
    for position in found:
        position = min(position, MAX_POS)
        if kept and (kept[-1] == position or kept[-1] == MAX_POS):
            continue
        kept.append(position)
        if len(kept) >= PART_POSITIONS:
            break
    return kept


def limited(found: Positions, count: int) -> Positions:
    """``found`` (from ``positions`` over ``count`` words) with to_tsvector's limits."""
    if count <= MAX_POS and all(len(p) <= PART_POSITIONS for p in found.values()):
        return found
    return {word: _limit(p) for word, p in found.items()}


def folded_positions(exact: dict, fold: Callable[[str], str], ordered: bool = True) -> dict | None:
    """The positions of the folded text, from those of the exact text (unlimited): each
    folded syllable at the positions of every exact syllable that folds to it (in order
    when ``ordered``; position labels need not be: PostgreSQL sorts a literal's). None
    when a syllable folds to more than one word or to none (positions would shift: fold
    the text)."""
    out: dict = {}
    for word, found in exact.items():
        folded = fold(word)
        if not folded or " " in folded:
            return None
        current = out.get(folded)
        if current is None:
            out[folded] = found
        else:
            merged = current + found
            if ordered:
                merged.sort()
            out[folded] = merged
    return out


def _format(found: list[int], weight: str) -> str:
    if weight == "D":
        return ",".join(map(str, found))
    return ",".join([f"{p}{weight}" for p in found])


def weighted(first: Positions, first_weight: str, second: Positions, second_weight: str) -> str:
    """The literal of setweight(v1, w1) || setweight(v2, w2), for the limited positions
    of two texts (``limited``): the second text's positions shifted by the first's last."""
    shift = max((p[-1] for p in first.values() if p), default=0)
    parts = [
        _concat_one(word, first.get(word, []), first_weight, found, second_weight, shift)
        for word, found in second.items()
    ]
    parts.extend(
        f"'{word}':{_format(found, first_weight)}"
        for word, found in first.items()
        if word not in second
    )
    return " ".join(parts)


def _concat_one(
    word: str, before: list[int], first_weight: str, found: list[int], weight: str, shift: int
) -> str:
    """One lexeme of ||, with its limits: the second vector's positions are shifted and
    stored as at most MAX_POS, and appended while fewer than CONCAT_POSITIONS are kept
    and the last one kept is below MAX_POS."""
    appended: list[int] = []
    last = before[-1] if before else None
    for position in found:
        count = len(before) + len(appended)
        if count >= CONCAT_POSITIONS or (count and last == MAX_POS):
            break
        last = min(position + shift, MAX_POS)
        appended.append(last)
    labels = [_format(part, w) for part, w in ((before, first_weight), (appended, weight)) if part]
    return f"'{word}':{','.join(labels)}"


def exact_and_folded(words: list[str], fold: Callable[[str], str]) -> tuple[Positions, Positions]:
    """The limited positions of the exact text ``" ".join(words)`` and of its folded
    form ``" ".join(fold(w) for w in words)``."""
    kept = kept_words(words)
    exact = positions(kept)
    folded = folded_positions(exact, fold) if kept is words else None
    if folded is None:  # a word skipped, or folding to several words (or none)
        folded_words = kept_words(" ".join([fold(w) for w in words]).split())
        folded = limited(positions(folded_words), len(folded_words))
    else:
        folded = limited(folded, len(kept))
    return limited(exact, len(kept)), folded


_LABELS: dict[str, list[str]] = {}


def _labels(weight: str) -> list[str]:
    """Position labels ("1A", "2A", …; "1", "2", … for D), index = position."""
    labels = _LABELS.get(weight)
    if labels is None:
        suffix = "" if weight == "D" else weight
        labels = _LABELS[weight] = [f"{p}{suffix}" for p in range(MAX_POS + 1)]
    return labels


class _Limits(Exception):
    """A text reaches one of to_tsvector's limits: take the exact (slower) path."""


def _labelled(words: list[str], start: int, weight: str) -> dict[str, list[str]]:
    """lexeme -> position labels of ``words`` placed from ``start`` on, for texts within
    every limit (else _Limits)."""
    if start + len(words) - 1 > MAX_POS or kept_words(words) is not words:
        raise _Limits
    out: dict[str, list[str]] = {}
    get = out.get
    for word, label in zip(words, _labels(weight)[start : start + len(words)], strict=True):
        found = get(word)
        if found is None:
            out[word] = [label]
        else:
            found.append(label)
    if out and max(map(len, out.values())) > PART_POSITIONS:
        raise _Limits
    return out


def _folded_labels(exact: dict[str, list[str]], fold: Callable[[str], str]) -> dict:
    out = folded_positions(exact, fold, ordered=False)
    if out is None or (out and max(map(len, out.values())) > PART_POSITIONS):
        raise _Limits
    return out


def _joined(first: dict[str, list[str]], second: dict[str, list[str]]) -> str:
    parts = []
    for word, found in second.items():
        before = first.get(word)
        if before is not None:
            if len(before) + len(found) > CONCAT_POSITIONS:
                raise _Limits
            found = before + found
        parts.append(f"'{word}':{','.join(found)}")
    parts.extend(f"'{w}':{','.join(found)}" for w, found in first.items() if w not in second)
    return " ".join(parts)


def _fast_vectors(title, text, lead, fold) -> tuple[str, str, str, str]:
    title_exact = _labelled(title, 1, "A")
    title_folded = _folded_labels(title_exact, fold)
    # The second text's positions start after the title's last (what || shifts by).
    text_exact = _labelled(text, len(title) + 1, "D")
    lead_exact = _labelled(lead, len(title) + 1, "B")
    return (
        _joined(title_exact, text_exact),
        _joined(title_folded, _folded_labels(text_exact, fold)),
        _joined(title_exact, lead_exact),
        _joined(title_folded, _folded_labels(lead_exact, fold)),
    )


def _exact_vectors(title, text, lead, fold) -> tuple[str, str, str, str]:
    title_exact, title_folded = exact_and_folded(title, fold)
    text_exact, text_folded = exact_and_folded(text, fold)
    lead_exact, lead_folded = exact_and_folded(lead, fold)
    return (
        weighted(title_exact, "A", text_exact, "D"),
        weighted(title_folded, "A", text_folded, "D"),
        weighted(title_exact, "A", lead_exact, "B"),
        weighted(title_folded, "A", lead_folded, "B"),
    )


def vectors(
    title: list[str], text: list[str], lead: list[str], fold: Callable[[str], str]
) -> tuple[str, str, str, str]:
    """The four vectors of a search entry from the exact syllables of its title, text
    and lead: (title A + text D) exact and folded, (title A + lead B) exact and folded.

    Texts within every limit (all real articles) take a fast path that labels each
    position once; the others the exact emulation of the limits. Both give the same
    tsvector values (the tests compare them with PostgreSQL's)."""
    try:
        return _fast_vectors(title, text, lead, fold)
    except _Limits:
        return _exact_vectors(title, text, lead, fold)
