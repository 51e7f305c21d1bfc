"""The SCIM resources (django-scim2 adapters): a portal person as a SCIM User, a ScimGroup as a
SCIM Group. Reads are built here; every write goes through `portal.scim.people` (the HR import)."""

from __future__ import annotations

from django.conf import settings
from django_scim import constants
from django_scim.adapters import SCIMGroup, SCIMUser
from django_scim.exceptions import BadRequestError, IntegrityError

from portal import audit
from portal.models import ScimGroup, User
from portal.scim import people
from portal.scim.groups import group_meaning
from portal.scim.patch import group_operations, patch_changes, resource_changes


class _Scoped:
    @property
    def organisation(self):
        return self.request.scim_organisation

    @property
    def token_id(self) -> int:
        return self.request.scim_token.pk


class ScimUser(_Scoped, SCIMUser):
    id_field = "pk"

    def __init__(self, obj, request=None):
        super().__init__(obj, request=request)
        self.changes: dict = {}

    def to_dict(self):
        person = self.obj
        by_staff_number = settings.SCIM_USER_NAME_IS == "staff_number"
        resource = {
            "schemas": [constants.SchemaURI.USER],
            "id": self.id,
            "userName": person.staff_number if by_staff_number else person.email,
            "name": {"givenName": person.first_name, "familyName": person.last_name,
                     "formatted": person.get_full_name()},
            "displayName": person.get_full_name() or person.staff_number,
            "emails": [{"value": person.email, "type": "work", "primary": True}] if person.email else [],
            "active": person.is_active,
            "meta": {"resourceType": "User", "created": person.date_joined.isoformat(),
                     "location": self.location},
        }
        if not by_staff_number:
            resource["externalId"] = person.staff_number
        return resource

    def validate_dict(self, d):
        pass  # resource_changes validates as it reads

    def from_dict(self, d):
        self.changes = resource_changes(d)

    def save(self):
        if self.obj.pk is None:
            self.obj = people.person_create(organisation=self.organisation, changes=self.changes,
                                            token_id=self.token_id)
        else:
            self.obj = people.person_update(person=self.obj, organisation=self.organisation, changes=self.changes,
                                            token_id=self.token_id)

    def handle_operations(self, operations):
        self.changes = patch_changes({"Operations": operations})
        self.save()

    def delete(self):
        people.person_deactivate(person=self.obj, organisation=self.organisation, token_id=self.token_id)


class ScimGroupResource(_Scoped, SCIMGroup):
    id_field = "pk"

    def __init__(self, obj, request=None):
        super().__init__(obj, request=request)
        self.body: dict = {}

    @property
    def display_name(self):
        return self.obj.display_name

    @property
    def members(self):
        people_now = people.members_of(self.organisation, group_meaning(self.obj.display_name))
        return [{"value": str(p.pk), "display": p.get_full_name() or p.staff_number}
                for p in people_now.order_by("pk")[:1000]]

    def to_dict(self):
        resource = {
            "schemas": [constants.SchemaURI.GROUP],
            "id": self.id,
            "displayName": self.obj.display_name,
            "meta": {"resourceType": "Group", "created": self.obj.created_at.isoformat(), "location": self.location},
        }
        if self.obj.external_id:
            resource["externalId"] = self.obj.external_id
        excluded = self.request.GET.get("excludedAttributes", "").lower()
        if "members" not in excluded:
            resource["members"] = self.members
        return resource

    def validate_dict(self, d):
        name = d.get("displayName")
        if not isinstance(name, str) or not name.strip() or len(name) > 300:
            raise BadRequestError('"displayName" is required (at most 300 characters).', scim_type="invalidValue")
        external_id = d.get("externalId") or ""
        if not isinstance(external_id, str) or len(external_id) > 200:
            raise BadRequestError('"externalId" must be a string.', scim_type="invalidValue")

    def from_dict(self, d):
        self.body = d
        self.obj.display_name = " ".join(d["displayName"].split())
        self.obj.external_id = d.get("externalId") or ""
        self.obj.organisation = self.organisation

    def save(self):
        creating = self.obj.pk is None
        if ScimGroup.objects.filter(organisation=self.organisation, display_name=self.obj.display_name
                                    ).exclude(pk=self.obj.pk).exists():
            raise IntegrityError("A group with this displayName already exists.", scim_type="uniqueness")
        self.obj.save()
        audit.record("scim_group_created" if creating else "scim_group_changed", obj=self.obj,
                     detail={"token": self.token_id, "organisation": self.organisation.pk,
                             "kind": group_meaning(self.obj.display_name).kind})
        if "members" in self.body:
            self._members_set(self.body["members"])

    def _people(self, ids) -> list[User]:
        wanted = {i for i in ids if i}
        if not all(i.isdigit() and len(i) < 12 for i in wanted):
            raise BadRequestError("Unknown member.", scim_type="invalidValue")
        found = list(User.objects.filter(organisation=self.organisation, pk__in=[int(i) for i in wanted])
                     .exclude(staff_number="").select_related("team__unit"))
        if len(found) != len(wanted):
            raise BadRequestError("Unknown member.", scim_type="invalidValue")
        return found

    def _members_set(self, value):
        from portal.scim.patch import member_ids

        wanted = self._people(member_ids(value))
        meaning = group_meaning(self.obj.display_name)
        now = set(people.members_of(self.organisation, meaning))
        self._members_change(joining=[p for p in wanted if p not in now], leaving=[p for p in now if p not in wanted])

    def _members_change(self, *, joining, leaving):
        people.members_change(organisation=self.organisation, meaning=group_meaning(self.obj.display_name),
                              joining=joining, leaving=leaving, group_id=self.obj.pk, token_id=self.token_id)

    def handle_operations(self, operations):
        for op, what, value in group_operations({"Operations": operations}):
            if what == "members":
                if op == "replace":
                    self._members_set([{"value": v} for v in value or []])
                elif op == "add":
                    self._members_change(joining=self._people(value), leaving=[])
                else:
                    meaning = group_meaning(self.obj.display_name)
                    leaving = list(people.members_of(self.organisation, meaning)) if value is None \
                        else self._people(value)
                    self._members_change(joining=[], leaving=leaving)
            elif what == "displayName" and op != "remove":
                self.validate_dict({"displayName": value})
                self.from_dict({"displayName": value, "externalId": self.obj.external_id})
                self.save()
            elif what == "externalId":
                self.obj.external_id = "" if op == "remove" else value
                self.save()

    def delete(self):
        audit.record("scim_group_deleted", obj=self.obj, detail={"token": self.token_id,
                                                                 "organisation": self.organisation.pk})
        self.obj.delete()
