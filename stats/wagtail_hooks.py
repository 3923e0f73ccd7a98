from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from . import admin_views
from .reports import portals
from .reports import views as reports

admin_urlpatterns = (
    [
        path("", admin_views.dashboard, name="dashboard"),
        path("online/", reports.online, name="online"),
        path("page/<int:page_id>/", reports.page_history, name="page_history"),
    ],
    "stats_admin",
)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("stats/", include(admin_urlpatterns))]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return MenuItem(
        _("Visitor statistics"), reverse("stats_admin:dashboard"), icon_name="view", order=900
    )


class PageStatisticsButton(PageMenuItem):
    label = reports.HISTORY_LABEL
    icon_name = "view"
    url_name = "stats_admin:page_history"
    priority = 66


@hooks.register("register_page_header_buttons")
def page_statistics_button(page, user, view_name, next_url=None):
    """ "Thống kê lượt xem" in a counted page's menu (edit view and listings)."""
    if reports.can_view(user) and reports.is_counted(page):
        yield PageStatisticsButton(page=page)


# Each portal's own figures: its pages as a group of kind "site" (stats.reports.portals).
hooks.register("register_stats_groups", portals.SiteGroups)
