"""Reads that span relations: what a learner sees, whom a trainer may assign, and the reports.

Every trainer read starts from `portal.access.people_visible_to(trainer, TRAINING_RECORDS)`, so a
trainer never counts, lists or exports anyone outside the organisations they train. Nothing here
touches exposure or wellbeing tables."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, exports
from portal.models import Organisation, Team, Unit, User
from training.models import Assignment, AutoAssignmentRule, Completion, Feedback, Lesson, LessonView, Module
from training.reports import CompletionRow, evaluation_summary

TARGET_PERSON = "person"
TARGET_TEAM = "team"
TARGET_UNIT = "unit"
TARGET_ROLE = "role"
TARGET_ORGANISATION = "organisation"


def trainees_of(trainer) -> QuerySet:
    return access.people_visible_to(trainer, access.TRAINING_RECORDS)


def organisations_of(trainer) -> QuerySet:
    if not trainer.is_trainer:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=access.organisation_ids(trainer))


def teams_of(trainer) -> QuerySet:
    return Team.objects.filter(unit__organisation__in=organisations_of(trainer)).select_related("unit__organisation")


def units_of(trainer) -> QuerySet:
    return Unit.objects.filter(organisation__in=organisations_of(trainer)).select_related("organisation")


def modules_for(trainer) -> QuerySet:
    """Modules a trainer may see and assign: those shipped with the portal and those written in
    the organisations they train."""
    return Module.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=access.organisation_ids(trainer))
    ).select_related("current_version")


def module_is_editable(trainer, module: Module) -> bool:
    """Whether `trainer` may change `module` (details, lessons, quiz, status) in the browser: only a
    module owned by an organisation they train. Shipped modules (no organisation) change only
    through the content files and `load_training`, so one force can never alter what every force
    uses; a trainer copies one to edit it (services.module_copy)."""
    return bool(trainer.is_trainer and module.organisation_id is not None
                and module.organisation_id in access.organisation_ids(trainer))


def target_people(trainer, *, kind: str, person=None, team=None, unit=None, role: str = "",
                  organisation=None) -> QuerySet:
    """The people a target means, always narrowed to those the trainer may train."""
    people = trainees_of(trainer)
    if kind == TARGET_PERSON:
        return people.filter(pk=person.pk if person else None)
    if kind == TARGET_TEAM:
        return people.filter(team=team)
    if kind == TARGET_UNIT:
        return people.filter(team__unit=unit)
    if kind == TARGET_ROLE:
        people = people.filter(high_risk_role=role) if role else people.none()
        return people.filter(organisation=organisation) if organisation else people
    if kind == TARGET_ORGANISATION:
        return people.filter(organisation=organisation)
    return people.none()


def module_roles(module: Module, organisation_id: int) -> list[str]:
    """The high-risk roles a module is for in an organisation: those its active "joins a team in a
    high-risk role" rules name there. A module no such rule names is for everyone (an empty list)."""
    return sorted(set(
        AutoAssignmentRule.objects.filter(
            module=module, organisation_id=organisation_id, active=True,
            trigger=AutoAssignmentRule.Trigger.HAS_ROLE,
        ).exclude(high_risk_role="").values_list("high_risk_role", flat=True)
    ))


def assignments_for_learner(user) -> list[Assignment]:
    """The learner's assignments with lesson totals and lessons read, in a fixed number of queries."""
    rows = list(
        access.scope(user, Assignment.objects.all(), access.OWN, owner_field="person")
        .select_related("module__current_version", "version", "completion")
        .annotate(lessons_read=Count("lesson_views", distinct=True))
        .order_by("completed_at", "due_on", "id")
    )
    version_ids = {a.version_id or a.module.current_version_id for a in rows}
    totals = dict(
        Lesson.objects.filter(version_id__in=version_ids).values("version_id").annotate(n=Count("id"))
        .values_list("version_id", "n")
    )
    has_feedback = set(
        Feedback.objects.filter(completion__person=user).values_list("completion_id", flat=True)
    )
    for a in rows:
        a.lessons_total = totals.get(a.version_id or a.module.current_version_id, 0)
        a.progress_pct = 100 if a.completed_at else (a.lessons_read * 100 // a.lessons_total if a.lessons_total else 0)
        completion = getattr(a, "completion", None) if a.completed_at else None
        a.completion_obj = completion
        a.needs_feedback = completion is not None and completion.pk not in has_feedback
    return rows


def viewed_lesson_ids(assignment: Assignment) -> set[int]:
    return set(LessonView.objects.filter(assignment=assignment).values_list("lesson_id", flat=True))


# ----------------------------------------------------------------------------- reports

def _assignments_in_scope(trainer) -> QuerySet:
    return Assignment.objects.filter(person__in=trainees_of(trainer))


def _completion_rows(qs: QuerySet, label_fields: list[str], today: dt.date, fmt) -> list[CompletionRow]:
    rows = (
        qs.values(*label_fields)
        .annotate(
            assigned=Count("id"),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
            overdue=Count("id", filter=Q(completed_at__isnull=True, due_on__lt=today)),
        )
        .order_by(*label_fields)
    )
    return [CompletionRow(label=fmt(r), assigned=r["assigned"], completed=r["completed"], overdue=r["overdue"])
            for r in rows]


def _team_label(row) -> str:
    return f"{row['person__team__name'] or _('(no team)')} – {row['person__organisation__name']}"


def completion_report(trainer, today: dt.date | None = None) -> dict[str, list[CompletionRow]]:
    today = today or timezone.localdate()
    qs = _assignments_in_scope(trainer)
    return {
        "module": _completion_rows(qs, ["module__order", "module__current_version__title"], today,
                                   lambda r: r["module__current_version__title"] or ""),
        "team": _completion_rows(qs, ["person__organisation__name", "person__team__name"], today, _team_label),
        "organisation": _completion_rows(qs, ["person__organisation__name"], today,
                                         lambda r: r["person__organisation__name"] or ""),
    }


def _feedback_in_scope(trainer) -> QuerySet:
    return Feedback.objects.filter(completion__person__in=trainees_of(trainer))


def evaluation_report(trainer, module: Module | None = None) -> dict:
    qs = _feedback_in_scope(trainer)
    if module is not None:
        qs = qs.filter(completion__module=module)
    counts = dict(qs.values("satisfaction").annotate(n=Count("id")).values_list("satisfaction", "n"))
    recommend = qs.filter(would_recommend=True).count()
    per_module = []
    by_module = (
        qs.values("completion__module__order", "completion__module__current_version__title", "satisfaction")
        .annotate(n=Count("id")).order_by("completion__module__order")
    )
    grouped: dict[str, dict[int, int]] = {}
    for row in by_module:
        grouped.setdefault(row["completion__module__current_version__title"], {})[row["satisfaction"]] = row["n"]
    for title, level_counts in grouped.items():
        per_module.append((title, evaluation_summary(level_counts)))
    return {"overall": evaluation_summary(counts, recommend), "per_module": per_module}


# Comments are shown only for a group (a module, and any filter) with at least this many
# responses: in a smaller group a trainer could tell who wrote what. The exports' small-number rule.
COMMENT_MIN_RESPONSES = exports.SUPPRESS_BELOW


def evaluation_comments(trainer) -> QuerySet:
    """Free-text comments, newest first, with the module but not the person: evaluation comments
    are reported without names so people write honestly, and only for modules with at least
    COMMENT_MIN_RESPONSES responses in the trainer's scope."""
    scoped = _feedback_in_scope(trainer)
    enough = (
        scoped.values("completion__module").annotate(n=Count("id")).filter(n__gte=COMMENT_MIN_RESPONSES)
        .values("completion__module")
    )
    return (
        scoped.exclude(comment="").filter(completion__module__in=enough)
        .select_related("completion__module__current_version")
        .only("comment", "satisfaction", "created_at", "completion__module__current_version__title")
        .order_by("-created_at", "-id")
    )


def reach_report(trainer) -> dict:
    completions = Completion.objects.filter(person__in=trainees_of(trainer))
    by_org = list(
        completions.values("person__organisation__name", "person__organisation__kind")
        .annotate(people=Count("person", distinct=True), completions=Count("id"))
        .order_by("person__organisation__name")
    )
    kinds = dict(Organisation.Kind.choices)
    rows = [
        {"organisation": r["person__organisation__name"], "kind": str(kinds.get(r["person__organisation__kind"], "")),
         "people": r["people"], "completions": r["completions"]}
        for r in by_org
    ]
    return {
        "people": completions.values("person").distinct().count(),
        "organisations": len(rows),
        "completions": sum(r["completions"] for r in rows),
        "rows": rows,
    }


def person_record(trainer, person: User) -> list[Assignment]:
    """One trainee's assignments for the trainer's view (the caller has already checked access).
    Never whether they gave feedback: feedback is reported only in aggregate, without names."""
    return list(
        Assignment.objects.filter(person=person)
        .select_related("module__current_version", "completion")
        .order_by("-assigned_at")
    )
