from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from hitcount.models import BlacklistIP, BlacklistUserAgent, HitCount
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.models import PortalSettings

from .reports import portals
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


@receiver(post_save, sender=HitCount)
def _counter_created(instance, created, **kwargs) -> None:
    """A page counted for the first time joins its portal's figures (its views written
    meanwhile move with it)."""
    if created:
        portals.regroup([int(instance.object_pk)])


@receiver(post_page_move)
def _page_moved(instance, **kwargs) -> None:
    portals.regroup_subtree(Page.objects.get(pk=instance.pk))


@receiver([post_save, post_delete], sender=Site)
def _portal_homes_changed(**kwargs) -> None:
    """A portal added, removed or given another home: counted pages follow."""
    portals.regroup()
