"""Response headers every page gets, the session idle timeout, and which paths sessions leave alone."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# No inline script anywhere: pages pass data to scripts through json_script (not executable). No
# inline style either, except on the pages that load plotly, which injects <style> elements for its
# charts, whichever bundle (portal/templatetags/charts.py marks those pages).
_CSP = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CONTENT_SECURITY_POLICY = "; ".join(_CSP)
CHARTS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    """First in MIDDLEWARE, so it also covers static files (WhiteNoise answers those itself) and
    responses made by any other middleware (redirects to sign-in, the lockout page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        charts = getattr(request, "csp_inline_styles_for_charts", False)
        response.headers.setdefault("Content-Security-Policy",
                                    CHARTS_CONTENT_SECURITY_POLICY if charts else CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Health data must not sit in shared or browser caches (ASVS 8.1.1, 8.2.1).
            response.headers["Cache-Control"] = "no-store"
        return response


# Areas (by the URL name of their root) that no session ever signs in to: the SCIM API answers
# bearer tokens only (portal/scim/auth.py). A browser session cookie that a client keeping cookies
# sends along must neither turn their answer into a redirect (idle timeout, two-factor) nor keep
# that session alive.
BEARER_ONLY_URL_ROOTS = ("scim:root",)


def bearer_only(request) -> bool:
    return request.path.startswith(tuple(reverse(name) for name in BEARER_ONLY_URL_ROOTS))


class IdleTimeoutMiddleware:
    """Signs out a session left idle longer than SESSION_IDLE_TIMEOUT seconds (ASVS L2: 30 min),
    and any session older than SESSION_ABSOLUTE_TIMEOUT seconds from sign-in (12 hours), however
    busy. The sign-in time is written by portal.signals.on_login."""

    KEY = "_last_seen"
    SIGNED_IN_KEY = "_signed_in_at"
    # The idle clock is written only when it is at least this many seconds behind: writing it on
    # every request would save the session (an UPDATE and a commit) for every page anybody opens.
    # An idle sign-out may thus come up to this much earlier than SESSION_IDLE_TIMEOUT, never later.
    CLOCK_STEP = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not bearer_only(request):
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            # A session from before this limit existed starts its 12 hours now.
            signed_in = request.session.setdefault(self.SIGNED_IN_KEY, now)
            if now - signed_in > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                hours = settings.SESSION_ABSOLUTE_TIMEOUT // 3600
                messages.info(request, ngettext(
                    "You were signed out because you signed in more than %(hours)d hour ago.",
                    "You were signed out because you signed in more than %(hours)d hours ago.", hours,
                ) % {"hours": hours})
                return redirect(settings.LOGIN_URL)
            if now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(settings.LOGIN_URL)
            if now - last >= self.CLOCK_STEP or self.KEY not in request.session:
                request.session[self.KEY] = now
        return self.get_response(request)
