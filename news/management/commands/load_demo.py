"""python manage.py load_demo: a small, believable site. Idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.logs import quiet_unless_verbose
from news.demo.builder import build_demo_site
from news.models import NewsIndexPage


class Command(BaseCommand):
    help = "Create the demo sections, authors, articles and events (a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site already has news sections (used by `make run`).",
        )

    def handle(self, *args, if_empty, **options):
        if if_empty and NewsIndexPage.objects.exists():
            self.stdout.write("The site already has content; demo content was not loaded.")
            return
        with quiet_unless_verbose(options["verbosity"]), transaction.atomic():
            report = build_demo_site()
        for line in report:
            self.stdout.write(line)
