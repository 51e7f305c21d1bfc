from functools import update_wrapper
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse


class PortalAdminSite(admin.AdminSite):
    site_header = "Wellbeing portal administration"
    site_title = "Wellbeing portal admin"
    index_title = "Configuration"

    def register(self, model_or_iterable, admin_class=None, **options):
        # django-otp's admin lists every recovery code of a person; ours shows only how many are
        # left, so an admin can reset someone's two-factor sign-in but never use it.
        from django_otp.plugins.otp_static.models import StaticDevice

        if model_or_iterable is StaticDevice:
            from portal.twofactor_admin import StaticDeviceAdmin

            admin_class = StaticDeviceAdmin
        # Every ModelAdmin, third-party ones included, refuses a deletion that would cascade to a
        # person's records and never lists them by str() (portal/admin_guard.py).
        from portal.admin_guard import RecordSafeDeleteMixin

        base = admin_class or admin.ModelAdmin
        if not issubclass(base, RecordSafeDeleteMixin):
            admin_class = type(base.__name__, (RecordSafeDeleteMixin, base), {"__module__": base.__module__})
        return super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        # Defence in depth behind TwoFactorRequiredMiddleware: the admin needs a verified session.
        from portal.twofactor import session_is_verified

        return super().has_permission(request) and session_is_verified(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            # A signed-in user without the admin role gets a plain 403, like every other area,
            # instead of the admin's own sign-in form.
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)

    def login(self, request, extra_context=None):
        # One sign-in page for the whole site (it carries the lockout and two-factor rules).
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        next_url = request.GET.get("next", reverse("admin:index"))
        return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")
