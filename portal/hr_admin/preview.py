"""What the preview page shows of a plan (`portal.hr.Plan`), and the digest that ties a confirmation
to the preview the admin saw: a confirmation applies only if the plan made again from the stored
bytes has the same digest; anything else (the database changed meanwhile) shows the new preview."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from datetime import date, datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.hr import PersonRecord

SHOWN = 100  # rows shown per table; the rest are counted ("and 240 more")
ERRORS_SHOWN = 500

COUNT_LABELS = {
    "creates": _("People created"), "created": _("People created"),
    "updates": _("People whose details change"), "updated": _("People whose details change"),
    "moves": _("People moving team"), "moved": _("People moving team"),
    "role_changes": _("People given or losing roles"),
    "leavers": _("Leavers (deactivated)"),
    "rejoiners": _("People coming back (reactivated)"),
    "new_units": _("Units created"), "new_teams": _("Teams created"),
    "missing": _("People not in this file"), "deactivated": _("People not in the file deactivated"),
    "skipped": _("Rows skipped (a leaver never in the portal)"),
    "errors": _("Rows that cannot be applied"), "warnings": _("Warnings"),
}
# Model field -> the file's column, for "which fields change".
FIELD_COLUMNS = {"first_name": "given_name", "last_name": "family_name"}


def canonical(value):
    """A JSON-able form of anything a plan holds, the same for the same content: a model instance
    is its label and primary key, sets are sorted, dataclasses are their fields. A file's record is
    its row number: the plans compared are made from the same stored bytes, so a row stands for
    the same record in both (and a digest of 50,000 records takes a fraction of the time)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is PersonRecord:
        return ["row", value.row]
    if kind is tuple or kind is list:
        return [canonical(v) for v in value]
    if kind is dict:
        return [[canonical(k), canonical(value[k])] for k in _sorted(value)]
    if kind is set or kind is frozenset:
        return [canonical(v) for v in _sorted(value)]
    names = _dataclass_fields(kind)
    if names is not None:
        return {name: canonical(getattr(value, name)) for name in names}
    if isinstance(value, models.Model):
        return [value._meta.label_lower, value.pk]
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


_PLAIN = {str, int, float, bool, type(None)}
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _dataclass_fields(kind: type) -> tuple[str, ...] | None:
    if kind not in _FIELDS:
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
    return _FIELDS[kind]


def _sorted(items) -> list:
    """Set members or dict keys in a fixed order: their own when they have one (row numbers, names,
    team keys), else that of their canonical JSON."""
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=lambda v: json.dumps(canonical(v), sort_keys=True))


def plan_digest(plan) -> str:
    """SHA-256 of everything the plan would do (and every error and warning it has)."""
    return hashlib.sha256(json.dumps(canonical(plan), sort_keys=True).encode()).hexdigest()


def capped(items, limit: int = SHOWN) -> dict:
    """The first `limit` of a list for a table, and how many are left out."""
    items = list(items or ())
    return {"rows": items[:limit], "more": max(len(items) - limit, 0), "total": len(items)}


def count_rows(counts: dict) -> list[tuple[str, int]]:
    """(label, number) for a counts table, leaving out zeros, errors and warnings (shown apart)."""
    return [(COUNT_LABELS.get(key, key), n) for key, n in counts.items()
            if n and key not in ("errors", "warnings")]


def _name(person) -> str:
    return f"{person.first_name} {person.last_name}".strip() or person.username


def _team(key) -> str:
    return f"{key[1]} / {key[2]}" if key else ""


def _supervises(label: str) -> str:
    return str(_("supervises %(team)s") % {"team": label})


def _show(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def sections(plan) -> dict:
    """Each table of the preview, as rows of plain values, each list capped."""
    teams, supervises = plan.record_teams, plan.record_supervises
    return {
        "creates": capped({"row": r.row, "staff_number": r.staff_number, "name": f"{r.given_name} {r.family_name}",
                           "email": r.email, "team": _team(teams.get(r.row)), "roles": sorted(r.roles),
                           "supervises": sorted(_team(k) for k in supervises.get(r.row, ()))}
                          for r in plan.creates),
        "updates": capped({"staff_number": u.person.staff_number, "name": _name(u.person),
                           "changes": [(FIELD_COLUMNS.get(f, f), _show(old), _show(new))
                                       for f, (old, new) in sorted(u.fields.items())]}
                          for u in plan.updates),
        "moves": capped({"staff_number": m.person.staff_number, "name": _name(m.person),
                         "old": _team(m.old_team), "new": _team(m.new_team)} for m in plan.moves),
        "role_changes": capped({"staff_number": c.person.staff_number, "name": _name(c.person),
                                "given": [*sorted(c.given), *map(_supervises, c.supervises_given)],
                                "losing": [*sorted(c.losing), *map(_supervises, c.supervises_losing)]}
                               for c in plan.role_changes),
        "leavers": capped({"staff_number": x.person.staff_number, "name": _name(x.person), "ended_on": x.ended_on}
                          for x in plan.leavers),
        "rejoiners": capped({"staff_number": c.person.staff_number, "name": _name(c.person)} for c in plan.rejoiners),
        "new_units": capped({"name": unit} for _org, unit in plan.new_units),
        "new_teams": capped({"name": _team(key)} for key in plan.new_teams),
        "missing": capped({"pk": p.pk, "staff_number": p.staff_number, "name": _name(p), "email": p.email}
                          for p in plan.missing),
        "skipped": capped({"row": r.row, "staff_number": r.staff_number} for r in plan.skipped),
        "warnings": capped(plan.warnings),
    }
