"""Django admin: django-hitcount registers HitCount, Hit and its blacklists itself."""

from django.contrib import admin

from .models import DailyPageViews


@admin.register(DailyPageViews)
class DailyPageViewsAdmin(admin.ModelAdmin):
    list_display = ("hitcount", "day", "views")
    list_filter = ("day",)
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
