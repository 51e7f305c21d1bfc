"""Writes that span models: loading content, versions, assignments, progress, quizzes,
completions, feedback, automatic rules and reminders. Keyword-only arguments throughout."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.language import user_language
from portal.models import User
from portal.notify import notification_send
from training import content as content_mod
from training.models import (
    Assignment,
    AutoAssignmentRule,
    Choice,
    Completion,
    Feedback,
    Lesson,
    LessonView,
    Module,
    ModuleVersion,
    Question,
    QuizAttempt,
)
from training.scoring import QuizResult, score_quiz

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 7


# ----------------------------------------------------------------------------- content and versions

def _save_questions(*, version: ModuleVersion, questions: list[content_mod.ParsedQuestion]) -> None:
    for q_order, parsed in enumerate(questions, start=1):
        question = Question.objects.create(
            version=version, order=q_order, text=parsed.text, explanation=parsed.explanation
        )
        Choice.objects.bulk_create(
            Choice(question=question, order=c_order, text=c.text, is_correct=c.is_correct)
            for c_order, c in enumerate(parsed.choices, start=1)
        )


@transaction.atomic
def module_load_parsed(*, parsed: content_mod.ParsedModule) -> tuple[Module, bool]:
    """Load one parsed module. Returns (module, whether a new version was made). Unchanged files
    make nothing new, so the loader is idempotent; changed files make a new version and leave the
    old ones (and the completions made on them) untouched."""
    module, created = Module.objects.select_for_update().get_or_create(
        slug=parsed.slug, defaults={"status": parsed.status, "order": parsed.order}
    )
    last_from_file = module.versions.filter(source=ModuleVersion.Source.FILE).order_by("-number").first()
    if last_from_file is not None and last_from_file.source_hash == parsed.content_hash:
        return module, False
    number = (module.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ModuleVersion.objects.create(
        module=module, number=number, title=parsed.title, summary=parsed.summary,
        introduction=parsed.introduction, sources=parsed.sources, duration_minutes=parsed.duration_minutes,
        pass_mark=parsed.pass_mark, source=ModuleVersion.Source.FILE, source_hash=parsed.content_hash,
    )
    Lesson.objects.bulk_create(
        Lesson(version=version, order=i, title=lesson.title, body=lesson.body)
        for i, lesson in enumerate(parsed.lessons, start=1)
    )
    _save_questions(version=version, questions=parsed.questions)
    module.current_version = version
    module.order = parsed.order
    fields = ["current_version", "order"]
    if created:
        module.status = parsed.status
        fields.append("status")
    module.save(update_fields=fields)
    return module, True


def content_load(*, root: Path | None = None) -> dict[str, int]:
    """Load every module under `root` (default training/content). Parses everything first, so a
    broken file stops the run before anything is written."""
    parsed_modules = content_mod.read_all(root or content_mod.CONTENT_DIR)
    summary = {"modules": 0, "new_versions": 0}
    for parsed in parsed_modules:
        _, made = module_load_parsed(parsed=parsed)
        summary["modules"] += 1
        summary["new_versions"] += int(made)
    return summary


def _version_in_use(version: ModuleVersion) -> bool:
    return Assignment.objects.filter(version=version).exists() or Completion.objects.filter(version=version).exists()


def _version_copy(*, source: ModuleVersion | None, module: Module, number: int, user) -> ModuleVersion:
    """A new browser version of `module` holding a copy of `source` (its details, lessons and quiz)."""
    new = ModuleVersion.objects.create(
        module=module, number=number, title=source.title if source else module.slug,
        summary=source.summary if source else "", introduction=source.introduction if source else "",
        sources=source.sources if source else "", duration_minutes=source.duration_minutes if source else 45,
        pass_mark=source.pass_mark if source else 80, source=ModuleVersion.Source.BROWSER, created_by=user,
    )
    if source is not None:
        Lesson.objects.bulk_create(
            Lesson(version=new, order=lesson.order, title=lesson.title, body=lesson.body)
            for lesson in source.lessons.all()
        )
        for question in source.questions.prefetch_related("choices"):
            copy = Question.objects.create(
                version=new, order=question.order, text=question.text, explanation=question.explanation
            )
            Choice.objects.bulk_create(
                Choice(question=copy, order=c.order, text=c.text, is_correct=c.is_correct)
                for c in question.choices.all()
            )
    return new


@transaction.atomic
def module_version_for_edit(*, module: Module, user) -> ModuleVersion:
    """The version a trainer's edit may change. If anyone has started the current version, it is
    copied into a new version first, so what they read (and any completion) never changes."""
    module = Module.objects.select_for_update().get(pk=module.pk)
    current = module.current_version
    if current is not None and not _version_in_use(current):
        return current
    number = (module.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    new = _version_copy(source=current, module=module, number=number, user=user)
    module.current_version = new
    module.save(update_fields=["current_version"])
    return new


@transaction.atomic
def module_copy(*, module: Module, organisation, user) -> Module:
    """An editable draft copy of `module` (typically one shipped with the portal, which nobody edits
    in the browser) owned by `organisation`. The copy has its own slug and starts at version 1."""
    base = f"{module.slug}-{organisation.slug}"[:74]
    slug, suffix = base, 1
    while Module.objects.filter(slug=slug).exists():
        suffix += 1
        slug = f"{base}-{suffix}"
    copy = Module.objects.create(slug=slug, status=Module.Status.DRAFT, organisation=organisation,
                                 order=module.order)
    copy.current_version = _version_copy(source=module.current_version, module=copy, number=1, user=user)
    copy.save(update_fields=["current_version"])
    return copy


@transaction.atomic
def module_create(*, user, slug: str, title: str, summary: str = "", introduction: str = "",
                  sources: str = "", duration_minutes: int = 45, pass_mark: int = 80) -> Module:
    module = Module.objects.create(slug=slug, status=Module.Status.DRAFT, organisation=user.organisation)
    version = ModuleVersion.objects.create(
        module=module, number=1, title=title, summary=summary, introduction=introduction, sources=sources,
        duration_minutes=duration_minutes, pass_mark=pass_mark, source=ModuleVersion.Source.BROWSER,
        created_by=user,
    )
    module.current_version = version
    module.save(update_fields=["current_version"])
    return module


def lesson_delete(*, version: ModuleVersion, order: int) -> None:
    """Delete one lesson and close the gap in the numbering. A published module keeps at least
    one lesson. Call on a version from module_version_for_edit, never on one in use."""
    lessons = list(version.lessons.order_by("order"))
    target = next((lesson for lesson in lessons if lesson.order == order), None)
    if target is None:
        raise ValidationError(_("That lesson does not exist."))
    if len(lessons) == 1 and version.module.status == Module.Status.PUBLISHED:
        raise ValidationError(_("A published module needs at least one lesson. Retire the module instead."))
    with transaction.atomic():
        target.delete()
        for lesson in lessons:
            if lesson.order > order:  # ascending, so each new number is already free
                Lesson.objects.filter(pk=lesson.pk).update(order=lesson.order - 1)


def quiz_replace(*, version: ModuleVersion, text: str) -> None:
    """Replace a version's quiz from the text format. Raises ValidationError with the parser's
    message (e.g. a question with no correct answer) and changes nothing in that case."""
    try:
        parsed = content_mod.parse_quiz(text)
    except content_mod.ContentError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        version.questions.all().delete()
        _save_questions(version=version, questions=parsed)


def module_publish_problems(module: Module) -> list[str]:
    version = module.current_version
    problems = []
    if version is None or not version.lessons.exists():
        problems.append(_("A module needs at least one lesson before it can be published."))
    if version is None or not version.questions.exists():
        problems.append(_("A module needs a knowledge check with at least one question before it can be published."))
    elif Question.objects.filter(version=version).exclude(choices__is_correct=True).exists():
        problems.append(_("Every question in the knowledge check needs a correct answer."))
    return problems


def module_set_status(*, module: Module, status: str) -> Module:
    if status not in Module.Status.values:
        raise ValidationError(_("Unknown status."))
    if status == Module.Status.PUBLISHED:
        problems = module_publish_problems(module)
        if problems:
            raise ValidationError(problems)
    module.status = status
    module.save(update_fields=["status"])
    return module


# ----------------------------------------------------------------------------- assignments

def assignment_create_many(*, module: Module, people, due_on: dt.date | None, assigned_by=None,
                           source: str = Assignment.Source.TRAINER, notify: bool = True) -> tuple[int, int]:
    """Assign `module` to each person who has no open assignment for it. Returns (created,
    already assigned). Safe to repeat: the partial unique constraint stops a second open one."""
    if module.status != Module.Status.PUBLISHED:
        raise ValidationError(_("Only a published module can be assigned."))
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError(_("The due date cannot be in the past."))
    people = list(people)
    already = set(
        Assignment.objects.filter(module=module, person__in=people, completed_at__isnull=True)
        .values_list("person_id", flat=True)
    )
    created = 0
    link = reverse("training:index")
    for person in people:
        if person.pk in already:
            continue
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    module=module, person=person, due_on=due_on, source=source, assigned_by=assigned_by
                )
        except IntegrityError:  # assigned concurrently: the other request won
            continue
        created += 1
        if notify:
            # No module title in the title (it is also the email subject, and a module's name can
            # say what it is about): the training page lists it, behind sign-in.
            with user_language(person):
                title = (_("Training recommended for you") if source == Assignment.Source.RECOMMENDED
                         else _("Training assigned to you"))
            notification_send(user=person, title=title, link=link, dedupe_key=f"training-assigned-{assignment.pk}")
    return created, len(people) - created


# ----------------------------------------------------------------------------- learning

@transaction.atomic
def lesson_view_record(*, assignment: Assignment, lesson: Lesson) -> None:
    """Mark a lesson read and remember it as the place to resume. The first lesson fixes the
    version the person works on."""
    now = timezone.now()
    fields = ["last_lesson"]
    if assignment.version_id is None:
        assignment.version_id = lesson.version_id
        assignment.started_at = now
        fields += ["version", "started_at"]
    assignment.last_lesson = lesson.order
    assignment.save(update_fields=fields)
    LessonView.objects.get_or_create(assignment=assignment, lesson=lesson, defaults={"viewed_at": now})


def version_for(assignment: Assignment) -> ModuleVersion:
    # An assignment is only ever made for a published module, and publishing needs a current version.
    return cast(ModuleVersion, assignment.version if assignment.version_id else assignment.module.current_version)


def lessons_remaining(assignment: Assignment) -> int:
    version = version_for(assignment)
    seen = assignment.lesson_views.values("lesson_id")
    return version.lessons.exclude(pk__in=seen).count()


@transaction.atomic
def quiz_submit(*, assignment: Assignment, answers: dict[int, set[int]]) -> tuple[QuizAttempt, QuizResult]:
    """Score an attempt; on a pass, complete the assignment. Retries are unlimited."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.completed_at is not None:
        raise ValidationError(_("You have already completed this module."))
    version = version_for(assignment)
    correct: dict[int, set[int]] = {}
    for question_id, choice_id in Choice.objects.filter(question__version=version, is_correct=True).values_list(
        "question_id", "id"
    ):
        correct.setdefault(question_id, set()).add(choice_id)
    for question_id in version.questions.values_list("id", flat=True):
        correct.setdefault(question_id, set())
    result = score_quiz(correct, answers, version.pass_mark)
    attempt = QuizAttempt.objects.create(
        assignment=assignment, version=version, score=result.score, passed=result.passed,
        answers={str(q): sorted(c) for q, c in answers.items()},
    )
    if result.passed:
        completion_create(assignment=assignment, version=version, score=result.score)
    return attempt, result


def completion_create(*, assignment: Assignment, version: ModuleVersion, score: int,
                      completed_at: dt.datetime | None = None) -> Completion:
    completed_at = completed_at or timezone.now()
    if assignment.version_id is None:
        assignment.version = version
        assignment.started_at = assignment.started_at or completed_at
    assignment.completed_at = completed_at
    assignment.save(update_fields=["version", "started_at", "completed_at"])
    return Completion.objects.create(
        assignment=assignment, person_id=assignment.person_id, module_id=assignment.module_id,
        version=version, score=score, completed_at=completed_at,
    )


def feedback_create(*, completion: Completion, satisfaction: int, would_recommend: bool, comment: str = "") -> Feedback:
    """One feedback per completion; a second raises ValidationError and saves nothing."""
    if Feedback.objects.filter(completion=completion).exists():
        raise ValidationError(_("You have already given feedback on this module. Thank you."))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                completion=completion, satisfaction=satisfaction, would_recommend=would_recommend,
                comment=comment.strip(),
            )
    except IntegrityError as exc:
        raise ValidationError(_("You have already given feedback on this module. Thank you.")) from exc


# ----------------------------------------------------------------------------- automatic rules

def auto_assign_for_person(*, person: User) -> int:
    """Apply the 'joins a team' and 'high-risk role' rules of the person's organisation to their
    current team and role. Someone who already has the module open is left alone."""
    if not person.is_active or not person.organisation_id or not person.team_id:
        return 0
    rules = AutoAssignmentRule.objects.filter(
        organisation_id=person.organisation_id, active=True, module__status=Module.Status.PUBLISHED,
    ).select_related("module", "module__current_version")
    created = 0
    today = timezone.localdate()
    for rule in rules:
        matches = (
            (rule.trigger == AutoAssignmentRule.Trigger.JOINS_TEAM and rule.team_id == person.team_id)
            or (rule.trigger == AutoAssignmentRule.Trigger.HAS_ROLE and person.high_risk_role
                and rule.high_risk_role == person.high_risk_role)
        )
        if not matches or Completion.objects.filter(person=person, module=rule.module).exists():
            continue
        due = today + dt.timedelta(days=rule.due_in_days) if rule.due_in_days else None
        made, _skipped = assignment_create_many(
            module=rule.module, people=[person], due_on=due, source=Assignment.Source.RULE
        )
        created += made
    return created


def recommend_after_critical_incident(*, officer_id: int, since: dt.datetime) -> int:
    """Recommend the module of each active critical-incident rule to an officer after a critical
    incident at `since`, unless they have it open already or completed it since then. The caller
    owns the incident (wellbeing calls this when a TRiM case opens, however it opened: training
    never reads incidents or cases); only its time is passed, never its detail. Safe to repeat for
    the same incident: the open assignment, then the completion since, stop a second one."""
    person = User.objects.filter(pk=officer_id, is_active=True).first()
    if person is None or not person.organisation_id:
        return 0
    rules = AutoAssignmentRule.objects.filter(
        organisation_id=person.organisation_id, trigger=AutoAssignmentRule.Trigger.CRITICAL_INCIDENT,
        active=True, module__status=Module.Status.PUBLISHED,
    ).select_related("module", "module__current_version")
    created = 0
    for rule in rules:
        if Completion.objects.filter(person=person, module=rule.module, completed_at__gte=since).exists():
            continue
        due = timezone.localdate() + dt.timedelta(days=rule.due_in_days) if rule.due_in_days else None
        made, _skipped = assignment_create_many(
            module=rule.module, people=[person], due_on=due, source=Assignment.Source.RECOMMENDED
        )
        created += made
    return created


# ----------------------------------------------------------------------------- reminders

def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Due-soon (within DUE_SOON_DAYS) and overdue reminders for open assignments. Each is sent
    at most once per assignment: the notification's dedupe key is the claim."""
    today = today or timezone.localdate()
    link = reverse("training:index")
    sent = {"due_soon": 0, "overdue": 0}
    open_assignments = Assignment.objects.filter(
        completed_at__isnull=True, due_on__isnull=False, person__is_active=True,
        due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
    ).exclude(module__status=Module.Status.RETIRED).select_related("person", "module__current_version")
    for assignment in open_assignments.iterator(chunk_size=500):
        due_on = cast(dt.date, assignment.due_on)  # the query above keeps only dated assignments
        with user_language(assignment.person):
            if due_on < today:
                kind, title = "overdue", _("Training overdue")
            else:
                kind, title = "due_soon", _("Training due soon")
            body = _("Due on %(date)s.") % {"date": due_on.strftime("%d/%m/%Y")}
        note = notification_send(
            user=assignment.person,
            title=title,
            body=body,
            link=link,
            dedupe_key=f"training-{kind}-{assignment.pk}",
            email=True,
        )
        if note is not None:
            sent[kind] += 1
    return sent


# ----------------------------------------------------------------------------- partner enrolment

ENROLLED, REINVITED, ELSEWHERE = "enrolled", "reinvited", "elsewhere"


def partner_enrol(*, trainer, organisation, first_name: str, last_name: str, email: str) -> tuple[str, User | None]:
    """Enrol someone from a partner agency and invite them to set a password. Returns (outcome,
    person). An address already held by someone the trainer trains who has never set a password
    gets a fresh invitation; one held by anyone else (another organisation, a closed account) is
    left exactly as it is (ELSEWHERE, no person), and the caller answers as for a new address, so
    the form never reveals who has an account elsewhere."""
    from training import selectors

    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is None:
        person = partner_person_enrol(organisation=organisation, first_name=first_name, last_name=last_name,
                                      email=email)
        partner_invitation_send(person=person)
        return ENROLLED, person
    if (selectors.trainees_of(trainer).filter(pk=existing.pk).exists() and not existing.has_usable_password()
            and existing.last_login is None):
        partner_invitation_send(person=existing)
        return REINVITED, existing
    return ELSEWHERE, None


def partner_invitation_send(*, person: User) -> None:
    """Send (through the outbox, by email) a link that lets `person` set their first password."""
    from training.invitations import INVITATION_DAYS, invitation_path

    link = invitation_path(person)
    notification_send(
        user=person, title=_("You are invited to the police wellbeing portal's training"),
        body=ngettext("A trainer has enrolled you. Use this link within %(days)d day to set your password; it "
                      "works once. Then sign in with your username: %(username)s",
                      "A trainer has enrolled you. Use this link within %(days)d days to set your password; it "
                      "works once. Then sign in with your username: %(username)s", INVITATION_DAYS,
                      ) % {"days": INVITATION_DAYS, "username": person.username},
        link=link, dedupe_key=f"training-invitation-{person.pk}-{timezone.now():%Y%m%d%H%M%S%f}",
        email=True,
    )


def partner_person_enrol(*, organisation, first_name: str, last_name: str, email: str, team=None) -> User:
    """Create a training-only account (no portal role) for someone from a partner agency, with an
    unusable password: they set one through the invitation (partner_invitation_send)."""
    base = email.split("@")[0].lower()[:100] or "learner"
    username = base
    suffix = 1
    while User.objects.filter(username=username).exists():
        suffix += 1
        username = f"{base}{suffix}"
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email,
        organisation=organisation, team=team,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
