"""Permanent redirects from an imported article's old addresses to its new page.

An export names its old address on a line of its own ("URL: https://..."), a saved page
in its canonical link, and an archive may list them in a `redirects.csv` (old URL, file
name) beside the files. Each address becomes a Wagtail redirect (wagtail.contrib.redirects),
so editors see and edit them under Settings > Redirects, and the old path, with its query
string where the old portal used one (`?ArticleID=123`), answers 301 with the new page.

The importer hands over (parsed article, page) pairs a batch at a time:
`create_redirects(pairs)`, inside the transaction that created the batch's pages, and for
files found already imported (a rerun after a killed run makes what it had not reached).
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db import transaction
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from .parser import ParsedExport

SHEET_NAME = "redirects.csv"
MAX_SHEET_BYTES = 20 * 1024 * 1024  # about 100,000 rows of long addresses
BATCH = 500
OLD_PATH_LIMIT = Redirect._meta.get_field("old_path").max_length


class BadAddress(ValueError):
    """An old address no redirect can be made from; the message is the reason."""


@dataclass
class RedirectReport:
    created: int = 0
    existing: int = 0  # already in place from an earlier run, pointing at the same page
    problems: list[str] = field(default_factory=list)

    def add(self, other: RedirectReport) -> None:
        self.created += other.created
        self.existing += other.existing
        self.problems.extend(other.problems)


def old_path(url: str) -> str:
    """The path (and query string) Wagtail matches for an old address, normalised its way."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BadAddress(f"'{url}' is not a web address ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BadAddress(f"'{url}' is not a web address (http:// or https://)")
    path = Redirect.normalise_path(url)
    if path == "/":
        raise BadAddress(f"'{url}' is the old site's home page, not an article")
    if len(path) > OLD_PATH_LIMIT:
        raise BadAddress(f"'{url}' is longer than the {OLD_PATH_LIMIT} characters a redirect holds")
    return path


def create_redirects(
    pairs: Iterable[tuple[ParsedExport, Page]], *, site: Site | None = None
) -> RedirectReport:
    """Make a permanent redirect from every old address of each parsed article to its page.

    Idempotent: an address already redirecting to the same page is left as it is, and one
    that an editor (or another article) already sends elsewhere is reported, not changed.
    `site=None` makes the redirects answer on every site, as the old domain usually comes
    to the portal's default site once its DNS is moved.
    """
    report = RedirectReport()
    wanted: dict[str, Page] = {}
    for parsed, page in pairs:
        for url in parsed.original_urls:
            try:
                path = old_path(url)
            except BadAddress as exc:
                report.problems.append(f"{page.title}: {exc}")
                continue
            if path == Redirect.normalise_path(page.url or ""):
                continue  # the page's own new address (a page saved from this portal)
            other = wanted.setdefault(path, page)
            if other.pk != page.pk:
                report.problems.append(
                    f"{page.title}: old address '{url}' is also given for '{other.title}'; "
                    "it redirects to the first"
                )
    if not wanted:
        return report

    paths = list(wanted)
    existing = {
        redirect.old_path: redirect
        for start in range(0, len(paths), BATCH)  # SQLite caps the parameters of a query
        for redirect in Redirect.objects.filter(
            site=site, old_path__in=paths[start : start + BATCH]
        )
    }
    new = []
    for path, page in wanted.items():
        redirect = existing.get(path)
        if redirect is None:
            new.append(Redirect(old_path=path, site=site, redirect_page=page, is_permanent=True))
        elif redirect.redirect_page_id == page.pk:
            report.existing += 1
        else:
            report.problems.append(
                f"{page.title}: old address '{path}' already redirects elsewhere "
                f"(redirect #{redirect.pk}); left as it is"
            )
    with transaction.atomic():
        Redirect.objects.bulk_create(new, batch_size=BATCH)
    report.created = len(new)
    return report


def _dialect(text: str) -> type[csv.Dialect]:
    """Commas, or the semicolons Excel writes where the decimal mark is a comma (Vietnamese)."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


@dataclass
class RedirectSheets:
    """The `redirects.csv` files beside the exports, read once per folder.

    A bad row is reported with its line and reason and gives no address; the other
    rows still count.
    """

    problems: list[str] = field(default_factory=list)
    _folders: dict[Path, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def urls_for(self, export: Path) -> tuple[str, ...]:
        folder = export.parent.resolve()
        if folder not in self._folders:
            self._folders[folder] = self._read(folder / SHEET_NAME)
        return self._folders[folder].get(export.name, ())

    def with_sheet_urls(self, parsed: ParsedExport, export: Path) -> ParsedExport:
        """The parsed article with the addresses its folder's sheet lists for it added."""
        extra = self.urls_for(export)
        if not extra:
            return parsed
        urls = tuple(dict.fromkeys((*parsed.original_urls, *extra)))
        return dataclasses.replace(parsed, original_urls=urls)

    def _read(self, sheet: Path) -> dict[str, tuple[str, ...]]:
        if not sheet.is_file():
            return {}
        try:
            if sheet.stat().st_size > MAX_SHEET_BYTES:
                raise ValueError(f"larger than {MAX_SHEET_BYTES // (1024 * 1024)} MB")
            text = sheet.read_bytes().decode("utf-8-sig")
        except (OSError, ValueError) as exc:
            reason = exc.reason if isinstance(exc, UnicodeDecodeError) else exc
            self.problems.append(f"{sheet}: cannot be read ({reason}); no redirect taken from it")
            return {}
        urls: dict[str, list[str]] = {}
        owner: dict[str, tuple[str, int]] = {}
        for line, row in enumerate(csv.reader(text.splitlines(), _dialect(text)), start=1):
            cells = [cell.strip() for cell in row]
            if not any(cells) or (line == 1 and "://" not in cells[0]):
                continue  # blank lines and a header row
            try:
                url, name = self._check_row(sheet.parent, cells)
                path = old_path(url)
                if path in owner and owner[path][0] != name:
                    raise BadAddress(
                        f"'{url}' is already given for {owner[path][0]} on line {owner[path][1]}"
                    )
            except BadAddress as exc:
                self.problems.append(f"{sheet} line {line}: {exc}")
                continue
            owner.setdefault(path, (name, line))
            urls.setdefault(name, []).append(url)
        return {name: tuple(found) for name, found in urls.items()}

    @staticmethod
    def _check_row(folder: Path, cells: list[str]) -> tuple[str, str]:
        if len(cells) != 2 or not all(cells):
            raise BadAddress("expected two filled columns, old URL and file name")
        url, name = cells
        if Path(name).name != name or not (folder / name).is_file():
            raise BadAddress(f"no file '{name}' beside the sheet")
        return url, name
