from django.conf import settings


def session(request):
    """`has_session`: the request carries a session cookie (only editors have one; the
    page cache and the proxy bypass such requests). Reading the cookie, not the session,
    keeps readers' pages free of "Vary: Cookie"."""
    return {"has_session": settings.SESSION_COOKIE_NAME in request.COOKIES}
