"""What an import must never do to the people who run the portal (issue 19): take away the
importing admin's own admin role or account, or leave an organisation that has an active admin
with none. Checked when the plan is built (shown in the preview as problems, which block it) and
again inside apply_plan's transaction, where the admin's choice of people "not in this file" to
deactivate is known and the portal is as it is at that moment. Reads nothing unless the plan takes
an admin role or an account away from someone (then one query of the organisations' admins, and
one more for the names of any organisation left without one)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.hr.records import RowError
from portal.models import Organisation, User

TAKEN = (True, False)  # a flag's (old, new) when the import takes it away


def _losing(plan, deactivate) -> dict[int, int]:
    """The people whose admin role or account the import would take away (or might, for those not
    admins): id -> their row in the file (0: someone not in the file, deactivated)."""
    losing = {c.person.pk: c.record.row for c in plan.changes
              if c.fields.get("is_staff") == TAKEN or c.fields.get("is_active") == TAKEN}
    chosen = {int(pk) for pk in deactivate}
    losing.update({p.pk: 0 for p in plan.missing if p.pk in chosen})
    return losing


def _own_problems(plan, by, deactivate) -> list[RowError]:
    problems = []
    for change in plan.changes:
        if change.person.pk != by.pk:
            continue
        if change.fields.get("is_staff") == TAKEN:
            problems.append(RowError(change.record.row, "roles", _(
                "this file removes your own admin role: you would lose this page halfway through your work. "
                "Keep admin in your roles, or ask another admin to import the file.")))
        if change.fields.get("is_active") == TAKEN:
            problems.append(RowError(change.record.row, "employment_ended_on", _(
                "this file makes you a leaver and deactivates your own account: ask another admin to import it.")))
    if by.pk in {int(pk) for pk in deactivate} and any(p.pk == by.pk for p in plan.missing):
        problems.append(RowError(0, "", _(
            "You are among the people not in this file: you cannot deactivate your own account. Untick yourself, "
            "or ask another admin to import the file.")))
    return problems


def _admins_after(plan, staff: dict, deactivate) -> dict[int, set]:
    """Each organisation's active admins after the import (people created as admins counted as -1,
    -2, ...: they have no id yet)."""
    after: dict[int, set] = {}
    for pk, (org_id, active) in staff.items():
        if active:
            after.setdefault(org_id, set()).add(pk)
    for change in plan.changes:
        pk, fields = change.person.pk, change.fields
        admin = fields["is_staff"][1] if "is_staff" in fields else pk in staff
        active = fields["is_active"][1] if "is_active" in fields else change.person.is_active
        org = after.setdefault(plan.record_orgs[change.record.row], set())
        if admin and active:
            org.add(pk)
        else:
            org.discard(pk)
    chosen = {int(pk) for pk in deactivate}
    for person in plan.missing:
        if person.pk in chosen and person.pk in staff:
            after.setdefault(staff[person.pk][0], set()).discard(person.pk)
    for n, record in enumerate(plan.creates, start=1):
        ended = record.employment_ended_on
        if "admin" in record.roles and (ended is None or ended > plan.today):
            after.setdefault(plan.record_orgs[record.row], set()).add(-n)
    return after


def admin_problems(plan, *, by=None, deactivate=frozenset()) -> list[RowError]:
    """The problems that stop `plan` (with the people of `plan.missing` in `deactivate` deactivated):
    `by` (the admin importing, None for the command run without one) losing their admin role or
    account, and any organisation going from one or more active admins to none."""
    losing = _losing(plan, deactivate)
    if not losing:
        return []
    problems = _own_problems(plan, by, deactivate) if by is not None else []
    org_ids = set(plan.record_orgs.values()) | ({plan.organisation.pk} if plan.organisation is not None else set())
    staff = {pk: (org_id, active) for pk, org_id, active in User.objects.filter(
        organisation_id__in=org_ids, is_staff=True).order_by().values_list("pk", "organisation_id", "is_active")}
    if not any(pk in staff and staff[pk][1] for pk in losing):
        return problems
    after = _admins_after(plan, staff, deactivate)
    emptied = sorted({staff[pk][0] for pk in losing if pk in staff and staff[pk][1] and not after.get(staff[pk][0])})
    names = dict(Organisation.objects.filter(pk__in=emptied).values_list("pk", "name")) if emptied else {}
    for org_id in emptied:
        problems.append(RowError(0, "", _(
            "After this import %(organisation)s would have no active admin: keep the admin role (and no end "
            "date) for at least one of its admins, or leave them active.") % {"organisation": names.get(org_id, "")}))
    return problems
