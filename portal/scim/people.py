"""The adapter between SCIM and the HR import (portal/hr): every change a SCIM request asks for is
turned into rows of an HR file (`record_from_cells`, the same checks as a file), planned with
`build_plan(full=False)` and written with `apply_plan`, so joiners, movers, leavers and re-joiners
follow the same rules however they arrive. A row starts from the person as the portal holds them;
its optional columns are only those the SCIM change is about (`PersonRecord.columns`), so a SCIM
change never touches what it does not name."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError as DatabaseIntegrityError
from django.utils import timezone
from django_scim.exceptions import BadRequestError, IntegrityError

from portal import audit
from portal.hr import PlanHasErrors, PlanOutdated, apply_plan, build_plan
from portal.hr.records import record_from_cells
from portal.models import Organisation, User
from portal.scim.groups import GroupMeaning

NEW_PERSON_ROLES = ("officer",)  # a joiner's roles until groups say otherwise
# The HR columns, as the SCIM attributes an identity provider's administrator knows them by.
SCIM_NAMES = {"given_name": "name.givenName", "family_name": "name.familyName", "email": "emails",
              "organisation": "organisation", "employment_ended_on": "active", "unit": "Team group",
              "team": "Team group", "supervises": "Supervises group", "roles": "Role group"}


def staff_number_attribute() -> str:
    """The SCIM attribute that carries the staff number (settings.SCIM_USER_NAME_IS)."""
    return "user_name" if settings.SCIM_USER_NAME_IS == "staff_number" else "external_id"


def _cells(person: User, organisation: Organisation) -> dict:
    """The HR row that would leave `person` exactly as they are."""
    team = person.team
    supervised = [t for t in person.supervised_teams.all() if t.unit.organisation_id == organisation.pk]
    return {"staff_number": person.staff_number, "given_name": person.first_name, "family_name": person.last_name,
            "email": person.email, "organisation": organisation.slug,
            "unit": team.unit.name if team else "", "team": team.name if team else "",
            "roles": ";".join(person.roles), "supervises": ";".join(f"{t.unit.name} / {t.name}" for t in supervised),
            "employment_ended_on": person.employment_ended_on}


def _with_changes(cells: dict, changes: dict) -> tuple[dict, set]:
    """The row with the SCIM changes, and the optional columns they touch."""
    cells, columns = dict(cells), set()
    for key in ("given_name", "family_name"):
        if key in changes:
            cells[key] = changes[key]
    if settings.SCIM_USER_NAME_IS == "staff_number" or changes.get("email"):
        email = changes.get("email")
    else:
        email = changes.get("user_name")
    if email is not None:
        cells["email"] = email
    if "active" in changes:
        columns.add("employment_ended_on")
        if not changes["active"]:
            cells["employment_ended_on"] = cells.get("employment_ended_on") or timezone.localdate()
        else:
            cells["employment_ended_on"] = None
    return cells, columns


def _record(row: int, cells: dict, columns: set):
    record, errors = record_from_cells(row, cells, frozenset(columns))
    if errors:
        raise BadRequestError("; ".join(f"{SCIM_NAMES.get(e.column, e.column)}: {e.message}" for e in errors),
                              scim_type="invalidValue")
    return record


def _apply(records: list, organisation: Organisation, *, action: str, detail: dict) -> None:
    plan = build_plan(records, full=False, organisation=organisation)
    if plan.errors:
        raise BadRequestError("; ".join(f"{SCIM_NAMES.get(e.column, e.column)}: {e.message}" if e.column else e.message
                                        for e in plan.errors),
                              scim_type="invalidValue")
    if plan.is_empty:
        return  # the same request again changes nothing
    try:
        apply_plan(plan, by=None)
    except PlanHasErrors as exc:  # the last admin of the organisation deactivated meanwhile (portal.hr.guards)
        raise BadRequestError(str(exc), scim_type="invalidValue") from exc
    except (DatabaseIntegrityError, PlanOutdated) as exc:
        # Entra sends requests in parallel: two of them creating the same person or the same new
        # team at once. Nothing was written; the provider retries.
        raise IntegrityError("Another change to the same people or teams was made at the same time; retry.",
                             scim_type="uniqueness") from exc
    audit.record(action, detail={**detail, "organisation": organisation.pk,
                                 "changes": {k: v for k, v in plan.counts().items() if v}})


def _person(organisation: Organisation, staff_number: str) -> User | None:
    return User.objects.filter(organisation=organisation, staff_number=staff_number).first()


def person_create(*, organisation: Organisation, changes: dict, token_id: int) -> User:
    """A joiner: POST /Users."""
    staff_number = changes.get(staff_number_attribute()) or (
        changes.get("employee_number", "") if staff_number_attribute() == "external_id" else "")
    if not staff_number:
        where = "userName" if staff_number_attribute() == "user_name" else "externalId"
        raise BadRequestError(f"The staff number ({where}) is required.", scim_type="invalidValue")
    if _person(organisation, staff_number) is not None:
        raise IntegrityError("A person with this staff number already exists.", scim_type="uniqueness")
    blank = {"staff_number": staff_number, "organisation": organisation.slug, "roles": ";".join(NEW_PERSON_ROLES)}
    cells, columns = _with_changes(blank, changes)
    _apply([_record(1, cells, columns | {"roles"})], organisation, action="scim_person_created",
           detail={"token": token_id})
    person = _person(organisation, staff_number)
    if person is None:  # a leaver the portal never had (active=false on create): nothing to make
        raise BadRequestError("An inactive person who was never in the portal is not created.",
                              scim_type="invalidValue")
    return person


def person_update(*, person: User, organisation: Organisation, changes: dict, token_id: int) -> User:
    """A change to one person: PATCH or PUT /Users/{id}; active=false (and DELETE) make a leaver."""
    staff_number = changes.get(staff_number_attribute())
    if staff_number and staff_number != person.staff_number:
        raise BadRequestError("The staff number cannot be changed.", scim_type="mutability")
    cells, columns = _with_changes(_cells(person, organisation), changes)
    _apply([_record(1, cells, columns)], organisation, action="scim_person_changed",
           detail={"token": token_id, "person": person.pk})
    person.refresh_from_db()
    return person


def person_deactivate(*, person: User, organisation: Organisation, token_id: int) -> None:
    """DELETE /Users/{id}: a leaver, deactivated and never deleted (retention decides)."""
    person_update(person=person, organisation=organisation, changes={"active": False}, token_id=token_id)


def _member_cells(person: User, organisation: Organisation, meaning: GroupMeaning, *, joins: bool):
    """(cells, columns) of a person joining or leaving what a group means, or None if nothing changes."""
    cells = _cells(person, organisation)
    if meaning.kind == "team":
        if joins:
            cells.update(unit=meaning.unit, team=meaning.team)
        elif (cells["unit"], cells["team"]) == (meaning.unit, meaning.team):
            cells.update(unit="", team="")  # only if they have not already moved on
        else:
            return None
        return cells, {"unit", "team"}
    if meaning.kind == "supervises":
        label = f"{meaning.unit} / {meaning.team}"
        teams = [t for t in cells["supervises"].split(";") if t and t != label]
        cells["supervises"] = ";".join([*teams, label] if joins else teams)
        if joins and "supervisor" not in cells["roles"].split(";"):
            cells["roles"] = ";".join([*filter(None, cells["roles"].split(";")), "supervisor"])
            return cells, {"supervises", "roles"}
        return cells, {"supervises"}
    roles = [r for r in cells["roles"].split(";") if r and r != meaning.role]
    cells["roles"] = ";".join([*roles, meaning.role] if joins else roles)
    return cells, {"roles"}


def members_change(*, organisation: Organisation, meaning: GroupMeaning, joining: Iterable[User],
                   leaving: Iterable[User], group_id: int, token_id: int) -> None:
    """People join or leave what a group means (a team, a team supervised, a role), in one plan."""
    if meaning.kind == "none":
        return
    wanted, seen = [], set()
    for person, joins in [*((p, True) for p in joining), *((p, False) for p in leaving)]:
        if person.pk not in seen:
            seen.add(person.pk)
            changed = _member_cells(person, organisation, meaning, joins=joins)
            if changed is not None:
                wanted.append(changed)
    records = [_record(row, cells, columns) for row, (cells, columns) in enumerate(wanted, start=1)]
    if records:
        _apply(records, organisation, action="scim_group_members_changed",
               detail={"token": token_id, "group": group_id, "kind": meaning.kind})


def members_of(organisation: Organisation, meaning: GroupMeaning):
    """The people a group means now."""
    people = User.objects.filter(organisation=organisation).exclude(staff_number="")
    if meaning.kind == "team":
        return people.filter(team__unit__name=meaning.unit, team__name=meaning.team)
    if meaning.kind == "supervises":
        return people.filter(supervised_teams__unit__organisation=organisation,
                             supervised_teams__unit__name=meaning.unit,
                             supervised_teams__name=meaning.team).distinct()
    if meaning.kind == "role":
        return people.filter(**{f"is_{meaning.role}": True})
    return people.none()
