"""python manage.py search_index --rebuild | --check [--engine database|elasticsearch]"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search import items, service


class Command(BaseCommand):
    help = (
        "Rebuild the archive search index (a new Elasticsearch index behind an atomic alias "
        "swap; the database index in one transaction) or check it for missing and stale "
        "entries."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="reload every entry")
        action.add_argument(
            "--check", action="store_true", help="report missing, stale and extra entries"
        )
        parser.add_argument(
            "--engine",
            choices=["database", "elasticsearch", "all"],
            default="all",
            help="which index (default: the database and, when configured, Elasticsearch)",
        )

    def handle(self, *args, rebuild=False, check=False, engine="all", **options):
        available = [kept.name for kept in service.engines()]
        if engine == "all":
            chosen = available
        elif engine not in available:
            raise CommandError(f"{engine} is not configured (set ELASTICSEARCH_URL)")
        else:
            chosen = [engine]
        # Not named check(): that is BaseCommand.check(), the system checks that
        # manage.py runs before handle().
        if rebuild:
            self.rebuild_indexes(chosen)
        else:
            self.check_indexes(chosen)

    def rebuild_indexes(self, engines):
        total = items.count_indexable()
        for engine in engines:
            self.stdout.write(f"{engine}: indexing {total} pages")
            started = time.monotonic()

            def progress(done, engine=engine, started=started):
                elapsed = time.monotonic() - started
                self.stdout.write(f"  {engine}: {done}/{total} ({elapsed:.1f} s)")
                sys.stdout.flush()

            try:
                count = service.rebuild(engine, progress)
            except service.errors() as exc:
                raise CommandError(f"{engine}: rebuild failed: {exc}") from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"{engine}: {count} entries in {time.monotonic() - started:.1f} s"
                )
            )

    def check_indexes(self, engines):
        problems = 0
        for engine in engines:
            try:
                report = service.check(engine)
            except service.errors() as exc:
                raise CommandError(f"{engine}: check failed: {exc}") from exc
            for kind, ids in report.items():
                if ids:
                    problems += len(ids)
                    shown = ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
                    self.stdout.write(f"{engine}: {len(ids)} {kind}: {shown}")
            if not any(report.values()):
                self.stdout.write(self.style.SUCCESS(f"{engine}: index is up to date"))
        if problems:
            raise CommandError(f"{problems} problems; run search_index --rebuild")
