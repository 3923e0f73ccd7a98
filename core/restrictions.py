"""The page-password form (Wagtail's authenticate_with_password), with its input checked.

Wagtail redirects to the posted return_url once the password is right. A relative value
that is not a path ("foo", '"><img ...>') passes its host check, and Django's redirect()
then tries it as a view name and raises: the reader got a 500 instead of the page.
"""

from django.http import Http404
from wagtail import views as wagtail_views

MAX_ID = 2**63 - 1


def authenticate_with_password(request, page_view_restriction_id, page_id):
    if not (0 < page_view_restriction_id <= MAX_ID and 0 < page_id <= MAX_ID):
        raise Http404  # ids the database cannot hold match nothing
    if request.method == "POST":
        return_url = request.POST.get("return_url", "")
        if not return_url.startswith("/") or return_url.startswith("//"):
            data = request.POST.copy()
            data["return_url"] = "/"
            request.POST = data
    return wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)
