from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from stats import services
from stats.services import sites


class Command(BaseCommand):
    help = (
        'Set a portal\'s starting "Đã truy cập" total carried over from its previous portal '
        "(the default site's unless --site names another)."
    )

    def add_arguments(self, parser):
        parser.add_argument("total", type=int)
        parser.add_argument("--site", metavar="HOSTNAME", help="the portal's host name")

    def handle(self, *args, total, site=None, **options):
        if total < 0:
            raise CommandError("The starting total cannot be negative.")
        if site is None:
            key = sites.default_key()
        else:
            found = Site.objects.filter(hostname=site).order_by("-is_default_site", "pk").first()
            if found is None:
                raise CommandError(f"No site has the host name {site!r}.")
            key = found.pk
        self.stdout.write(f"Total visits now {services.set_visits_start(total, key)}.")
