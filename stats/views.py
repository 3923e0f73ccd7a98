"""Thin views over stats.services."""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from redis.exceptions import RedisError

from . import services
from .conf import conf
from .services import readers

logger = logging.getLogger(__name__)


def _error(status: int, error: str) -> JsonResponse:
    response = JsonResponse({"counted": False, "error": error}, status=status)
    add_never_cache_headers(response)
    return response


def _page_id(body: bytes) -> int | None:
    """The page id from `{"page": <id>}` (or `{}` for presence only); ValueError if bad."""
    data = json.loads(body or b"{}")
    if not isinstance(data, dict) or set(data) - {"page"}:
        raise ValueError("expected an object with an optional 'page'")
    page = data.get("page")
    if page is None:
        return None
    if isinstance(page, bool) or not isinstance(page, int) or not 0 < page < 2**31:
        raise ValueError("'page' must be a positive integer")
    return page


# The beacon is the same for every reader of cached HTML, so no CSRF token can be in
# the page. Cross-site forms cannot send application/json without a CORS preflight,
# which this endpoint never grants, and browsers mark cross-site fetches.
@csrf_exempt
@require_POST
def beacon(request: HttpRequest) -> JsonResponse:
    # Headers read from META: request.headers builds a dictionary of all of them.
    meta = request.META
    if meta.get("HTTP_SEC_FETCH_SITE", "same-origin") == "cross-site":
        return _error(403, "cross-site beacon")
    if request.content_type != "application/json":
        return _error(415, "expected application/json")
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _error(400, "bad Content-Length")
    if length > conf().max_body_bytes:
        return _error(413, "body too large")
    try:
        page_id = _page_id(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(400, str(exc))

    reader = readers.reader_from(request)
    try:
        result = services.record_beacon(request, reader, page_id)
    except services.UnknownPage:
        return _error(404, "unknown page")
    except RedisError:
        logger.exception("stats: Redis unavailable, beacon not counted")
        return _error(503, "counter unavailable")

    # Without a valid cookie nothing is counted: 428 asks the script to retry once with
    # the cookie set here. Clients that keep no cookies (most bots) are never counted.
    # An address past its new readers of the minute gets no cookie (reason "rate").
    issue = result.decision.reason is services.Reason.NO_READER
    response = JsonResponse(result.as_json(), status=428 if issue else 200)
    if issue:
        readers.set_reader_cookie(response, readers.mint_reader())
    add_never_cache_headers(response)
    return response
