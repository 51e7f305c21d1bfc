"""Applying a plan: `apply_plan` writes all of it or none of it (one transaction), in batches (a
fixed number of queries per batch of rows, never per row), and audits it: one event for the import
(who, the file's hash, counts; no personal data) and, as the admin does, one role-change event per
person whose roles changed (ids and booleans only)."""

from __future__ import annotations

import base64
import functools
import re
import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from portal import audit
from portal.admin_guard import ROLE_FLAGS as AUDITED_FLAGS
from portal.admin_guard import ROLE_SETS, role_changes
from portal.hr.bulk import collector_paused
from portal.hr.guards import admin_problems
from portal.hr.inserting import insert_people, update_people
from portal.hr.planning import Plan
from portal.hr.records import ROLE_FLAGS
from portal.models import Team, Unit, User

BATCH = 2000
_USERNAME_CHARACTERS = re.compile(r"[^\w.@+-]")


class PlanHasErrors(ValueError):
    """apply_plan was given a plan with errors: nothing was written."""


class PlanOutdated(RuntimeError):
    """Between the plan and its apply someone created a person with a staff number or username the
    plan meant to use (a unique constraint refused the write): nothing was written."""


def _batches(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _team_ids(org_ids) -> dict[tuple, int]:
    rows = Team.objects.filter(unit__organisation_id__in=org_ids).order_by().values_list("pk", "unit__organisation_id",
                                                                               "unit__name", "name")
    return {(org_id, unit, name): pk for pk, org_id, unit, name in rows}


def _create_structure(plan: Plan, org_ids) -> dict[tuple, int]:
    """Create the new units and teams; return every team's id by key."""
    if plan.new_units:
        Unit.objects.bulk_create([Unit(organisation_id=org_id, name=name) for org_id, name in plan.new_units])
    if plan.new_teams:
        rows = Unit.objects.filter(organisation_id__in=org_ids).order_by().values_list("pk", "organisation_id", "name")
        units = {(org_id, name): pk for pk, org_id, name in rows}
        Team.objects.bulk_create([Team(unit_id=units[(org_id, unit)], name=name)
                                  for org_id, unit, name in plan.new_teams])
    return _team_ids(org_ids)


class Usernames:
    """New usernames from the email's local part, made unique against every username the portal has
    ever kept (a person's old name is never handed to someone else)."""

    def __init__(self):
        self.taken = set(User.objects.order_by().values_list("username", flat=True))

    def new(self, email: str) -> str:
        base = _USERNAME_CHARACTERS.sub("", email.split("@")[0].lower())[:140] or "person"
        username, suffix = base, 1
        while username in self.taken:
            suffix += 1
            username = f"{base}{suffix}"
        self.taken.add(username)
        return username


# The columns the import writes for a new person, in the order of the rows _new_people builds.
_NEW_COLUMNS = ["username", "first_name", "last_name", "email", "organisation_id", "staff_number", "team_id",
                "high_risk_role", "high_risk_role_since", "employment_ended_on", "is_active", "password",
                *ROLE_FLAGS.values()]
_TOKEN_BYTES = 30  # as secrets.token_urlsafe(30): 40 characters of URL-safe base64 a password


def _unusable_passwords(count: int) -> list[str]:
    """`count` unusable passwords (people sign in with the force's single sign-on, or set a password
    from an invitation; the import itself never sends email): each the prefix and 30 random bytes
    from the operating system, as URL-safe base64, drawn in one call for them all."""
    text = base64.urlsafe_b64encode(secrets.token_bytes(_TOKEN_BYTES * count)).decode()
    width = _TOKEN_BYTES * 4 // 3
    return [UNUSABLE_PASSWORD_PREFIX + text[n:n + width] for n in range(0, width * count, width)]


def _new_people(plan: Plan, records, team_ids, usernames: Usernames) -> list[tuple]:
    """The rows (values of _NEW_COLUMNS) of people to create."""
    rows, today = [], plan.today
    for record, password in zip(records, _unusable_passwords(len(records)), strict=True):
        team_key = plan.record_teams.get(record.row)
        ended = record.employment_ended_on
        rows.append((usernames.new(record.email), record.given_name, record.family_name, record.email,
                     plan.record_orgs[record.row], record.staff_number, team_ids[team_key] if team_key else None,
                     record.high_risk_role, record.high_risk_role_since, ended,
                     not (ended is not None and ended <= today), password, *_role_flags(record.roles)))
    return rows


@functools.lru_cache(maxsize=512)
def _role_flags(roles: frozenset) -> tuple[bool, ...]:
    """The values of ROLE_FLAGS' flags for a set of role codes (a file holds few distinct sets)."""
    return tuple(code in roles for code in ROLE_FLAGS)


def _needs_id(plan: Plan, record) -> bool:
    """Whether a new person's id is needed after the insert: for the teams they supervise, or for
    the role-change event of someone given more than an officer's role."""
    return bool(plan.record_supervises.get(record.row)) or bool(record.roles - {"officer"})


def _ids_of(plan: Plan, records) -> dict[int, int]:
    """The ids of just-created people, by their row in the file (one query; staff numbers are
    unique in an organisation)."""
    keys = {(plan.record_orgs[record.row], record.staff_number): record.row for record in records}
    found = User.objects.filter(organisation_id__in={org for org, _number in keys},
                                staff_number__in={number for _org, number in keys}).exclude(staff_number="")
    rows = found.order_by().values_list("pk", "organisation_id", "staff_number")
    return {keys[(org, number)]: pk for pk, org, number in rows if (org, number) in keys}


def _snapshots(fields: dict, old_teams=(), new_teams=()) -> tuple[dict, dict]:
    """admin_guard-shaped before/after role snapshots of what the import changes (anything it does
    not change is equal on both sides, so role_changes leaves it out)."""
    before = {**dict.fromkeys(AUDITED_FLAGS, False), **{name: set() for name in ROLE_SETS}}
    after = {**dict.fromkeys(AUDITED_FLAGS, False), **{name: set() for name in ROLE_SETS}}
    for flag in AUDITED_FLAGS:
        if flag in fields:
            before[flag], after[flag] = fields[flag]
    before["supervised_teams"], after["supervised_teams"] = set(old_teams), set(new_teams)
    return before, after


def _create_people(plan: Plan, team_ids, role_events: list) -> None:
    usernames = Usernames() if plan.creates else None
    for batch in _batches(plan.creates):
        insert_people(_NEW_COLUMNS, _new_people(plan, batch, team_ids, usernames))
    # Ids are read back only for those who need one, once everyone is in (a query a batch of them).
    # An officer's own role gives no rights over anyone: the import's event counts them.
    membership = Team.supervisors.through
    for batch in _batches([record for record in plan.creates if _needs_id(plan, record)]):
        ids = _ids_of(plan, batch)
        links = []
        for record in batch:
            pk = ids[record.row]
            supervised = [team_ids[key] for key in plan.record_supervises.get(record.row, ())]
            links += [membership(user_id=pk, team_id=team_id) for team_id in supervised]
            if not (record.roles - {"officer"}):
                continue
            fields = {flag: (False, True) for code, flag in ROLE_FLAGS.items() if code in record.roles}
            ended = record.employment_ended_on
            fields["is_active"] = (False, not (ended is not None and ended <= plan.today))
            role_events.append((pk, True, role_changes(*_snapshots(fields, (), supervised))))
        membership.objects.bulk_create(links)


def _update_people(plan: Plan, team_ids, role_events: list) -> None:
    """bulk_update the changed people, grouped by the set of fields that change."""
    groups: dict[tuple, list[tuple]] = {}
    membership = Team.supervisors.through
    unlink, link = [], []
    for change in plan.changes:
        values = {name: new for name, (_old, new) in change.fields.items() if name != "team"}
        if "team" in change.fields:
            key = change.fields["team"][1]
            values["team_id"] = team_ids[key] if key else None
        old_teams = new_teams = ()
        if change.supervises is not None:
            old_teams = {team_ids[key] for key in change.supervises[0]}
            new_teams = {team_ids[key] for key in change.supervises[1]}
            unlink += [(change.person.pk, t) for t in old_teams - new_teams]
            link += [membership(user_id=change.person.pk, team_id=t) for t in new_teams - old_teams]
        if values:
            names = tuple(sorted(values))
            groups.setdefault(names, []).append((change.person.pk, *(values[name] for name in names)))
        changes = role_changes(*_snapshots(change.fields, old_teams, new_teams))
        if changes:
            role_events.append((change.person.pk, False, changes))
    for names, rows in groups.items():
        update_people(list(names), rows, batch=BATCH)
    for batch in _batches(unlink):
        user_ids = {u for u, _t in batch}
        rows = membership.objects.filter(user_id__in=user_ids).values_list("pk", "user_id", "team_id")
        wanted = set(batch)
        membership.objects.filter(pk__in=[pk for pk, u, t in rows if (u, t) in wanted]).delete()
    membership.objects.bulk_create(link, batch_size=BATCH)


def _deactivate_missing(plan: Plan, chosen) -> int:
    """Deactivate the people of `chosen` (ids) who are among the plan's missing. No end of
    employment is recorded: that date starts the retention clock, and only HR knows it."""
    chosen = {int(pk) for pk in chosen}
    ids = [person.pk for person in plan.missing if person.pk in chosen]
    for batch in _batches(ids):
        User.objects.filter(pk__in=batch).update(is_active=False)
    return len(ids)


def _audit_roles(role_events: list, by) -> None:
    if not role_events:
        return
    details = {pk: {"created": created, "changes": changes, "source": "hr_import"}
               for pk, created, changes in role_events}
    for batch in _batches(list(details)):
        audit.record_many("admin_roles_changed", [User(pk=pk) for pk in batch], subject="pk",
                          detail=lambda user: details[user.pk], actor=by if by is not None else audit.FROM_CONTEXT)


@collector_paused()
def apply_plan(plan: Plan, *, by, deactivate_missing=frozenset()) -> dict:
    """Write `plan` (all of it or nothing) and return its counts. `by`: the person importing (None
    for the command run without one). `deactivate_missing`: ids of people in `plan.missing` the
    admin chose to deactivate. Refuses (PlanHasErrors) a plan with errors."""
    if plan.errors:
        raise PlanHasErrors(_("The file has %(count)d problems to correct before it can be imported.")
                            % {"count": len(plan.errors)})
    org_ids = set(plan.record_orgs.values()) | ({plan.organisation.pk} if plan.organisation is not None else set())
    counts = {key: value for key, value in plan.counts().items() if key not in ("errors",)}
    role_events: list = []
    try:
        # wrap_database_errors: COPY runs on the driver's own cursor, whose errors Django does not translate.
        with transaction.atomic(), connection.wrap_database_errors:
            # Again here, with the people to deactivate known and the admins as they are now.
            problems = admin_problems(plan, by=by, deactivate=deactivate_missing)
            if problems:
                raise PlanHasErrors(" ".join(str(problem) for problem in problems))
            team_ids = _create_structure(plan, org_ids)
            _create_people(plan, team_ids, role_events)
            _update_people(plan, team_ids, role_events)
            counts["deactivated"] = _deactivate_missing(plan, deactivate_missing)
            _audit_roles(role_events, by)
            audit.record("hr_import_applied", actor=by if by is not None else audit.FROM_CONTEXT, detail={
                "sha256": plan.file_sha256, "full": plan.full, "organisations": sorted(org_ids), "counts": counts})
    except IntegrityError as exc:
        raise PlanOutdated(_("Someone changed the people in the portal since this preview; upload the file "
                             "again to see a fresh preview. Nothing was changed.")) from exc
    return counts
