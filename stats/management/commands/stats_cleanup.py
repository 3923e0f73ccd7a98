from django.core.management.base import BaseCommand
from django.utils import timezone

from stats.conf import conf
from stats.models import NewReaders, ReaderMark, Visitor
from stats.services.stores import minute_of


class Command(BaseCommand):
    help = (
        "Delete expired presence and 'already counted' marks and past minutes' new-reader "
        "counts (embedded default). Run it beside django-hitcount's hitcount_cleanup, "
        "e.g. daily from cron."
    )

    def handle(self, *args, **options):
        settings = conf()
        now = timezone.now()
        visitors, _ = Visitor.objects.filter(
            last_seen__lt=now - max(settings.visit_idle_gap, settings.online_window)
        ).delete()
        marks, _ = ReaderMark.objects.filter(counted_at__lt=now - settings.view_window).delete()
        minutes, _ = NewReaders.objects.filter(minute__lt=minute_of(now) - 1).delete()
        self.stdout.write(
            f"Removed {visitors} visitors, {marks} reader marks and {minutes} new-reader counts."
        )
