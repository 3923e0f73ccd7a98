"""python manage.py import_articles PATH [PATH ...] [--parent PAGE_ID] [--images DIR]

PATH: text exports (.txt), saved pages (.html with their `_files` folder) or folders of
them; a `redirects.csv` (old URL, file name) beside the files adds old addresses."""

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.logs import quiet_unless_verbose
from news.importer.lock import ImportRunning, import_lock
from news.importer.progress import Progress
from news.importer.service import HTML_SUFFIXES, Importer
from news.models import ArticlePage, NewsIndexPage
from news.renditions import prepare

EXPORT_SUFFIXES = {".txt", ".text", *HTML_SUFFIXES}


class Command(BaseCommand):
    help = (
        "Import plain-text exports or saved HTML pages from older portals as published "
        "articles, with permanent redirects from their old addresses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            type=Path,
            help="Text exports, saved .html pages (with their _files folder) or folders of them.",
        )
        parser.add_argument("--parent", type=int, help="ID of the news section to import into.")
        parser.add_argument(
            "--images", type=Path, help="Folder with photos named <file-stem>-1.jpg, -2.jpg, …"
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=200,
            help="Articles written per transaction (default 200).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Processes reading and parsing files while this one writes (0: none).",
        )
        parser.add_argument(
            "--renditions",
            action="store_true",
            help="Also make the photos' renditions after each batch (much slower; by "
            "default Wagtail makes each when a reader first asks, or run prepare_renditions).",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show the progress bar even when stderr is not a terminal.",
        )
        parser.add_argument(
            "--failures",
            type=Path,
            help="CSV of the files that failed and why (default: a new file in the "
            "system's temporary folder, named in the summary).",
        )

    def handle(self, *args, verbosity, **options):
        with quiet_unless_verbose(verbosity):
            try:
                with import_lock():
                    self.import_all(verbosity=verbosity, **options)
            except ImportRunning as exc:
                raise CommandError(str(exc)) from None

    def import_all(self, *, paths, parent, images, batch_size, workers, verbosity, **options):
        section = self.find_section(parent)
        if images is not None and not images.is_dir():
            raise CommandError(f"--images {images}: not a folder")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        files = self.collect(paths)
        if not files:
            raise CommandError("No export files found in the given paths.")

        show_bar = options["progress"] or sys.stderr.isatty()
        bar = Progress(len(files), sys.stderr if show_bar else None)
        failures = FailureLog(options["failures"])
        counts = {"created": 0, "skipped": 0, "failed": 0}
        to_render: list[ArticlePage] = []
        width = len(str(len(files)))
        started = time.monotonic()
        importer = Importer(section, images, batch_size=batch_size, workers=workers)
        try:
            for number, result in enumerate(importer.run(files), start=1):
                counts[result.status] += 1
                line = f"[{number:>{width}}/{len(files)}] {result.status:<7} {result.path}"
                if result.status == "failed":
                    failures.add(result.path, result.reason)
                    bar.clear()
                    self.stderr.write(self.style.ERROR(f"{line}: {result.reason}"))
                else:
                    if result.status == "created" and options["renditions"]:
                        to_render.append(result.page)
                    if verbosity >= 2 or (verbosity == 1 and not show_bar):
                        bar.clear()
                        detail = f" -> {result.page.url_path}" if result.page else ""
                        self.stdout.write(f"{line}{detail}")
                if len(to_render) >= batch_size:
                    self.prepare_renditions(to_render)
                    to_render = []
                bar.advance()
            self.prepare_renditions(to_render)
        finally:
            bar.close()
            failures.close()
        self.summarise(counts, len(files), time.monotonic() - started, failures, importer)

    def summarise(self, counts, total, elapsed, failures, importer) -> None:
        self.stdout.write(
            "Imported {created}, skipped {skipped} already imported, failed {failed}.".format(
                **counts
            )
        )
        self.stdout.write(
            f"{total} file(s) in {elapsed:.1f} s: {counts['created'] / max(elapsed, 1e-9):.1f} "
            "articles created a second."
        )
        redirects = importer.redirects
        self.stdout.write(
            f"Redirects from old addresses: {redirects.created} created, "
            f"{redirects.existing} already in place."
        )
        problems = [*importer.sheets.problems, *redirects.problems]
        for problem in problems:
            self.stderr.write(self.style.ERROR(f"redirect not made: {problem}"))
        message = []
        if failures.rows:
            self.stdout.write(f"Failed files and their reasons: {failures.path}")
            names = "; ".join(f"{path.name}: {reason}" for path, reason in failures.rows[:20])
            more = len(failures.rows) - 20
            if more > 0:
                names += f"; and {more} more (see {failures.path})"
            message.append(f"{len(failures.rows)} file(s) could not be imported: {names}")
        if problems:
            message.append(f"{len(problems)} redirect(s) not made: " + "; ".join(problems[:20]))
            if len(problems) > 20:
                message[-1] += f"; and {len(problems) - 20} more (listed above)"
        if message:
            raise CommandError("; ".join(message))

    def prepare_renditions(self, pages) -> None:
        """Make the photos' renditions now, so no reader waits for them."""
        images = [
            block.value["image"]
            for page in pages
            for block in page.body
            if block.block_type == "captioned_image" and block.value["image"]
        ]
        if images:
            prepare(images)

    def find_section(self, parent_id: int | None) -> NewsIndexPage:
        sections = NewsIndexPage.objects.all()
        if parent_id is not None:
            section = sections.filter(pk=parent_id).first()
            if section is None:
                raise CommandError(f"--parent {parent_id}: no news section with that ID")
            return section
        section = sections.order_by("path").first()
        if section is None:
            raise CommandError("There is no news section yet; create one or run load_demo.")
        return section

    @staticmethod
    def is_export(path: Path, folder: Path) -> bool:
        """A text export or a saved page, not a frame or script a browser saved in a
        page's `Name_files/` folder."""
        inside = path.relative_to(folder).parts[:-1]
        return path.suffix.lower() in EXPORT_SUFFIXES and not any(
            part.endswith("_files") for part in inside
        )

    def collect(self, paths: list[Path]) -> list[Path]:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*") if self.is_export(p, path)))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        return files


class FailureLog:
    """The failed files and their reasons, written to CSV as they come (a run killed
    half-way still leaves the list of what failed so far)."""

    def __init__(self, path: Path | None):
        self.path = path
        self.rows: list[tuple[Path, str]] = []
        self.handle = None

    def add(self, path: Path, reason: str) -> None:
        self.rows.append((path, reason))
        if self.handle is None:
            if self.path is None:
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
                self.path = (
                    Path(tempfile.gettempdir()) / f"import-failures-{stamp}-{os.getpid()}.csv"
                )
            self.handle = self.path.open("w", newline="", encoding="utf-8")
            self.writer = csv.writer(self.handle)
            self.writer.writerow(["file", "reason"])
        self.writer.writerow([str(path), reason])
        self.handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
