"""Security headers, the login lockout's wiring and the logout fix (see docs/security.md).

The Content-Security-Policy header is django-csp's, the login lockout django-axes';
this module only adapts them to the portal: the admin's own policy, the client
address behind proxies, the Vietnamese locked-out page, and the password forms of
restricted pages and documents, which Wagtail does not route through Django's
authentication.
"""

from __future__ import annotations

import functools

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.views.account import LogoutView as WagtailLogoutView
from wagtail.documents.views import serve as document_views

from core import net, restrictions

# --- Headers ----------------------------------------------------------------------


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's policy and the editors' userbar styles,
    plus Permissions-Policy (Django has no setting for that header).

    Django's SecurityMiddleware adds HSTS (production), nosniff, Referrer-Policy and
    Cross-Origin-Opener-Policy; XFrameOptionsMiddleware adds X-Frame-Options.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts  # a view's own @csp decorator wins
        if request.path.startswith(settings.CSP_ADMIN_PATHS):
            parts.config = settings.CSP_ADMIN_DIRECTIVES
        elif _is_editor(request):
            # Wagtail's userbar for signed-in editors injects its own styles.
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        if getattr(request, "is_preview", False):
            # Wagtail renders a preview through the whole middleware chain with a
            # simulated request for the page's public path, so the page's own policy
            # applies (and the outer admin response keeps that header). Its
            # "frame-ancestors 'none'" would stop the admin's preview panel, which frames
            # the preview from this same origin: only previews may be framed, and only
            # by this site (Wagtail's view also answers X-Frame-Options: SAMEORIGIN).
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def _is_editor(request) -> bool:
    # The page cache answers before authentication runs: such a request has no user.
    user = getattr(request, "user", None)
    return bool(
        user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin")
    )


# --- Login lockout (django-axes) ----------------------------------------------------


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' backend, refusing a locked-out client before Django's backend checks
    the password, for every login form (Wagtail admin, Django admin, anything passing
    the request to authenticate()).

    A call without a request (the test client's login(), a management command) has no
    client to count or lock; axes would raise ValueError, so Django's backend decides.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_address(request) -> str:
    """The client's address; with TRUSTED_PROXY_COUNT proxies, taken from X-Forwarded-For."""
    return net.client_ip(request, settings.TRUSTED_PROXY_COUNT)


def login_name(request, credentials) -> str | None:
    """The user name a failure counts against: "BienTapVien " and "bientapvien" are one."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username")
    if name is None:
        return None
    return str(name).strip().lower() or None


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The 429 page a locked-out client gets, in Vietnamese, with Retry-After."""
    minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
    body = render_to_string("core/login_locked.html", {"minutes": minutes}, request=request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _counted_like_a_login(view, kind: str, restriction_kwarg: str):
    """Wagtail's password form for restricted pages or document collections, counted and
    locked like a login (Wagtail's views do not go through Django's authentication).

    The restriction stands for the user name: a client guessing one restriction's
    password is locked after LOGIN_FAILURE_LIMIT wrong tries, one guessing many after
    LOGIN_FAILURE_LIMIT_PER_ADDRESS, shared with its failed logins.
    """

    @functools.wraps(view)
    def counted(request, **kwargs):
        if request.method != "POST":
            return view(request, **kwargs)
        credentials = {"username": f"{kind}-password:{kwargs[restriction_kwarg]}"}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, credentials=credentials)
        response = view(request, **kwargs)
        # Wagtail redirects on the right password and shows the form again on a wrong one.
        if response.status_code == 200:
            AxesProxyHandler.user_login_failed(
                sender=counted, credentials=credentials, request=request
            )
            if request.axes_locked_out:
                return lockout_response(request, credentials=credentials)
        return response

    return counted


page_password = _counted_like_a_login(
    restrictions.authenticate_with_password, "page", "page_view_restriction_id"
)
document_password = _counted_like_a_login(
    document_views.authenticate_with_password, "collection", "restriction_id"
)


# --- Login form ---------------------------------------------------------------------


class LoginForm(WagtailLoginForm):
    """Wagtail's login form with a translatable label on the password field, and the
    user name's placeholder in lower case inside its sentence.

    Wagtail 8 declares the password field without a label, so Django derives the
    English "Password" from its name on an otherwise Vietnamese page.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
        name = str(self.username_field.verbose_name).lower()
        self.fields["username"].widget.attrs["placeholder"] = _(
            "Enter your %(username_field_name)s"
        ) % {"username_field_name": name}


# --- Logout -------------------------------------------------------------------------


class LogoutView(WagtailLogoutView):
    """Wagtail's logout, whose side effects (the session cookie deleted, "logged out"
    message) happen only when the user really is logged out, by a POST.

    Wagtail adds them to every response, so a GET answered 405 while the browser lost
    its cookie and the session stayed valid on the server.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            return super().dispatch(request, *args, **kwargs)
        # Django's own logout view: 405 to GET, the allowed methods to OPTIONS.
        return auth_views.LogoutView.dispatch(self, request, *args, **kwargs)
