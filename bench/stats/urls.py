import functools
import json

from django.http import JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal import urls as portal_urls
from stats.services import batch, pages, readers, sites, stores


def _same_json(request) -> dict:
    data = json.loads(request.body or b"{}")
    return {"counted": False, "reason": "bare", "views": data.get("page"), "online": 0, "visits": 0}


@csrf_exempt
@require_POST
def bare(request):
    """The same JSON as the beacon, parsed the same way, without counting anything."""
    return JsonResponse(_same_json(request))


@functools.cache
def _caller():
    store = stores.get_store()
    if not isinstance(store, stores.RedisStore):
        raise RuntimeError("the round-trip floor needs REDIS_URL")
    return store.client.register_script("return 1")


@csrf_exempt
@require_POST
def roundtrip(request):
    """The bare view plus the cheapest Redis round trip the beacon's client can make
    (EVALSHA of `return 1`, nothing read or written): the floor of any beacon whose
    decision is taken in Redis during the request."""
    _caller()()
    return JsonResponse(_same_json(request))


@csrf_exempt
@require_POST
def record(request):
    """The bare view plus the durable record of a counted view and a new visit, exactly
    as a counted beacon queues them, with no decision at all: the floor of any design
    that keeps django-hitcount's Hit row for every counted view."""
    data = _same_json(request)
    target = pages.find(data["views"])
    ip = readers.client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    view = batch.View(target, readers.mint_reader(), ip, user_agent, None, timezone.now())
    batch.record(view, True, sites.for_request(request).key)
    return JsonResponse(data)


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/roundtrip/", roundtrip),
    path("bench/record/", record),
    path("", include(portal_urls)),
]
