"""sitemap.xml (every public page), the Google News sitemap and robots.txt."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from .feeds import current_site
from .models import ArticlePage
from .text import xml_safe

# Google News reads at most 1,000 articles of the last two days.
NEWS_SITEMAP_LIMIT = 1000


@require_GET
def news_sitemap(request):
    site = current_site(request)
    since = timezone.now() - timedelta(days=settings.NEWS_SITEMAP_DAYS)
    articles = (
        ArticlePage.objects.published()
        .descendant_of(site.root_page)
        # Another portal's article featured here is listed by its own portal.
        .filter(alias_of__isnull=True)
        .filter(published_at__gte=since, published_at__lte=timezone.now())
        .newest()
        .defer_streamfields()[:NEWS_SITEMAP_LIMIT]
    )
    context = {
        "articles": [
            (article, article.get_full_url(request), xml_safe(article.title))
            for article in articles
        ],
        "publication": xml_safe(settings.NEWS_PUBLICATION_NAME or site.site_name),
    }
    return render(request, "news/sitemaps/news.xml", context, content_type="application/xml")


class PortalSitemap(Sitemap):
    """Wagtail's sitemap of the request's portal, without the aliases of other portals'
    pages: their canonical URL is on their own portal, whose sitemap lists them."""

    def items(self):
        return super().items().filter(alias_of__isnull=True)


def sitemap(request):
    return wagtail_sitemap(request, sitemaps={"wagtail": PortalSitemap})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /search/",
        "Disallow: /stats/",
        "Disallow: /api/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news-sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("sitemap.xml", sitemap, name="sitemap"),
    path("news-sitemap.xml", news_sitemap, name="news-sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
]
