from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from hitcount.models import BlacklistIP, BlacklistUserAgent

from .services.readers import blacklists


@receiver([post_save, post_delete], sender=BlacklistIP)
@receiver([post_save, post_delete], sender=BlacklistUserAgent)
def _blacklist_changed(**kwargs) -> None:
    blacklists.clear()
