"""python manage.py prepare_renditions: make every image's renditions ahead of time."""

from django.core.management.base import BaseCommand
from wagtail.images import get_image_model

from news.renditions import prepare


class Command(BaseCommand):
    help = "Generate the WebP and JPEG renditions the templates use, for every image."

    def handle(self, *args, **options):
        images = get_image_model().objects.all().iterator(chunk_size=200)
        count = prepare(images)
        self.stdout.write(f"Renditions ready for {count} image(s).")
