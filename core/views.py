"""Operational endpoints."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not.

    A Redis outage is reported in the body but keeps the server in rotation, because
    pages still render with the cache bypassed.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        logger.exception("health check: database unavailable")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    cache_state = "ok"
    try:
        cache.get("healthz")
    except Exception:  # noqa: BLE001
        cache_state = "degraded"
    return HttpResponse(f"ok cache={cache_state}\n", content_type="text/plain")
