from django.core.management.base import BaseCommand, CommandError

from stats import services


class Command(BaseCommand):
    help = 'Set the starting "Đã truy cập" total carried over from the previous portal.'

    def add_arguments(self, parser):
        parser.add_argument("total", type=int)

    def handle(self, *args, total, **options):
        if total < 0:
            raise CommandError("The starting total cannot be negative.")
        self.stdout.write(f"Total visits now {services.set_visits_start(total)}.")
