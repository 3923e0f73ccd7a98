from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views

admin_urlpatterns = ([path("", admin_views.dashboard, name="dashboard")], "stats_admin")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("stats/", include(admin_urlpatterns))]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return MenuItem(
        _("Visitor statistics"), reverse("stats_admin:dashboard"), icon_name="view", order=900
    )
