"""A generated archive of Vietnamese provincial news, inserted in bulk.

Used by the search tests (a few hundred articles) and the benchmark (100,000). Rows are
written directly (page tree paths computed here) instead of publishing each page through
Wagtail, which would take hours at benchmark scale; the search index is then filled with
``search_index --rebuild`` like any archive.

The text is meant to be as selective as a real archive's: a vocabulary of several thousand
words and names (provinces, districts, communes, a pool of officials, agencies, the words
of twelve news topics, function words) drawn with a Zipf-like distribution (a few words in
most articles, most words in few), one topic per article, titles of 10-20 words, leads of
30-60, bodies of 400-900 words and a few photo captions, bylines from 40 reporters and
dates over ten years. Everything is drawn from ``random.Random(seed)``: the same seed
gives the same archive. The word lists are data, in ``words/*.json`` beside this module.
"""

import bisect
import itertools
import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from news.models import ArticleAuthor, ArticlePage, Author, NewsIndexPage


class Zipf:
    """Draws from ``items`` with weight 1 / rank ** s (the first item is the commonest)."""

    def __init__(self, items, s: float = 1.0):
        self.s = s
        self.items = list(items)
        self.cum = list(itertools.accumulate(1.0 / (r**s) for r in range(1, len(self.items) + 1)))

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


WORDS = Path(__file__).resolve().parent / "words"


def _load(name: str):
    return json.loads((WORDS / f"{name}.json").read_text(encoding="utf-8"))


_names, _general = _load("names"), _load("general")
PROVINCES = _names["provinces"]
DISTRICTS = _names["districts"]
# Commune and ward names: two common place syllables (Tân Lập, Đông Phong, Phú Hòa...).
PLACE_SYLLABLES = _names["place_syllables"]
SURNAMES = Zipf(_names["surnames"], s=1.1)
MIDDLE_MALE = _names["middle_male"]
MIDDLE_FEMALE = _names["middle_female"]
GIVEN_MALE = _names["given_male"]
GIVEN_FEMALE = _names["given_female"]
# Names the search tests probe against one fixture article: never generated.
RESERVED_NAMES = set(_names["reserved_names"])
REPORTERS = _names["reporters"]
POSITIONS = Zipf(_general["positions"])
AGENCIES = Zipf(_general["agencies"], s=0.9)
# Sentence openers, connectors and the like (the function words of every article).
OPENERS = Zipf(_general["openers"])
EVENTS = Zipf(_general["events"], s=0.6)
GENERAL_VERBS = Zipf(_general["general_verbs"])
GENERAL_PHRASES = Zipf(_general["general_phrases"])
FUNCTION_TAILS = Zipf(_general["function_tails"])
UNITS = Zipf(_general["units"])


@dataclass
class Topic:
    key: str
    section: str
    weight: float
    subjects: list[str]  # who acts (with AGENCIES)
    verbs: list[str]  # what they do
    objects: list[str]  # what about (the topic's nouns)
    facts: list[str]  # whole sentences with {place}, {n}, {unit}, {person}, {object}


TOPICS = [Topic(**topic) for topic in _load("topics")]
TOPIC_PICK = list(itertools.accumulate(t.weight for t in TOPICS))
SECTIONS = sorted({t.section for t in TOPICS})


def _people(rng: random.Random, count: int) -> list[str]:
    """A fixed pool of people (officials, farmers, doctors...) that articles name."""
    people, seen = [], set(RESERVED_NAMES)
    while len(people) < count:
        if rng.random() < 0.6:
            name = f"{SURNAMES(rng)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
        else:
            name = f"{SURNAMES(rng)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
        if name not in seen:
            seen.add(name)
            people.append(name)
    return people


_pool = random.Random(1945)  # noqa: S311 - fixed pools, the same for every seed
PEOPLE = Zipf(_people(_pool, 4000), s=0.8)
COMMUNES = Zipf(
    _pool.sample([f"{a} {b}" for a in PLACE_SYLLABLES for b in PLACE_SYLLABLES if a != b], 1500),
    s=0.8,
)
PROVINCE_PICK = Zipf(PROVINCES, s=1.3)  # a provincial paper: its province first
DISTRICT_PICK = Zipf(DISTRICTS, s=0.9)


@dataclass
class Names:
    """The people and places articles draw from."""

    people: Zipf = PEOPLE
    communes: Zipf = COMMUNES
    provinces: Zipf = PROVINCE_PICK
    districts: Zipf = DISTRICT_PICK

    def without(self, syllables) -> "Names":
        """The same pools without any name containing one of ``syllables``."""
        avoid = set(syllables)

        def keep(pool: Zipf) -> Zipf:
            return Zipf([n for n in pool.items if avoid.isdisjoint(n.split())], s=pool.s)

        return Names(
            *(keep(p) for p in (self.people, self.communes, self.provinces, self.districts))
        )


NAMES = Names()
TOPIC_ZIPF = {
    t.key: (Zipf(t.subjects), Zipf(t.verbs), Zipf(t.objects, s=0.8), Zipf(t.facts)) for t in TOPICS
}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


class Writer:
    """Sentences of one article: its topic's words plus the general ones."""

    def __init__(self, rng: random.Random, topic: Topic, names: Names = NAMES):
        self.rng = rng
        self.names = names
        self.topic = topic
        self.subjects, self.verbs, self.objects, self.facts = TOPIC_ZIPF[topic.key]
        # An article keeps coming back to its own place, people and subject.
        self.place = self.any_place()
        self.people = [names.people(rng) for _ in range(3)]
        self.main_object = self.objects(rng)

    def any_place(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return f"tỉnh {self.names.provinces(self.rng)}"
        if r < 0.75:
            return f"huyện {self.names.districts(self.rng)}"
        return f"xã {self.names.communes(self.rng)}"

    def person(self) -> str:
        rng = self.rng
        return rng.choice(self.people) if rng.random() < 0.7 else self.names.people(rng)

    def obj(self) -> str:
        return self.main_object if self.rng.random() < 0.3 else self.objects(self.rng)

    def number(self) -> str:
        rng = self.rng
        return str(
            rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1000, 50000)])
        )

    def fact(self) -> str:
        rng = self.rng
        text = self.facts(rng)
        while "{n}" in text:
            text = text.replace("{n}", self.number(), 1)
        return text.format(
            place=self.place if rng.random() < 0.6 else self.any_place(),
            person=self.person(),
            object=self.obj(),
            commune=self.names.communes(rng),
            year=rng.randint(2016, 2026),
            day=f"{rng.randint(1, 28)}/{rng.randint(1, 12)}",
            unit=UNITS(rng),
        )

    def sentence(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.30:
            return self.fact()
        if kind < 0.52:
            return (
                f"{OPENERS(rng)}, {self.subjects(rng)} {self.place} đã {self.verbs(rng)} "
                f"{self.obj()} {FUNCTION_TAILS(rng)}, {GENERAL_PHRASES(rng)}."
            )
        if kind < 0.62:
            return (
                f"Phát biểu tại {EVENTS(rng)}, đồng chí {self.person()}, {POSITIONS(rng)}, "
                f"đề nghị {AGENCIES(rng)} {GENERAL_VERBS(rng)} {self.obj()}, "
                f"{GENERAL_PHRASES(rng)}."
            )
        if kind < 0.74:
            return (
                f"Theo {AGENCIES(rng)}, {self.obj()} {FUNCTION_TAILS(rng)} tăng {self.number()} "
                f"{UNITS(rng)}, trong đó {self.any_place()} có {self.number()} {UNITS(rng)}."
            )
        if kind < 0.86:
            return (
                f"{self.person()} cho biết, thời gian tới địa phương sẽ {GENERAL_VERBS(rng)} "
                f"{self.obj()} và {self.verbs(rng)} {self.obj()}."
            )
        if kind < 0.94:
            return (
                f"{OPENERS(rng)}, {self.any_place()} còn gặp khó khăn về {self.obj()}, "
                f"nhất là ở các xã vùng sâu, vùng xa."
            )
        return f"Đây là nhiệm vụ {GENERAL_PHRASES(rng)}, cần sự vào cuộc của các cấp, các ngành."

    def title(self) -> str:
        rng = self.rng
        for _ in range(8):
            form = rng.random()
            if form < 0.4:
                text = (
                    f"{_upper_first(self.subjects(rng))} {self.place} {self.verbs(rng)} "
                    f"{self.main_object}"
                )
            elif form < 0.7:
                text = (
                    f"{_upper_first(self.place)}: {GENERAL_VERBS(rng)} {self.main_object}, "
                    f"{GENERAL_PHRASES(rng)}"
                )
            else:
                text = (
                    f"{AGENCIES(rng)} {self.verbs(rng)} {self.main_object} tại {self.place} "
                    f"năm {rng.randint(2016, 2026)}"
                )
            if 10 <= len(text.split()) <= 20:
                return text
        return " ".join(text.split()[:20])

    def lead(self) -> str:
        rng = self.rng
        words = [
            f"Ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}, tại {self.place}, "
            f"{self.subjects(rng)} đã tổ chức {EVENTS(rng)} về {self.main_object}."
        ]
        while len(" ".join(words).split()) < 30:
            words.append(self.sentence())
        text = " ".join(words).split()
        return " ".join(text[:60]) + ("" if len(text) <= 60 else "…")

    def body(self) -> tuple[list[str], list[str]]:
        rng = self.rng
        target = rng.randint(400, 900)
        paragraphs, words = [], 0
        while words < target:
            paragraph = " ".join(self.sentence() for _ in range(rng.randint(3, 6)))
            paragraphs.append(paragraph)
            words += paragraph.count(" ") + 1
        captions = [
            f"{self.person()} {self.verbs(rng)} {self.obj()} tại {self.any_place()}."
            for _ in range(rng.randint(1, 3))
        ]
        return paragraphs, captions


def article_fields(
    rng: random.Random, topics: list[Topic] | None = None, names: Names = NAMES
) -> dict:
    if topics is None:
        topic = TOPICS[bisect.bisect(TOPIC_PICK, rng.random() * TOPIC_PICK[-1])]
    else:
        topic = rng.choice(topics)
    writer = Writer(rng, topic, names)
    paragraphs, captions = writer.body()
    body = [
        {
            "type": "paragraph",
            "value": f"<p>{p}</p>",
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
        }
        for p in paragraphs
    ]
    for caption in captions[1:]:
        body.insert(
            rng.randrange(1, len(body) + 1),
            {
                "type": "captioned_image",
                "value": {"image": None, "caption": caption},
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
            },
        )
    return {
        "topic": topic,
        "title": writer.title()[:250],
        "lead": writer.lead(),
        "body": body,
        "caption": captions[0],
    }


def _reporters() -> list[Author]:
    return [Author.objects.get_or_create(name=n, role="Phóng viên")[0] for n in REPORTERS]


@transaction.atomic
def bulk_articles(
    parent: NewsIndexPage,
    count: int,
    seed: int = 2020,
    batch_size: int = 1000,
    progress=None,
    since: datetime | None = None,
    sections: dict[str, NewsIndexPage] | None = None,
    topics: list[str] | None = None,
    avoid: tuple[str, ...] = (),
) -> list[int]:
    """Insert ``count`` live articles; returns their page ids.

    Each goes under ``sections[topic.section]`` when given (``SECTIONS`` lists the names),
    else under ``parent``. ``topics``: only these topic keys (default: all, weighted);
    ``avoid``: no person or place name with one of these syllables.
    Dates are spread over the ten years from ``since`` (default 1 January 2016).
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
    chosen = None if topics is None else [t for t in TOPICS if t.key in topics]
    pools = NAMES.without(avoid) if avoid else NAMES
    parents = {None: Page.objects.get(pk=parent.pk)}
    for name, page in (sections or {}).items():
        parents[name] = Page.objects.get(pk=page.pk)
    next_step = {key: page.numchild + 1 for key, page in parents.items()}
    added = dict.fromkeys(parents, 0)
    content_type = ContentType.objects.get_for_model(ArticlePage)
    reporters = _reporters()
    reporter_pick = Zipf(range(len(reporters)), s=0.7)
    since = since or timezone.make_aware(datetime(2016, 1, 1))
    span = 10 * 365 * 24 * 3600
    columns = [f for f in ArticlePage._meta.local_concrete_fields]
    ids: list[int] = []
    created = 0
    while created < count:
        n = min(batch_size, count - created)
        pages, details = [], []
        for i in range(n):
            number = created + i
            fields = article_fields(rng, chosen, pools)
            key = fields["topic"].section if fields["topic"].section in parents else None
            home = parents[key]
            published = since + timedelta(seconds=rng.randrange(span))
            slug = f"bai-{seed}-{number}"
            pages.append(
                Page(
                    title=fields["title"],
                    draft_title=fields["title"],
                    slug=slug,
                    content_type=content_type,
                    path=Page._get_path(home.path, home.depth + 1, next_step[key] + added[key]),
                    depth=home.depth + 1,
                    numchild=0,
                    url_path=f"{home.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    locale_id=home.locale_id,
                    translation_key=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
            added[key] += 1
            details.append((fields, published))
        Page.objects.bulk_create(pages)
        rows = []
        links = []
        for page, (fields, published) in zip(pages, details, strict=True):
            article = ArticlePage(
                page_ptr_id=page.pk,
                lead=fields["lead"],
                body=fields["body"],
                published_at=published,
                lead_image_caption=fields["caption"][:500],
                initial_view_count=rng.randint(0, 5000),
            )
            rows.append(
                [f.get_db_prep_save(getattr(article, f.attname), connection) for f in columns]
            )
            byline = dict.fromkeys(reporter_pick(rng) for _ in range(rng.choice([1, 1, 1, 2])))
            for order, index in enumerate(byline):
                links.append(
                    ArticleAuthor(page_id=page.pk, author=reporters[index], sort_order=order)
                )
            ids.append(page.pk)
        table = ArticlePage._meta.db_table
        names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
        ArticleAuthor.objects.bulk_create(links)
        created += n
        if progress:
            progress(created)
    for key, page in parents.items():
        if added[key]:
            Page.objects.filter(pk=page.pk).update(numchild=F("numchild") + added[key])
    return ids
