"""What an import would do, worked out before anything is written: `build_plan` reads the
portal (a fixed handful of queries, however many rows) and returns a `Plan`. People are matched on
(organisation, staff number) only, never by name."""

from __future__ import annotations

import datetime
import functools
import operator
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.hr.bulk import collector_paused
from portal.hr.guards import admin_problems
from portal.hr.records import ALL_OPTIONAL, ROLE_FLAGS, PersonRecord, RowError
from portal.hr.structure import Organisations, Structure, team_label
from portal.models import Team, User

PLAIN_FIELDS = {"first_name": "given_name", "last_name": "family_name", "email": "email",
                "high_risk_role": "high_risk_role", "high_risk_role_since": "high_risk_role_since"}
_FLAG_ROLE = {flag: code for code, flag in ROLE_FLAGS.items()}
_FEW = 500  # a partial file this small looks its people up by staff number instead of reading everyone
_VALUES = ("pk", "organisation_id", "staff_number", "username", "first_name", "last_name", "email", "team_id",
           "is_active", "employment_ended_on", "high_risk_role", "high_risk_role_since", *ROLE_FLAGS.values())


@dataclass(frozen=True, slots=True)
class Person:
    """A person already in the portal, as the preview names them (not a model instance)."""

    pk: int
    staff_number: str
    username: str
    first_name: str
    last_name: str
    email: str = ""
    is_active: bool = True

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip() or self.username
        return f"{name} ({self.staff_number})"


@dataclass(slots=True)
class PersonChange:
    """Everything the import changes about one person: `fields` is {model field: (old, new)}
    ("team" holds team keys, see structure.TeamKey); `supervises` is (old keys, new keys) or None."""

    person: Person
    record: PersonRecord
    fields: dict
    supervises: tuple | None = None


@dataclass(frozen=True, slots=True)
class Update:
    person: Person
    record: PersonRecord
    fields: dict


@dataclass(frozen=True, slots=True)
class Move:
    person: Person
    record: PersonRecord
    old_team: tuple | None
    new_team: tuple | None

    @property
    def old_label(self) -> str:
        return team_label(self.old_team)

    @property
    def new_label(self) -> str:
        return team_label(self.new_team)


@dataclass(frozen=True, slots=True)
class RoleChange:
    person: Person
    record: PersonRecord
    given: frozenset
    losing: frozenset
    supervises_given: tuple = ()
    supervises_losing: tuple = ()


@dataclass(frozen=True, slots=True)
class Leaver:
    person: Person
    record: PersonRecord
    ended_on: datetime.date


@dataclass
class Plan:
    """What applying would do. Lists of creates (records), changes to people already in the portal
    (seen through `updates`, `moves`, `role_changes`, `leavers`, `rejoiners`), units and teams to
    create, people missing from a full file (listed, never deleted), skipped rows (a leaver who was
    never in the portal), errors (applying refuses a plan with any) and warnings (shown, not
    blocking)."""

    full: bool = False
    organisation: object = None
    file_sha256: str = ""
    creates: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    new_units: list = field(default_factory=list)  # (organisation id, unit name)
    new_teams: list = field(default_factory=list)  # team keys
    missing: list = field(default_factory=list)  # Person
    skipped: list = field(default_factory=list)  # PersonRecord
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    record_teams: dict = field(default_factory=dict)  # row -> team key (or None: no team)
    record_supervises: dict = field(default_factory=dict)  # row -> frozenset of team keys
    record_orgs: dict = field(default_factory=dict)  # row -> organisation id
    today: datetime.date | None = None

    @property
    def updates(self) -> list[Update]:
        return [Update(c.person, c.record, {k: v for k, v in c.fields.items() if k in PLAIN_FIELDS})
                for c in self.changes if any(k in PLAIN_FIELDS for k in c.fields)]

    @property
    def moves(self) -> list[Move]:
        return [Move(c.person, c.record, *c.fields["team"]) for c in self.changes if "team" in c.fields]

    @property
    def role_changes(self) -> list[RoleChange]:
        found = []
        for c in self.changes:
            given = frozenset(_FLAG_ROLE[f] for f, (old, new) in c.fields.items() if f in _FLAG_ROLE and new)
            losing = frozenset(_FLAG_ROLE[f] for f, (old, new) in c.fields.items() if f in _FLAG_ROLE and not new)
            old, new = c.supervises or (frozenset(), frozenset())
            if given or losing or old != new:
                found.append(RoleChange(c.person, c.record, given, losing,
                                        tuple(sorted(team_label(k) for k in new - old)),
                                        tuple(sorted(team_label(k) for k in old - new))))
        return found

    @property
    def leavers(self) -> list[Leaver]:
        return [Leaver(c.person, c.record, c.record.employment_ended_on) for c in self.changes
                if c.fields.get("is_active") == (True, False)]

    @property
    def rejoiners(self) -> list[PersonChange]:
        return [c for c in self.changes if c.fields.get("is_active") == (False, True)]

    @property
    def is_empty(self) -> bool:
        """Nothing to write (people missing from a full file are only listed, so they do not count)."""
        return not (self.creates or self.changes or self.new_units or self.new_teams)

    def counts(self) -> dict[str, int]:
        return {"creates": len(self.creates), "updates": len(self.updates), "moves": len(self.moves),
                "role_changes": len(self.role_changes), "leavers": len(self.leavers),
                "rejoiners": len(self.rejoiners), "new_units": len(self.new_units),
                "new_teams": len(self.new_teams), "missing": len(self.missing), "skipped": len(self.skipped),
                "errors": len(self.errors), "warnings": len(self.warnings)}


# ----------------------------------------------------------------------------- building

def _resolve_records(plan: Plan, records, organisations: Organisations) -> list[PersonRecord]:
    """Records whose organisation is known and whose staff number is not repeated."""
    kept, seen = [], {}
    for record in records:
        org, error = organisations.find(record.organisation, record.row)
        if error:
            plan.errors.append(error)
            continue
        key = (org.pk, record.staff_number)
        if key in seen:
            plan.errors.append(RowError(record.row, "staff_number", _(
                "staff number %(number)s is also on row %(first)d: each person must appear once.")
                % {"number": record.staff_number, "first": seen[key]}))
            continue
        seen[key] = record.row
        plan.record_orgs[record.row] = org.pk
        kept.append(record)
    return kept


def _resolve_teams(plan: Plan, records, structure: Structure) -> list[PersonRecord]:
    """Each record's team and supervised teams as team keys; records with an error are dropped."""
    kept, resolved = [], {}  # (org id, unit, team) as given -> its key, once found without an error
    for record in records:
        org_id = plan.record_orgs[record.row]
        if "team" in record.columns or "unit" in record.columns:
            key = None
            if record.team:
                given = (org_id, record.unit, record.team)
                key = resolved.get(given)
                if key is None:
                    key, error = structure.person_team(*given, record.row, plan.warnings)
                    if error:
                        plan.errors.append(error)
                        continue
                    resolved[given] = key
            plan.record_teams[record.row] = key
        kept.append(record)
    good = []
    for record in kept:
        if not record.supervises:
            plan.record_supervises[record.row] = frozenset()
            good.append(record)
            continue
        keys, failed = set(), False
        for unit, team in record.supervises:
            key, error = structure.supervised(plan.record_orgs[record.row], unit, team, record.row)
            if error:
                plan.errors.append(error)
                failed = True
            keys.add(key)
        if not failed:
            plan.record_supervises[record.row] = frozenset(keys)
            good.append(record)
    return good


def _active_target(record: PersonRecord, row: dict, plan: Plan) -> bool | None:
    """Whether the person should be active after the import (None: leave as it is)."""
    if not record.gives("employment_ended_on"):
        return None
    ended = record.employment_ended_on
    if ended is not None and ended <= plan.today:
        return False
    if row["is_active"]:
        return True
    if row["employment_ended_on"] is not None:
        return True  # a leaver who has come back: a re-joiner
    plan.warnings.append(RowError(record.row, "", _(
        "%(person)s was deactivated by an administrator, not as a leaver: the import leaves them deactivated "
        "(reactivate them on their page in the admin if that is right).") % {"person": record.staff_number}))
    return False


def _field_changes(record: PersonRecord, row: dict, plan: Plan, structure: Structure) -> dict:
    changes = {}
    for model_field, column in PLAIN_FIELDS.items():
        if column in ("given_name", "family_name", "email") or record.gives(column):
            new = getattr(record, column)
            if row[model_field] != new:
                changes[model_field] = (row[model_field], new)
    if record.row in plan.record_teams:
        old = structure.key_of_id.get(row["team_id"]) if row["team_id"] else None
        new = plan.record_teams[record.row]
        if old != new:
            changes["team"] = (old, new)
    if record.gives("roles"):
        for code, flag in ROLE_FLAGS.items():
            if row[flag] != (code in record.roles):
                changes[flag] = (row[flag], code in record.roles)
    if record.gives("employment_ended_on") and row["employment_ended_on"] != record.employment_ended_on:
        changes["employment_ended_on"] = (row["employment_ended_on"], record.employment_ended_on)
    active = _active_target(record, row, plan)
    if active is not None and active != row["is_active"]:
        changes["is_active"] = (row["is_active"], active)
    return changes


def _supervision(org_ids) -> dict[int, set[int]]:
    """Who supervises which team, for the people of these organisations (one query, no list of ids)."""
    found: dict[int, set[int]] = {}
    rows = Team.supervisors.through.objects.filter(user__organisation_id__in=org_ids).order_by().values_list(
        "user_id", "team_id")
    for user_id, team_id in rows.iterator(chunk_size=5000):
        found.setdefault(user_id, set()).add(team_id)
    return found


# Positions in a person's values (_VALUES): the portal's people are read as tuples, and made into
# a dict only for the few a file changes.
_AT = {name: n for n, name in enumerate(_VALUES)}
_PK, _ORG, _STAFF, _ACTIVE, _ENDED, _TEAM = (_AT[name] for name in (
    "pk", "organisation_id", "staff_number", "is_active", "employment_ended_on", "team_id"))
_PERSON = operator.itemgetter(*(_AT[name] for name in ("pk", "staff_number", "username", "first_name", "last_name",
                                                       "email", "is_active")))
_SAME = operator.itemgetter(*(_AT[name] for name in ("first_name", "last_name", "email", "high_risk_role",
                                                     "high_risk_role_since", *ROLE_FLAGS.values())))


def _person(values: tuple) -> Person:
    return Person(*_PERSON(values))


@functools.cache
def _flags_of(roles: frozenset) -> tuple:
    return tuple(code in roles for code in ROLE_FLAGS)


def _unchanged(record: PersonRecord, values: tuple, plan: Plan, structure: Structure) -> bool:
    """True if `record` gives every column and they all match the active person `values` (most rows
    of a re-import): what `_field_changes` would find, without its work. False: ask it."""
    ended = record.employment_ended_on
    if (record.columns != ALL_OPTIONAL or not values[_ACTIVE] or ended != values[_ENDED]
            or (ended is not None and ended <= plan.today)):
        return False
    key = plan.record_teams[record.row]
    if values[_TEAM] != (structure.team_ids.get(key, -1) if key else None):
        return False
    return _SAME(values) == (record.given_name, record.family_name, record.email, record.high_risk_role,
                             record.high_risk_role_since, *_flags_of(record.roles))


def _compare_people(plan: Plan, records, structure: Structure, org_ids) -> set:
    """Changes for people already in the portal, and people missing from a full file. Returns the
    (organisation id, staff number) keys matched."""
    by_key = {(plan.record_orgs[r.row], r.staff_number): r for r in records}
    people = User.objects.filter(organisation_id__in=org_ids).exclude(staff_number="").order_by()
    if not plan.full and len(by_key) <= _FEW:
        people = people.filter(staff_number__in={number for _org, number in by_key})  # SCIM: one person
    matched, supervisors = set(), []
    for values in people.values_list(*_VALUES).iterator(chunk_size=5000):
        key = (values[_ORG], values[_STAFF])
        record = by_key.get(key)
        if record is None:
            if plan.full and values[_ACTIVE]:
                plan.missing.append(_person(values))
            continue
        matched.add(key)
        change = None
        if not _unchanged(record, values, plan, structure):
            fields = _field_changes(record, dict(zip(_VALUES, values, strict=True)), plan, structure)
            if fields:
                change = PersonChange(_person(values), record, fields)
                plan.changes.append(change)
        if record.gives("supervises"):
            supervisors.append((values, record, change))
    _compare_supervision(plan, supervisors, structure)
    return matched


def _compare_supervision(plan: Plan, candidates, structure: Structure) -> None:
    """Supervised teams, for the people whose file gives them (teams of their organisation only:
    a team elsewhere that an admin gave them is left alone). `candidates`: (person's values,
    record, its change or None)."""
    held = _supervision(set(plan.record_orgs.values())) if candidates else {}
    for values, record, change in candidates:
        teams = held.get(values[_PK], ())
        new = plan.record_supervises.get(record.row, frozenset())
        if not (teams or new):
            continue  # supervises no team, before or after
        org_id = plan.record_orgs[record.row]
        old = frozenset(structure.key_of_id[t] for t in teams
                        if t in structure.key_of_id and structure.key_of_id[t][0] == org_id)
        if old != new:
            if change is None:
                change = PersonChange(_person(values), record, {})
                plan.changes.append(change)
            change.supervises = (old, new)


@collector_paused()
def build_plan(records, *, full: bool, organisation=None, file_sha256: str = "", today=None, by=None) -> Plan:
    """What importing `records` would do; reads the portal, writes nothing. `full`: the file holds
    everyone of its organisation(s), so people not in it are listed as missing. `organisation`: the
    one organisation the records may belong to (None: each record names its own). `by`: the admin
    who will apply it (a file that takes their own admin role away is an error; see hr.guards)."""
    plan = Plan(full=full, organisation=organisation, file_sha256=file_sha256,
                today=today or timezone.localdate())
    organisations = Organisations(organisation)
    records = _resolve_records(plan, records, organisations)
    org_ids = set(plan.record_orgs.values()) | ({organisation.pk} if organisation is not None else set())
    structure = Structure(org_ids)
    records = _resolve_teams(plan, records, structure)
    matched = _compare_people(plan, records, structure, org_ids)
    for record in records:
        if (plan.record_orgs[record.row], record.staff_number) in matched:
            continue
        ended = record.employment_ended_on
        if ended is not None and ended <= plan.today:
            plan.skipped.append(record)  # a leaver who was never in the portal: nothing to do
            plan.record_teams.pop(record.row, None)
            plan.record_supervises.pop(record.row, None)
        else:
            plan.creates.append(record)
    _drop_unused_structure(plan, structure)
    plan.errors += admin_problems(plan, by=by)
    plan.errors.sort(key=lambda e: (e.row, e.column))
    return plan


def _drop_unused_structure(plan: Plan, structure: Structure) -> None:
    """New units and teams, only those a planned person joins or supervises (a team named on a row
    with an error is not created)."""
    used = {key for key in plan.record_teams.values() if key} | {
        key for keys in plan.record_supervises.values() for key in keys}
    plan.new_teams = [key for key in structure.new_teams if key in used]
    units = {(key[0], key[1]) for key in plan.new_teams}
    plan.new_units = [unit for unit in structure.new_units if unit in units]
