from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import routing, security, views
from news.api import api_router

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    # Wagtail's logout, without its side effects on a GET it refuses (core.security)
    path("admin/logout/", security.LogoutView.as_view(), name="wagtailadmin_logout"),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's password form for restricted documents, locked out like a login
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        security.document_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("stats/", include("stats.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("search/", include("search.urls")),
    # workflow, feeds, api, security (issue 6)
    path("feeds/", include("news.feeds")),
    path("", include("news.sitemaps")),
    path("api/v2/", api_router.urls),
    # Wagtail's page-password form, locked out like a login (core.security), its input
    # checked (core.restrictions)
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        security.page_password,
        name="wagtailcore_authenticate_with_password",
    ),
    # Wagtail's URLs, with its page-serving view routed in fewer queries (core.routing)
    *[
        pattern
        for pattern in wagtail_urls.urlpatterns
        if pattern.name not in {"wagtail_serve", "wagtailcore_authenticate_with_password"}
    ],
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
]
