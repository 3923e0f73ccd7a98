from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from wagtail.models import PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .models import PortalSettings
        from .pagecache import invalidate_on_commit, purge_page_on_commit

        # Publishing and unpublishing purge the portals that show the page; a move may
        # take it from one portal to another, so it purges them all.
        for signal in (page_published, page_unpublished):
            signal.connect(purge_page_on_commit, dispatch_uid=f"pagecache-{id(signal)}")
        post_page_move.connect(invalidate_on_commit, dispatch_uid="pagecache-move")
        post_delete.connect(self.page_deleted, dispatch_uid="pagecache-delete")
        # A changed Site changes URLs, and core.routing remembers Site lookups.
        for signal in (post_save, post_delete):
            signal.connect(invalidate_on_commit, sender=Site, dispatch_uid=f"site-{id(signal)}")
        # A page made private (or public again), or a change of who may see it, changes
        # that page, its descendants and every listing of them; the cached copies of
        # them all, and core.privacy's list of restricted pages, go at once.
        for signal in (post_save, post_delete):
            signal.connect(
                invalidate_on_commit,
                sender=PageViewRestriction,
                dispatch_uid=f"privacy-{id(signal)}",
            )
        # The frame (banner, footer) is part of every cached page.
        for signal in (post_save, post_delete):
            signal.connect(
                invalidate_on_commit,
                sender=PortalSettings,
                dispatch_uid=f"portal-settings-{id(signal)}",
            )
        m2m_changed.connect(
            invalidate_on_commit,
            sender=PageViewRestriction.groups.through,
            dispatch_uid="privacy-groups",
        )

    @staticmethod
    def page_deleted(sender, instance, **kwargs):
        from wagtail.models import Page

        from .pagecache import invalidate_on_commit

        if isinstance(instance, Page):
            invalidate_on_commit()
