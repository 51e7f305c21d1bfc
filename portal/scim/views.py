"""django-scim2's views, hardened: a resource id that is not a number is simply not found, a body
that is not a JSON object is a 400 with the SCIM error schema, paging is bounded. Everything else
(routing, list responses, error bodies, the token check in dispatch) is the library's."""

from __future__ import annotations

import json

from django.db.models import QuerySet
from django.http import HttpResponse
from django_scim import constants
from django_scim import views as scim_views
from django_scim.exceptions import BadRequestError, NotFoundError

MAX_PAGE = 200


class _Hardened:
    def get_object(self):
        uuid = str(self.kwargs.get(self.lookup_url_kwarg) or "")
        if not uuid.isdigit() or len(uuid) > 12:
            raise NotFoundError(uuid[:40])
        obj = super().get_object()
        if getattr(obj, "staff_number", None) == "":  # added by hand: not the identity provider's
            raise NotFoundError(uuid)
        return obj

    def load_body(self, body):
        try:
            data = json.loads(body.decode("utf-8").strip() or "{}")
        except (UnicodeDecodeError, ValueError) as exc:
            raise BadRequestError("The body is not valid JSON.", scim_type="invalidSyntax") from exc
        if not isinstance(data, dict):
            raise BadRequestError("The body must be a JSON object.", scim_type="invalidSyntax")
        return data

    def _build_response(self, request, qs, start, count):
        """The library counts a list by loading every row; a queryset is counted in the database and
        only the page is read (a listing of 50,000 people reads one page of them)."""
        if not isinstance(qs, QuerySet):
            return super()._build_response(request, qs, start, count)
        page = list(qs[start - 1:start - 1 + count])
        doc = {"schemas": [constants.SchemaURI.LIST_RESPONSE], "totalResults": qs.count(),
               "itemsPerPage": len(page), "startIndex": start,
               "Resources": [self.scim_adapter(o, request=request).to_dict() for o in page]}
        return HttpResponse(json.dumps(doc), content_type=constants.SCIM_CONTENT_TYPE)

    def _page(self, request):
        start, count = super()._page(request)
        return start, max(0, min(count if count is not None else MAX_PAGE, MAX_PAGE))


class UsersView(_Hardened, scim_views.UsersView):
    pass


class GroupsView(_Hardened, scim_views.GroupsView):
    pass


class UserSearchView(_Hardened, scim_views.UserSearchView):
    pass


class GroupSearchView(_Hardened, scim_views.GroupSearchView):
    pass
