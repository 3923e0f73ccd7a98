"""python manage.py create_portal NAME HOST [--site-name TEXT] [--port N]

A district portal: its Site, home, standard sections, editors' and moderators' groups,
collection and moderation workflow (news/portals.py). Running it again completes what
is missing and changes nothing else.
"""

from django.core.management.base import BaseCommand, CommandError

from core.logs import quiet_unless_verbose
from news.portals import PortalError, create_portal


class Command(BaseCommand):
    help = "Create (or complete) a district portal served on its own host name."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The district's short name, e.g. “Yên Phong”.")
        parser.add_argument("host", help="The portal's host name, e.g. yenphong.bacninh.gov.vn.")
        parser.add_argument(
            "--site-name",
            default="",
            help="The name readers see (default: the short name), "
            "e.g. “Cổng thông tin điện tử huyện Yên Phong”.",
        )
        parser.add_argument("--port", type=int, default=80, help="The port of its URLs (80).")

    def handle(self, *args, name, host, site_name, port, verbosity, **options):
        if not 1 <= port <= 65535:
            raise CommandError(f"--port {port}: not a port number")
        try:
            with quiet_unless_verbose(verbosity):
                result = create_portal(name, host, site_name=site_name, port=port)
        except PortalError as error:
            raise CommandError(str(error)) from None
        for line in result.created or ["The portal is complete; nothing changed."]:
            self.stdout.write(line)
        site = result.portal.site
        self.stdout.write(f"site: {site.root_url}/ (home page id {result.home.pk})")
        self.stdout.write(f"groups: {result.portal.editors.name}, {result.portal.moderators.name}")
