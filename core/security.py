"""Security headers and login brute-force protection (see docs/security.md)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string

from core import net

# --- Headers ----------------------------------------------------------------------


def _origin(url: str) -> str | None:
    """The origin of an absolute URL (a CDN for media or static files), else None."""
    parts = urlsplit(url or "")
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def public_policy() -> str:
    """Public pages: scripts and styles from this site only, nothing inline."""
    extra = " ".join(
        sorted({o for o in (_origin(settings.MEDIA_URL), _origin(settings.STATIC_URL)) if o})
    )
    assets = f"'self' {extra}".strip()
    frames = " ".join(settings.CSP_FRAME_SOURCES) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {assets}",
            f"style-src {assets}",
            f"img-src {assets} data:",
            f"font-src {assets}",
            f"media-src {assets}",
            "connect-src 'self'",
            f"frame-src {frames}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# The Wagtail admin (and its previews) relies on inline scripts and styles; it is only
# reachable by signed-in staff, and still may not be framed by or post to other sites.
ADMIN_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "media-src 'self' blob: https:",
        "connect-src 'self' https://releases.wagtail.org",
        "frame-src 'self' https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response.

    Django's SecurityMiddleware adds HSTS (production), nosniff, Referrer-Policy and
    Cross-Origin-Opener-Policy; XFrameOptionsMiddleware adds X-Frame-Options.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.public = public_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.CSP_ADMIN_PATHS):
            policy = ADMIN_POLICY
        elif self._is_editor(request):
            # Wagtail's userbar for signed-in editors injects its own styles.
            policy = self.public.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        else:
            policy = self.public
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    @staticmethod
    def _is_editor(request) -> bool:
        user = getattr(request, "user", None)
        return bool(
            user is not None
            and user.is_authenticated
            and user.has_perm("wagtailadmin.access_admin")
        )


# --- Login throttle ----------------------------------------------------------------


def client_address(request) -> str:
    """The client's address; with TRUSTED_PROXY_COUNT proxies, taken from X-Forwarded-For."""
    return net.client_ip(request, settings.TRUSTED_PROXY_COUNT)


class LoginThrottle:
    """Counts failed logins per address+user name and per address, in the shared cache."""

    def __init__(self, request, username: str | None):
        address = client_address(request)
        name = (username or "").strip().lower()
        digest = hashlib.sha256(f"{address}\0{name}".encode()).hexdigest()
        self.user_key = f"login-failures:user:{digest}"
        self.address_key = "login-failures:addr:" + hashlib.sha256(address.encode()).hexdigest()

    def locked(self) -> bool:
        counts = cache.get_many([self.user_key, self.address_key])
        return (
            counts.get(self.user_key, 0) >= settings.LOGIN_FAILURE_LIMIT
            or counts.get(self.address_key, 0) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
        )

    def failed(self) -> None:
        for key in (self.user_key, self.address_key):
            # add() starts the window; incr() keeps the window's original expiry.
            if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add() and incr()
                    cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS)

    def succeeded(self) -> None:
        cache.delete(self.user_key)


class ThrottledModelBackend(ModelBackend):
    """Django's model backend, refusing every attempt while a client is locked out.

    It guards every login form (Wagtail admin, Django admin, anything calling
    authenticate()), not just one view.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if password is None:
            return None
        throttle = LoginThrottle(request, username)
        if throttle.locked():
            raise PermissionDenied("too many failed logins")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.failed()
        else:
            throttle.succeeded()
        return user


class LoginThrottleMiddleware:
    """Answers 429 with a Vietnamese explanation to a locked-out client's login post."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path in settings.LOGIN_THROTTLE_PATHS
            and LoginThrottle(request, request.POST.get("username")).locked()
        ):
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            body = render_to_string("core/login_locked.html", {"minutes": minutes}, request=request)
            response = HttpResponse(body, status=429)
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
