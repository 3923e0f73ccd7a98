import json

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal import urls as portal_urls


@csrf_exempt
@require_POST
def bare(request):
    """The same JSON as the beacon, parsed the same way, without counting anything."""
    data = json.loads(request.body or b"{}")
    return JsonResponse(
        {
            "counted": False,
            "reason": "bare",
            "views": data.get("page"),
            "online": 0,
            "visits": 0,
        }
    )


urlpatterns = [path("bench/bare/", bare), path("", include(portal_urls))]
