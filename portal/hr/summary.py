"""A plan in plain words, one line a change (the command's preview; the admin page may use it too)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.hr.planning import Plan
from portal.hr.structure import team_label

_FIELD_NAMES = {"first_name": "given_name", "last_name": "family_name", "email": "email",
                "high_risk_role": "high_risk_role", "high_risk_role_since": "high_risk_role_since"}


def headline(plan: Plan) -> str:
    c = plan.counts()
    return _("%(creates)d to create, %(updates)d to update, %(moves)d moving team, %(roles)d changing role, "
             "%(leavers)d leaving, %(rejoiners)d re-joining, %(units)d new units, %(teams)d new teams, "
             "%(missing)d not in this file, %(errors)d problems.") % {
        "creates": c["creates"], "updates": c["updates"], "moves": c["moves"], "roles": c["role_changes"],
        "leavers": c["leavers"], "rejoiners": c["rejoiners"], "units": c["new_units"], "teams": c["new_teams"],
        "missing": c["missing"], "errors": c["errors"]}


def _value(value) -> str:
    if value is None or value == "":
        return _("(empty)")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _change_lines(plan: Plan) -> list[str]:
    lines = []
    for record in plan.creates:
        lines.append(_("Create %(name)s (%(number)s) in %(team)s.") % {
            "name": f"{record.given_name} {record.family_name}", "number": record.staff_number,
            "team": team_label(plan.record_teams.get(record.row)) or _("no team")})
    for update in plan.updates:
        fields = "; ".join(f"{_FIELD_NAMES[name]}: {_value(old)} → {_value(new)}"
                           for name, (old, new) in update.fields.items())
        lines.append(_("Update %(person)s: %(fields)s.") % {"person": update.person, "fields": fields})
    for move in plan.moves:
        lines.append(_("Move %(person)s from %(old)s to %(new)s.") % {
            "person": move.person, "old": move.old_label or _("no team"), "new": move.new_label or _("no team")})
    for change in plan.role_changes:
        parts = []
        if change.given:
            parts.append(_("given %(roles)s") % {"roles": ", ".join(sorted(change.given))})
        if change.losing:
            parts.append(_("losing %(roles)s") % {"roles": ", ".join(sorted(change.losing))})
        if change.supervises_given:
            parts.append(_("now supervises %(teams)s") % {"teams": ", ".join(change.supervises_given)})
        if change.supervises_losing:
            parts.append(_("no longer supervises %(teams)s") % {"teams": ", ".join(change.supervises_losing)})
        lines.append(_("Roles of %(person)s: %(changes)s.") % {"person": change.person, "changes": "; ".join(parts)})
    for leaver in plan.leavers:
        lines.append(_("%(person)s left on %(date)s: deactivate (their records are kept).") % {
            "person": leaver.person, "date": leaver.ended_on.isoformat()})
    for change in plan.rejoiners:
        lines.append(_("%(person)s has come back: reactivate.") % {"person": change.person})
    return lines


def summary_lines(plan: Plan) -> list[str]:
    """Every line of the preview: the headline, the units and teams to create, each change, the
    people not in a full file, then warnings and problems."""
    lines = [headline(plan)]
    lines += [_("New unit: %(unit)s.") % {"unit": name} for _org, name in plan.new_units]
    lines += [_("New team: %(team)s.") % {"team": team_label(key)} for key in plan.new_teams]
    lines += _change_lines(plan)
    if plan.missing:
        lines.append(ngettext("%(count)d person is not in this file (nobody is deleted; deactivate only those who "
                              "have left):",
                              "%(count)d people are not in this file (nobody is deleted; deactivate only those who "
                              "have left):", len(plan.missing)) % {"count": len(plan.missing)})
        lines += [f"  {person}" for person in plan.missing]
    lines += [_("Skipped: %(number)s left before being imported.") % {"number": record.staff_number}
              for record in plan.skipped]
    lines += [_("Note: %(warning)s") % {"warning": warning} for warning in plan.warnings]
    lines += [_("Problem: %(error)s") % {"error": error} for error in plan.errors]
    return lines
