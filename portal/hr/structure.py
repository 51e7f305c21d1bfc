"""Organisations, units and teams named in an HR file, resolved against the portal: which exist,
which the import would create, and names that differ from an existing one only by capitals or
spaces (an error with a suggestion, never a near-duplicate team). Reads, never writes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.hr.records import RowError, suggestion
from portal.models import Organisation, Team, Unit

# A team: (organisation id, unit name, team name), with the names as the portal spells them.
TeamKey = tuple


def norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def team_label(key) -> str:
    return f"{key[1]} / {key[2]}" if key else ""


class Organisations:
    """Organisation by name or slug (without case), in one query."""

    def __init__(self, organisation=None):
        self.only = organisation
        self.by_text: dict[str, Organisation] = {}
        for org in Organisation.objects.all() if organisation is None else [organisation]:
            self.by_text[org.name.casefold()] = org
            self.by_text[org.slug.casefold()] = org

    def find(self, text: str, row: int) -> tuple[Organisation | None, RowError | None]:
        org = self.by_text.get(text) or self.by_text.get(text.casefold())
        if org is not None:
            return org, None
        if self.only is not None:
            return None, RowError(row, "organisation", _(
                "'%(value)s' is not the organisation being imported (%(organisation)s): this file may only hold "
                "its people.") % {"value": text, "organisation": self.only.name})
        names = sorted({o.name for o in self.by_text.values()})
        message = _("organisation '%(value)s' is not in the portal.") % {"value": text}
        close = suggestion(text, names + sorted({o.slug for o in self.by_text.values()}))
        if close:
            message = _("%(message)s — did you mean '%(suggestion)s'?") % {"message": message, "suggestion": close}
        return None, RowError(row, "organisation", message)


class Structure:
    """The units and teams of some organisations, and those an import would add."""

    def __init__(self, organisation_ids):
        ids = set(organisation_ids)
        self.units: dict[tuple[int, str], str] = {}  # (org id, norm name) -> name as spelt
        self.unit_ids: dict[tuple[int, str], int] = {}  # (org id, name) -> id
        self.teams: dict[tuple[int, str, str], str] = {}  # (org id, unit name, norm team) -> name
        self.team_ids: dict[TeamKey, int] = {}
        self.key_of_id: dict[int, TeamKey] = {}
        for pk, org_id, name in Unit.objects.filter(organisation_id__in=ids).order_by().values_list(
                "pk", "organisation_id", "name"):
            self.units[(org_id, norm(name))] = name
            self.unit_ids[(org_id, name)] = pk
        teams = Team.objects.filter(unit__organisation_id__in=ids).order_by().values_list("pk", "unit__organisation_id",
                                                                               "unit__name", "name")
        for pk, org_id, unit, name in teams:
            self.teams[(org_id, unit, norm(name))] = name
            self.team_ids[(org_id, unit, name)] = pk
            self.key_of_id[pk] = (org_id, unit, name)
        self.unit_teams: dict[tuple[int, str], list[str]] = {}  # (org id, unit name) -> its teams' names
        for org_id, unit, _norm_name in self.teams:
            self.unit_teams.setdefault((org_id, unit), []).append(self.teams[(org_id, unit, _norm_name)])
        self._resolved: dict[TeamKey, TeamKey] = {}  # (org id, unit, team) as given -> its key, once resolved
        self.new_units: list[tuple[int, str]] = []
        self.new_teams: list[TeamKey] = []
        self._new_unit_rows: dict[tuple[int, str], int] = {}

    def exists(self, key: TeamKey) -> bool:
        return key in self.team_ids

    def _unit(self, org_id: int, name: str, row: int, warnings: list) -> tuple[str | None, RowError | None]:
        spelt = self.units.get((org_id, norm(name)))
        if spelt == name:
            return name, None
        if spelt is not None:
            where = _("in the portal") if (org_id, spelt) in self.unit_ids else _("earlier in this file")
            return None, RowError(row, "unit", _(
                "unit '%(value)s' is spelt differently from unit '%(existing)s' %(where)s — did you mean "
                "'%(existing)s'?") % {"value": name, "existing": spelt, "where": where})
        close = suggestion(name, [n for (o, _n), n in self.units.items() if o == org_id], cutoff=0.8)
        if close:
            warnings.append(RowError(row, "unit", _(
                "unit '%(value)s' is new and will be created; there is already a unit '%(existing)s' — if that was "
                "meant, correct the file.") % {"value": name, "existing": close}))
        self.units[(org_id, norm(name))] = name
        self.new_units.append((org_id, name))
        return name, None

    def _team(self, org_id: int, unit: str, name: str, row: int,
              warnings: list) -> tuple[TeamKey | None, RowError | None]:
        spelt = self.teams.get((org_id, unit, norm(name)))
        if spelt == name:
            return (org_id, unit, name), None
        if spelt is not None:
            return None, RowError(row, "team", _(
                "team '%(value)s' is not in unit '%(unit)s' — did you mean '%(existing)s'?")
                % {"value": name, "unit": unit, "existing": spelt})
        siblings = self.unit_teams.setdefault((org_id, unit), [])
        close = suggestion(name, siblings, cutoff=0.8)
        siblings.append(name)
        if close:
            warnings.append(RowError(row, "team", _(
                "team '%(value)s' is new in unit '%(unit)s' and will be created; there is already a team "
                "'%(existing)s' — if that was meant, correct the file.")
                % {"value": name, "unit": unit, "existing": close}))
        self.teams[(org_id, unit, norm(name))] = name
        self.new_teams.append((org_id, unit, name))
        return (org_id, unit, name), None

    def person_team(self, org_id: int, unit: str, team: str, row: int, warnings: list):
        """The team key of a person's unit and team (created if new), or an error."""
        given = (org_id, unit, team)
        if given in self._resolved:
            return self._resolved[given], None
        unit_name, error = self._unit(org_id, unit, row, warnings)
        if error:
            return None, error
        key, error = self._team(org_id, unit_name, team, row, warnings)
        if key is not None:
            self._resolved[given] = key
        return key, error

    def supervised(self, org_id: int, unit: str, team: str, row: int) -> tuple[TeamKey | None, RowError | None]:
        """A team named in `supervises`: it must exist in the portal or be created by this file."""
        spelt_unit = self.units.get((org_id, norm(unit)))
        spelt = self.teams.get((org_id, spelt_unit, norm(team))) if spelt_unit else None
        if spelt_unit == unit and spelt == team:
            return (org_id, unit, team), None
        if spelt is not None:
            message = _("team '%(value)s' is spelt differently — did you mean '%(existing)s'?") % {
                "value": f"{unit} / {team}", "existing": f"{spelt_unit} / {spelt}"}
            return None, RowError(row, "supervises", message)
        labels = [f"{u} / {n}" for (o, u, _n), n in self.teams.items() if o == org_id]
        message = _("team '%(value)s' is not in the portal or in this file (a supervised team must be someone's "
                    "team, or exist already).") % {"value": f"{unit} / {team}"}
        close = suggestion(f"{unit} / {team}", labels)
        if close:
            message = _("%(message)s — did you mean '%(suggestion)s'?") % {"message": message, "suggestion": close}
        return None, RowError(row, "supervises", message)
