"""The rows behind the coordinator's reports (wellbeing.trim.stats): two queries, whatever the
number of cases. Only the organisations the coordinator works in; no names leave this module."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from portal import access
from wellbeing.models.trim import TrimAssessment, TrimCase
from wellbeing.trim.stats import CaseRow, referred


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def report_rows(user, *, date_from: date, date_to: date) -> list[CaseRow]:
    """The cases of incidents that happened from `date_from` to `date_to` (both included, UK time)
    in the organisations `user` works in, each with the unit of the person's team now. A unit is
    named with its organisation when `user` covers more than one."""
    organisations = access.organisation_ids(user)
    cases = TrimCase.objects.filter(
        incident__organisation_id__in=organisations, incident__occurred_at__gte=_start_of(date_from),
        incident__occurred_at__lt=_start_of(date_to + timedelta(days=1)))
    found = list(cases.values_list(
        "pk", "incident__occurred_at", "offer", "assessment_due_at", "person__team__unit__name",
        "person__team__unit__organisation__name").order_by())
    assessments: dict[int, list[tuple[str, str, str]]] = {}
    initial_held: dict[int, date] = {}
    for case_id, stage, held_on, band, action in TrimAssessment.objects.filter(case__in=cases.values("pk")).values_list(
            "case_id", "stage", "held_on", "band", "action").order_by():
        assessments.setdefault(case_id, []).append((stage, band, action))
        if stage == TrimAssessment.Stage.INITIAL:
            initial_held[case_id] = held_on
    several = len(set(organisations)) > 1
    return [
        CaseRow(incident_on=timezone.localdate(occurred_at), unit=_unit_label(unit, organisation, several),
                offer=offer, assessment_due_on=timezone.localdate(due_at), initial_held_on=initial_held.get(pk),
                referred=referred(assessments.get(pk, ())))
        for pk, occurred_at, offer, due_at, unit, organisation in found
    ]


def _unit_label(unit: str | None, organisation: str | None, several: bool) -> str:
    if not unit:
        return ""
    return f"{unit} ({organisation})" if several else unit
