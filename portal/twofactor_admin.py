"""Admin for recovery-code devices that never shows the codes themselves."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin as OTPStaticDeviceAdmin


class StaticDeviceAdmin(OTPStaticDeviceAdmin):
    inlines = []
    list_display = ["user", "name", "created_at", "last_used_at", "confirmed", "codes_left"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(codes=Count("token_set")).select_related("user")

    @admin.display(description=_("codes left"), ordering="codes")
    def codes_left(self, device):
        return device.codes
