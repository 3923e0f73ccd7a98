"""python manage.py import_articles PATH [PATH ...] [--parent PAGE_ID] [--images DIR]

PATH: text exports (.txt), saved pages (.html with their `_files` folder) or folders of
them; a `redirects.csv` (old URL, file name) beside the files adds old addresses."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.logs import quiet_unless_verbose
from news.importer.redirects import RedirectSheets, create_redirects
from news.importer.service import HTML_SUFFIXES, import_file
from news.models import NewsIndexPage
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

    def handle(self, *args, verbosity, **options):
        with quiet_unless_verbose(verbosity):
            self.import_all(**options)

    def import_all(self, *, paths, parent, images, **options):
        section = self.find_section(parent)
        if images is not None and not images.is_dir():
            raise CommandError(f"--images {images}: not a folder")
        files = self.collect(paths)
        if not files:
            raise CommandError("No export files found in the given paths.")

        counts = {"created": 0, "skipped": 0, "failed": 0}
        created_pages = []
        failures = []
        sheets = RedirectSheets()
        imported = []  # (parsed article, page), created or already there, for the redirects
        width = len(str(len(files)))
        for number, path in enumerate(files, start=1):
            result = import_file(path, section, images)
            counts[result.status] += 1
            line = f"[{number:>{width}}/{len(files)}] {result.status:<7} {path}"
            if result.status == "failed":
                failures.append(result)
                self.stderr.write(self.style.ERROR(f"{line}: {result.reason}"))
            else:
                if result.status == "created":
                    created_pages.append(result.page)
                imported.append((sheets.with_sheet_urls(result.parsed, path), result.page))
                detail = f" -> {result.page.url_path}" if result.page else ""
                self.stdout.write(f"{line}{detail}")

        self.prepare_renditions(created_pages)
        redirects = create_redirects(imported)
        self.stdout.write(
            "Imported {created}, skipped {skipped} already imported, failed {failed}.".format(
                **counts
            )
        )
        self.stdout.write(
            f"Redirects from old addresses: {redirects.created} created, "
            f"{redirects.existing} already in place."
        )
        problems = [*sheets.problems, *redirects.problems]
        for problem in problems:
            self.stderr.write(self.style.ERROR(f"redirect not made: {problem}"))
        if failures or problems:
            names = "; ".join(f"{f.path.name}: {f.reason}" for f in failures)
            message = f"{len(failures)} file(s) could not be imported: {names}" if failures else ""
            if problems:
                message += f"{'; ' if message else ''}{len(problems)} redirect(s) not made: "
                message += "; ".join(problems)
            raise CommandError(message)

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
            self.stdout.write(f"Renditions ready for {len(images)} photo(s).")

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
