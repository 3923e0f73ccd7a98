"""Create an administrator if there is none, and print the password once."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the 'admin' superuser with a random password when no superuser exists."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="The site's address, printed with the account (`make run` serves this one).",
        )

    def handle(self, *args, username, url, **options):
        user_model = get_user_model()
        url = url.rstrip("/") + "/"
        if user_model.objects.filter(is_superuser=True).exists():
            lines = ["An administrator already exists; no account was created."]
        else:
            password = secrets.token_urlsafe(12)
            user_model.objects.create_superuser(username=username, email="", password=password)
            lines = [
                "Created an administrator (change the password after logging in):",
                f"  user:     {username}",
                f"  password: {password}",
            ]
        lines += [f"  admin:    {url}admin/", f"  site:     {url}"]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
