"""What a query means, before any engine sees it: stop phrases, acronyms, the intent of
diacritics, the author it names, the adjacent pairs that rank words above scattered
syllables, and the relaxed form used when nothing matches every word.

Everything here works on the query alone (plus two small lookups: the acronym dictionary
and the authors' names), so all engines get the same meaning and no change needs a
reindex: an acronym an editor adds in the admin applies to the next search.
"""

import functools
import math
import time
from dataclasses import replace
from pathlib import Path

from django.db.models.signals import post_delete, post_save

from .text import ParsedQuery, exact, fold, tokens

DATA_FILE = Path(__file__).resolve().parent / "data" / "acronyms.tsv"
# Seconds a process keeps the acronyms and authors it read (editors' changes in another
# process apply after this; in the editor's own process at once).
CACHE_SECONDS = 60
# Variants of the whole query as a phrase (one per combination of acronym readings).
MAX_VARIANTS = 8

# Question words and fillers that carry no meaning for a search: a query keeps an article
# out only by words the article lacks, so these are dropped (unless nothing else is left).
STOP_PHRASES = (
    "như thế nào",
    "thế nào",
    "ra sao",
    "là gì",
    "là ai",
    "ai là",
    "cái gì",
    "những gì",
    "ở đâu",
    "tại đâu",
    "khi nào",
    "bao giờ",
    "lúc nào",
    "tại sao",
    "vì sao",
    "làm sao",
    "bao nhiêu",
    "có phải",
    "hay không",
    "có không",
    "được không",
    "phải không",
    "không ạ",
    "cho hỏi",
    "xin hỏi",
    "cho tôi hỏi",
    "thông tin về",
)

Seq = tuple[str, ...]


def _exact_seq(text: str) -> Seq:
    return tuple(exact(t) for t in tokens(text))


# fold() of one syllable, remembered: every search compares its syllables with the
# dictionary's and the authors' names.
_fold = functools.lru_cache(maxsize=100_000)(fold)


def _same(typed: str, known: str) -> bool:
    """A typed syllable without diacritics stands for every reading; one with diacritics
    for itself (tone placement already normalised by ``exact``)."""
    return typed == known or (typed == _fold(typed) and _fold(known) == typed)


def _starts(words: Seq, at: int, seq: Seq) -> bool:
    return at + len(seq) <= len(words) and all(_same(words[at + i], w) for i, w in enumerate(seq))


@functools.lru_cache(maxsize=1)
def _stop_sequences() -> tuple[Seq, ...]:
    return tuple(sorted((_exact_seq(p) for p in STOP_PHRASES), key=len, reverse=True))


def without_stop_phrases(words: Seq) -> Seq:
    kept: list[str] = []
    at = 0
    while at < len(words):
        stop = next((s for s in _stop_sequences() if _starts(words, at, s)), None)
        if stop:
            at += len(stop)
        else:
            kept.append(words[at])
            at += 1
    return tuple(kept) if kept else words


# --- Acronyms ---------------------------------------------------------------------


def file_entries() -> list[tuple[str, str]]:
    """(acronym, expansion) pairs of the shipped dictionary."""
    entries = []
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        acronym, _, expansion = line.partition("\t")
        if acronym.strip() and expansion.strip():
            entries.append((acronym.strip(), expansion.strip()))
    return entries


class Acronyms:
    """Each written form (exact syllables) -> every form it stands for, both ways."""

    def __init__(self, entries: list[tuple[str, str]]):
        self.forms: dict[Seq, set[Seq]] = {}
        for acronym, expansion in entries:
            short, long = _exact_seq(acronym), _exact_seq(expansion)
            if not short or not long:
                continue
            for form in (short, long):
                self.forms.setdefault(form, {form}).update((short, long))
        # Forms by their first syllable, folded (what a typed syllable may stand for).
        self.by_first: dict[str, list[Seq]] = {}
        for form in sorted(self.forms, key=len, reverse=True):
            self.by_first.setdefault(fold(form[0]), []).append(form)

    def match(self, words: Seq, at: int) -> tuple[int, set[Seq]] | None:
        """(syllables used, equivalent forms) of the longest form starting at ``at``."""
        for form in self.by_first.get(_fold(words[at]), ()):
            if _starts(words, at, form):
                return len(form), self.forms[form]
        return None


_cache: dict[str, tuple[float, object]] = {}


def _cached(key: str, load):
    now = time.monotonic()
    found = _cache.get(key)
    if found is None or now - found[0] > CACHE_SECONDS:
        found = (now, load())
        _cache[key] = found
    return found[1]


def clear_cache(**kwargs) -> None:
    _cache.clear()


def acronyms() -> Acronyms:
    def load():
        from .models import Acronym

        entries = file_entries()
        entries += list(Acronym.objects.values_list("acronym", "expansion"))
        return Acronyms(entries)

    return _cached("acronyms", load)


# --- Authors ----------------------------------------------------------------------


def _authors() -> dict[str, list[tuple[int, Seq]]]:
    """Authors' names of two syllables or more, by their first syllable folded."""

    def load():
        from news.models import Author

        by_first: dict[str, list[tuple[int, Seq]]] = {}
        for pk, name in Author.objects.values_list("pk", "name"):
            if len(seq := _exact_seq(name)) >= 2:
                by_first.setdefault(fold(seq[0]), []).append((pk, seq))
        return by_first

    return _cached("authors", load)


def named_authors(words: Seq) -> tuple[int, ...]:
    """Authors whose whole name (two syllables or more) the query contains."""
    by_first = _authors()
    found = []
    for at, word in enumerate(words):
        for pk, name in by_first.get(_fold(word), ()):
            if _starts(words, at, name):
                found.append(pk)
    return tuple(dict.fromkeys(found))


def connect() -> None:
    from news.models import Author

    from .models import Acronym

    for model in (Acronym, Author):
        post_save.connect(clear_cache, sender=model, dispatch_uid=f"semantics-{model.__name__}")
        post_delete.connect(clear_cache, sender=model, dispatch_uid=f"semantics-{model.__name__}")


# --- The analysis -----------------------------------------------------------------


def analyse(query: ParsedQuery) -> ParsedQuery:
    """``query`` with its groups, tiers and pairs filled in (see ``ParsedQuery``)."""
    if not query.terms:
        return query
    words = without_stop_phrases(query.terms)
    dictionary = acronyms()
    groups: list[tuple[Seq, ...]] = []
    plain: list[str] = []  # syllables matched as themselves (not through an acronym)
    units: list[tuple[Seq, ...]] = []  # the query in order, for the phrase variants
    at = 0
    while at < len(words):
        found = dictionary.match(words, at)
        if found:
            used, forms = found
            alternatives = tuple(sorted({tuple(fold(w) for w in f) for f in forms}))
            groups.append(alternatives)
            units.append(alternatives)
            at += used
        else:
            word = words[at]
            if ((fold(word),),) not in groups:
                groups.append(((fold(word),),))
            plain.append(word)
            units.append(((fold(word),),))
            at += 1
    accented = any(w != fold(w) for w in words)
    variants: list[Seq] = [()]
    for unit in units:
        variants = [v + alt for v in variants for alt in unit][:MAX_VARIANTS]
    variants = [v for v in variants if len(v) > 1]
    # Adjacent syllables typed as themselves (an acronym's readings are phrases already).
    pairs = tuple(
        dict.fromkeys(
            (a[0][0], b[0][0])
            for a, b in zip(units, units[1:], strict=False)
            if len(a) == len(b) == 1 and len(a[0]) == len(b[0]) == 1
        )
    )
    return replace(
        query,
        terms=words,
        groups=tuple(groups),
        exact_required=tuple(dict.fromkeys(plain)) if accented else (),
        author_ids=named_authors(words),
        variants=tuple(variants),
        pairs=pairs,
    )


def relaxed(query: ParsedQuery) -> ParsedQuery | None:
    """The query when nothing has every word: all but one of three or four groups, three
    quarters of more, misspellings tolerated where the engine can (Elasticsearch's
    fuzziness). None for fewer than three groups (one word of two is another search),
    or with a quoted phrase (quoting asks for those words in that order, nothing less)."""
    count = len(query.match_groups)
    if count < 3 or query.phrases:
        return None
    needed = count - 1 if count <= 4 else math.ceil(count * 3 / 4)
    return replace(query, min_match=needed, fuzzy=True)
