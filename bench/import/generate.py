"""Writes an archive of plain-text exports for the import benchmark.

    python bench/import/generate.py OUT_DIR COUNT [--photos-every N] [--seed S]

Each export is one generated article (bench/search/corpus.py's writer: a topic's
vocabulary, names, places) in one of the shapes news/tests/test_parser.py reads: a
title line, a meta line (date, time and/or view count, in the portals' many forms,
sometimes mixed with page chrome), a lead, body paragraphs with photo captions as
paragraphs of their own, a byline (a name, a name and agency, or a source line) and
portal chrome at the end. Titles and dates are unique, so every file is one article.
Every N-th article gets JPEG photos named <stem>-1.jpg, … in OUT_DIR/photos (copies
of a few generated ones). Prints the counts as JSON.
"""

import argparse
import bisect
import json
import os
import random
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from bench.search.corpus import NAMES, TOPIC_PICK, TOPICS, Writer  # noqa: E402
from news.demo.builder import draw_photo  # noqa: E402

START = datetime(2014, 1, 1)
SPAN_MINUTES = 10 * 365 * 24 * 60
PHOTO_TEMPLATES = 4


def meta_line(rng: random.Random, when: datetime, views: int) -> str:
    d, t = when.strftime("%d/%m/%Y"), when.strftime("%H:%M")
    shapes = [
        f"{d} {t} Số lượt xem: {views}",
        f"Đăng ngày: {d} {when:%H:%M:%S}",
        f"{when:%I:%M %p} {d} | Lượt xem: {views:,} | In bài viết |".replace(",", "."),
        f"Ngày đăng: {d}",
        f"{when:%d.%m.%Y} - {views} lượt xem",
        f"Ngày đăng: {when:%Y-%m-%d %H:%M}",
        f"Cập nhật lúc {when:%H}h{when:%M}, {d} (GMT+7)",
        f"Đăng ngày: {d} | Lượt xem: {views}",
    ]
    return rng.choice(shapes)


def byline(rng: random.Random, writer: Writer) -> str:
    name = writer.person()
    r = rng.random()
    if r < 0.4:
        return name
    if r < 0.75:
        return f"{name.upper()} - Trung tâm Văn hóa"
    return "Nguồn tin: Báo Bắc Ninh"


def export_text(rng: random.Random, seen: set) -> tuple[str, int]:
    topic = TOPICS[bisect.bisect(TOPIC_PICK, rng.random() * TOPIC_PICK[-1])]
    writer = Writer(rng, topic, NAMES)
    while True:
        title = writer.title()[:250]
        when = START + timedelta(minutes=rng.randrange(SPAN_MINUTES))
        if (title.casefold(), when.date()) not in seen:
            seen.add((title.casefold(), when.date()))
            break
    paragraphs, captions = writer.body()
    blocks = list(paragraphs)
    for caption in captions:
        blocks.insert(rng.randrange(1, len(blocks) + 1), f"Ảnh: {caption}")
    chrome = rng.choice(["", "In bài viết\n\nThống kê truy cập", "Xem với cỡ chữ"])
    text = "\n\n".join(
        [
            title,
            meta_line(rng, when, rng.randint(0, 50000)),
            writer.lead(),
            *blocks,
            byline(rng, writer),
            chrome,
        ]
    )
    return text.strip() + "\n", len(captions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--photos-every", type=int, default=10)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    photos = args.out / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    templates = [photos.parent / f".template-{n}.jpg" for n in range(1, PHOTO_TEMPLATES + 1)]
    for number, path in enumerate(templates, start=1):
        draw_photo(path, number, "")
    seen: set = set()
    photo_count = 0
    for number in range(args.count):
        folder = args.out / "exports" / f"{number // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        text, captions = export_text(rng, seen)
        stem = f"bai-{number:06d}"
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        if args.photos_every and number % args.photos_every == 0:
            for n in range(1, captions + 1):
                shutil.copyfile(rng.choice(templates), photos / f"{stem}-{n}.jpg")
                photo_count += 1
    print(json.dumps({"exports": args.count, "photos": photo_count}))


if __name__ == "__main__":
    main()
