"""The hooks django-scim2 calls (config/settings.py SCIM_SERVICE_PROVIDER): who is calling (a
bearer token, never a session), which organisation every query is scoped to, and where resources
live. The library decorates each SCIM view's dispatch with `ScimTokenAuth`, so no SCIM view runs
without a live token, and its views are CSRF-exempt (a token, not a cookie, authenticates them)."""

from __future__ import annotations

import json
import logging

from django.http import HttpResponse
from django_scim import constants
from django_scim.middleware import SCIMAuthCheckMiddleware
from django_scim.models import SCIMServiceProviderConfig

from portal.models import ScimGroup
from portal.scim.tokens import token_authenticate

logger = logging.getLogger(__name__)


def scim_error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    """An error response with the SCIM error schema (RFC 7644 section 3.12)."""
    body = {"schemas": [constants.SchemaURI.ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return HttpResponse(json.dumps(body), status=status, content_type=constants.SCIM_CONTENT_TYPE)


class ScimTokenAuth(SCIMAuthCheckMiddleware):
    """Authenticates each SCIM request by its bearer token and scopes it to the token's
    organisation (`request.scim_organisation`). Request and response bodies are never logged (the
    library's debug log would write names and emails)."""

    def process_request(self, request):
        token = token_authenticate(request.META.get("HTTP_AUTHORIZATION", ""))
        if token is None:
            logger.warning("SCIM request refused: no valid bearer token")
            response = scim_error(401, "A valid bearer token is required.")
            response["WWW-Authenticate"] = 'Bearer realm="scim"'
            return response
        request.scim_token = token
        request.scim_organisation = token.organisation
        return None

    def process_response(self, request, response):
        return response


def base_location(request=None, *args, **kwargs) -> str:
    """Resources' absolute locations are on the host the identity provider called."""
    return request.build_absolute_uri("/") if request is not None else ""


def organisation_filter(model):
    """Every lookup, list and search: the calling token's organisation only."""

    def extra_filter_kwargs(request, *args, **kwargs):
        return {"organisation_id": request.scim_organisation.pk}

    return extra_filter_kwargs


def hand_made_people_excluded(model):
    """People added by hand (no staff number) are not the identity provider's to see or change."""

    def extra_exclude_kwargs(request, *args, **kwargs):
        return {} if model is ScimGroup else {"staff_number": ""}

    return extra_exclude_kwargs


class ServiceProviderConfig(SCIMServiceProviderConfig):
    def to_dict(self):
        config = super().to_dict()
        config["filter"] = {"supported": True, "maxResults": 200}
        config["changePassword"] = {"supported": False}
        return config
