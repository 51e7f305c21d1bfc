"""SCIM filters (GET /Users?filter=userName eq "...") on django-scim2's parser, scoped to the
calling token's organisation in the SQL itself: the library's own advice of appending
"AND organisation_id = %s" would bind to the last branch of an "or" filter only, so the parsed
query is wrapped instead."""

from __future__ import annotations

from django.conf import settings
from django_scim.filters import FilterQuery
from scim2_filter_parser.queries.sql import SQLQuery

from portal.models import ScimGroup, User


class _ScopedFilter(FilterQuery):
    @classmethod
    def search(cls, filter_query, request=None):
        model = cls.model_getter()
        query = SQLQuery(filter_query, cls.table_name(), cls.current_attr_map(), cls.joins)
        if query.where_sql is None:
            return model.objects.none()
        inner = query.sql.strip().rstrip(";")
        sql = (f"SELECT scim_match.* FROM ({inner}) scim_match "  # noqa: S608 - the parser's SQL, values as params
               f"WHERE scim_match.organisation_id = %s {cls.extra_where} ORDER BY scim_match.id")
        return model.objects.raw(sql, [*query.params, request.scim_organisation.pk])

    @classmethod
    def current_attr_map(cls) -> dict:
        return cls.attr_map


class UserFilter(_ScopedFilter):
    model_getter = staticmethod(lambda: User)
    extra_where = "AND scim_match.staff_number <> ''"
    attr_map = {("active", None, None): "is_active",
                ("name", "givenName", None): "first_name", ("name", "familyName", None): "last_name"}

    @classmethod
    def current_attr_map(cls) -> dict:
        key = {("userName", None, None): "staff_number"}
        if settings.SCIM_USER_NAME_IS == "email":
            key = {("userName", None, None): "email", ("externalId", None, None): "staff_number"}
        return {**cls.attr_map, **key}


class GroupFilter(_ScopedFilter):
    model_getter = staticmethod(lambda: ScimGroup)
    extra_where = ""
    attr_map = {("displayName", None, None): "display_name", ("externalId", None, None): "external_id"}
