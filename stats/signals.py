from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from hitcount.models import BlacklistIP, BlacklistUserAgent, HitCount
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished

from core.models import PortalSettings

from .services import pages, popular, sites
from .services.readers import blacklists


@receiver([post_save, post_delete], sender=BlacklistIP)
@receiver([post_save, post_delete], sender=BlacklistUserAgent)
def _blacklist_changed(**kwargs) -> None:
    blacklists.clear()


@receiver([post_save, post_delete], sender=Site)
@receiver([post_save, post_delete], sender=PortalSettings)
def _portals_changed(**kwargs) -> None:
    """This process finds hosts and widget settings again at once; others within
    STATS_PAGE_CACHE_SECONDS."""
    sites.memo.clear()


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
