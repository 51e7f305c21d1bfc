"""Reads of TRiM cases for the pages that open them and for the person themself, and the one thing
a supervisor ever sees of a case: its stage, in three words (docs/trim.md)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.models import User
from wellbeing.models.trim import TrimCase, TrimIncident

# What a supervisor sees of a person's latest case: the stage alone, never the band, the agreed
# response, the assessments, the referral or the practitioner.
OFFERED, IN_PROGRESS, CLOSED = "offered", "in_progress", "closed"
SUPERVISOR_STAGE = {
    TrimCase.Stage.NEW: OFFERED, TrimCase.Stage.PLANNED: OFFERED, TrimCase.Stage.OFFERED: OFFERED,
    TrimCase.Stage.IN_PROGRESS: IN_PROGRESS, TrimCase.Stage.CLOSED: CLOSED,
}
SUPERVISOR_STAGE_LABELS = {OFFERED: _("offered"), IN_PROGRESS: _("in progress"), CLOSED: _("closed")}


def supervisor_stage(person_id: int) -> str | None:
    """The stage label of `person_id`'s latest case as their supervisor may see it, or None. One
    query, reading the stage column alone."""
    stage = (TrimCase.objects.filter(person_id=person_id).order_by("-created_at", "-pk")
             .values_list("stage", flat=True).first())
    return None if stage is None else str(SUPERVISOR_STAGE_LABELS[SUPERVISOR_STAGE[stage]])


def declarable_people(user) -> QuerySet:
    """Whom `user` (a supervisor) may declare an incident for or refer: the active officers of
    their organisations, any team or unit. Nobody for anyone else."""
    if not access.can_enter(user, "trim_declare"):
        return User.objects.none()
    return (User.objects.filter(is_active=True, is_officer=True, organisation_id__in=access.organisation_ids(user))
            .select_related("team__unit", "organisation")
            .order_by("organisation__name", "team__unit__name", "team__name", "last_name", "first_name", "pk"))


def team_label(person) -> str:
    if person.team_id is None:
        return str(_("No team"))
    return f"{person.team.name} ({person.team.unit.name})"


def grouped_by_team(people) -> list[tuple[str, list]]:
    """(team label, people) in the order of `people` (already sorted by unit and team)."""
    groups: dict[str, list] = {}
    for person in people:
        groups.setdefault(team_label(person), []).append(person)
    return list(groups.items())


def own_cases(user) -> QuerySet:
    """The user's own cases, latest incident first, with what their page shows in one query."""
    return (access.scope(user, TrimCase.objects.all(), access.OWN, owner_field="person")
            .select_related("incident", "practitioner").order_by("-incident__occurred_at", "-pk"))


def declared_incident_or_none(user, pk) -> TrimIncident | None:
    """An incident `user` declared themself (for their confirmation page), or None."""
    try:
        return TrimIncident.objects.get(pk=pk, created_by=user, source=TrimIncident.Source.DECLARED)
    except (TrimIncident.DoesNotExist, ValueError, TypeError):
        return None
