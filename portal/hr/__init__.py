"""Bringing a force's structure and people in from an HR file (issue 19, docs/onboarding.md). One
code path for the command (`manage.py import_people`), the admin page and SCIM:

    from portal.hr import read_file, build_plan, apply_plan, PersonRecord, Plan

    result = read_file(data, "people.csv")        # bytes or a binary file; CSV or XLSX
    result.records, result.errors, result.sha256  # errors: RowError(row, column, message)
    plan = build_plan(result.records, full=True, organisation=None, file_sha256=result.sha256, by=admin)
    plan.creates, plan.updates, plan.moves, plan.role_changes, plan.leavers, plan.rejoiners,
    plan.new_units, plan.new_teams, plan.missing, plan.errors, plan.warnings, plan.is_empty, plan.counts()
    counts = apply_plan(plan, by=admin, deactivate_missing={person.pk, ...})

Notes on the contract, as built:
- `PersonRecord.columns`: the optional columns the source gave (default: all). A column not given is
  left as the portal holds it (SCIM: build records with only the columns it knows).
- `read_file` also returns `.warnings` (not blocking) and `.sha256`; `build_plan` takes
  `file_sha256=` (for the audit event) and `today=` (tests).
- `Plan.changes` holds every change to an existing person (PersonChange: person, record,
  fields {model field: (old, new)}, supervises (old team keys, new team keys) or None); `updates`,
  `moves`, `role_changes`, `leavers` and `rejoiners` are views of it. People are `planning.Person`
  (pk, staff_number, username, first_name, last_name, email, is_active), not model instances.
  Teams are keys (organisation id, unit name, team name); `structure.team_label(key)` gives
  "Unit / Team"; `Move.old_label` / `new_label` too.
- `Plan.is_empty`: nothing to write (people missing from a full file are listed, not written).
- `apply_plan` raises `PlanHasErrors` (a ValueError) for a plan with errors, or one that would take
  the importing admin's own admin role or account away or leave an organisation with no active
  admin (`portal.hr.guards`, checked again in its transaction), and writes nothing.
- `apply_plan` raises `PlanOutdated` when someone created a person with a staff number or username
  the plan meant to use after it was built (the unique constraint refused it): nothing is written.
"""

from portal.hr.applying import PlanHasErrors, PlanOutdated, apply_plan
from portal.hr.planning import Person, PersonChange, Plan, build_plan
from portal.hr.reading import read_file
from portal.hr.records import COLUMNS, REQUIRED_COLUMNS, ROLE_CODES, PersonRecord, ReadResult, RowError

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "ROLE_CODES", "Person", "PersonChange", "PersonRecord", "Plan",
           "PlanHasErrors", "PlanOutdated", "ReadResult", "RowError", "apply_plan", "build_plan", "read_file"]
