"""The Organisation admin's "Create a SCIM token" action: for a force's IT lead without a shell,
the same as `manage.py scim_token ORG_SLUG`. The token is put on the page it returns and nowhere
else (no message, which may be kept in a cookie; no-store, so no cache keeps it)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.scim.tokens import scim_token_create


@admin.action(description=gettext_lazy("Create a SCIM token (shown once)"), permissions=["change"])
def scim_token_create_action(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Choose one organisation to create a SCIM token for."), messages.ERROR)
        return None
    organisation = queryset.get()
    row, token = scim_token_create(organisation=organisation, by=request.user)
    response = TemplateResponse(request, "admin/portal/organisation/scim_token_created.html", {
        **modeladmin.admin_site.each_context(request), "opts": modeladmin.model._meta,
        "organisation": organisation, "prefix": row.prefix, "token": token,
        "tenant_url": request.build_absolute_uri(reverse("scim:root")).rstrip("/"),
        "title": _("SCIM token created")})
    response["Cache-Control"] = "no-store"
    return response
