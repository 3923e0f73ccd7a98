from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from stats.conf import conf
from stats.models import JournalMark, NewReaders, ReaderMark, SiteVisitor
from stats.services import batch
from stats.services.stores import minute_of

# A journal is replayed within seconds of its process's death; a mark this old guards
# nothing any more.
JOURNAL_MARK_AGE = timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Delete expired presence and 'already counted' marks and past minutes' new-reader "
        "counts (embedded default); with Redis, write the journals of app processes that "
        "died (also done every STATS_RECOVER_SECONDS by the app's writer threads). Run it "
        "beside django-hitcount's hitcount_cleanup, e.g. daily from cron."
    )

    def handle(self, *args, **options):
        settings = conf()
        now = timezone.now()
        visitors, _ = SiteVisitor.objects.filter(
            last_seen__lt=now - max(settings.visit_idle_gap, settings.online_window)
        ).delete()
        marks, _ = ReaderMark.objects.filter(counted_at__lt=now - settings.view_window).delete()
        minutes, _ = NewReaders.objects.filter(minute__lt=minute_of(now) - 1).delete()
        replayed = batch.recover()
        JournalMark.objects.filter(updated__lt=now - JOURNAL_MARK_AGE).delete()
        self.stdout.write(
            f"Removed {visitors} visitors, {marks} reader marks and {minutes} new-reader "
            f"counts; wrote {replayed} views and visits of dead processes' journals."
        )
