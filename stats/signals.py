from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from hitcount.models import BlacklistIP, BlacklistUserAgent, HitCount
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .services import pages, popular
from .services.readers import blacklists


@receiver([post_save, post_delete], sender=BlacklistIP)
@receiver([post_save, post_delete], sender=BlacklistUserAgent)
def _blacklist_changed(**kwargs) -> None:
    blacklists.clear()


@receiver(page_published)
@receiver(page_unpublished)
def _page_changed(instance, **kwargs) -> None:
    """This process forgets the page at once; others within STATS_PAGE_CACHE_SECONDS."""
    pages.cache.forget(instance.pk)
    popular.local.clear()


@receiver(post_delete)
def _page_or_counter_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        pages.cache.forget(instance.pk)
        popular.local.clear()
    elif isinstance(instance, HitCount):
        pages.cache.forget()
