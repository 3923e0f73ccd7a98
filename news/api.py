"""The read-only public API: Wagtail API v2 for articles and events at /api/v2/.

Only live, public pages appear (Wagtail's public queryset; no authentication is
accepted). Listings are paginated with ?limit= (at most WAGTAILAPI_LIMIT_MAX) and
?offset=, and every client address is limited to API_RATE requests.
"""

import re
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.http import Http404
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from core.security import client_address
from news.models import ArticlePage, EventPage

READ_ONLY = ["get", "head", "options"]
# Ids and offsets beyond a signed 64-bit integer cannot reach the database.
MAX_INTEGER = 2**63 - 1
INTEGER_PARAMETERS = (
    "limit",
    "offset",
    "child_of",
    "descendant_of",
    "ancestor_of",
    "translation_of",
)


class APIRateThrottle(SimpleRateThrottle):
    """API_RATE ("120/min") per client address, counted in the shared cache."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


def check_filter_value(model, name: str, value: str) -> None:
    """Read a field filter's value the way the database field will, before the query
    is built: an unreadable value is the client's mistake (400), not a server error."""
    try:
        field = model._meta.get_field(name)
    except LookupError:
        return
    if field.many_to_many or field.one_to_many:
        return  # tags and other relations filter by name
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.BooleanField):
        return  # Wagtail parses booleans itself and answers 400
    try:
        python_value = target.to_python(value)
        if isinstance(python_value, datetime) and timezone.is_naive(python_value):
            python_value = timezone.make_aware(python_value)
        if python_value is not None:
            target.get_db_prep_value(python_value, connection=connection, prepared=False)
    except (ValidationError, ValueError, TypeError, OverflowError) as error:
        raise BadRequestError(f"{name}: '{value}' is not a valid value") from error
    if isinstance(python_value, int) and abs(python_value) > MAX_INTEGER:
        raise BadRequestError(f"{name} is out of range")


class PublicPagesViewSet(PagesAPIViewSet):
    http_method_names = READ_ONLY
    throttle_classes = [APIRateThrottle]
    authentication_classes = []
    default_order = ("-first_published_at", "-pk")

    def listing_view(self, request):
        self.check_query(request)
        return super().listing_view(request)

    def detail_view(self, request, pk):
        if not 0 < int(pk) <= MAX_INTEGER:
            raise Http404
        self.check_query(request)
        return super().detail_view(request, pk)

    def find_view(self, request):
        self.check_query(request)
        return super().find_view(request)

    def check_query(self, request):
        """Refuse what the database cannot take, with the reason: NUL characters, huge
        integers, and field filters whose value the field cannot read (?published_at=2026)."""
        for key, value in request.GET.items():
            if "\x00" in key or "\x00" in value:
                raise BadRequestError("query parameters must not contain NUL characters")
        for name in INTEGER_PARAMETERS:
            value = request.GET.get(name, "").strip()
            if re.fullmatch(r"-?[0-9]+", value) and abs(int(value)) > MAX_INTEGER:
                raise BadRequestError(f"{name} is out of range")
        filters = {*self.get_available_fields(self.model, db_fields_only=True), "id"}
        for name, value in request.GET.items():
            if name in filters and name != "locale":
                check_filter_value(self.model, name, value)

    def get_queryset(self):
        # The endpoint's own page type only, whatever ?type= asks for.
        base = self.get_base_queryset().type(self.model).values_list("pk", flat=True)
        return self.model.objects.filter(pk__in=base).order_by(*self.default_order)


class ArticlesAPIViewSet(PublicPagesViewSet):
    model = ArticlePage
    default_order = ("-published_at", "-pk")
    listing_default_fields = [
        *PagesAPIViewSet.listing_default_fields,
        "kicker",
        "lead",
        "published_at",
        "section",
        "authors",
        "view_count",
    ]


class EventsAPIViewSet(PublicPagesViewSet):
    model = EventPage
    default_order = ("-start_at", "-pk")
    listing_default_fields = [
        *PagesAPIViewSet.listing_default_fields,
        "start_at",
        "end_at",
        "all_day",
        "location",
        "lead",
        "section",
    ]


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("articles", ArticlesAPIViewSet)
api_router.register_endpoint("events", EventsAPIViewSet)
