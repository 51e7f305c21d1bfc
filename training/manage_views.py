"""Trainer views at /training/manage/: authoring, assigning, rules, enrolment, records, reports
and exports. Trainers see training records only; nothing here reads exposure or wellbeing data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal import access, audit, exports
from portal import roles as role_table
from portal.access import area_required
from portal.fetch_site import same_origin_reads
from portal.replica import reporting_view
from training import selectors, services
from training.content import quiz_to_text
from training.forms import AssignForm, CopyForm, EnrolForm, LessonForm, ModuleForm, QuizTextForm, RuleForm, StatusForm
from training.invitations import INVITATION_DAYS
from training.models import AutoAssignmentRule, Lesson, Module
from training.rendering import Citations, render_markdown
from training.reports import chart_label

PAGE_SIZE = 25


def _module_for_trainer(request: HttpRequest, pk: int) -> Module:
    """A module the trainer may see: one shipped with the portal or written in an organisation
    they train. Anything else is a 404."""
    return get_object_or_404(selectors.modules_for(request.user), pk=pk)


def _module_to_change(request: HttpRequest, pk: int) -> Module:
    """A module the trainer may change: 404 if they may not see it, 403 if they may see it but not
    change it (a shipped module, which is read-only in the browser)."""
    module = _module_for_trainer(request, pk)
    if not selectors.module_is_editable(request.user, module):
        raise PermissionDenied(_("Modules shipped with the portal are read-only. Make an editable copy instead."))
    return module


def _audit_module(request: HttpRequest, action: str, module: Module, **detail) -> None:
    """One content-free audit event per change to a module: ids, version number, field names."""
    version = module.current_version
    audit.record(action, obj=module,
                 detail={"module": module.pk, "version": version.number if version else None, **detail})


def _changed(instance, data: dict, fields) -> list[str]:
    return [f for f in fields if instance is None or getattr(instance, f) != data[f]]


@area_required("training_manage")
def manage(request: HttpRequest) -> HttpResponse:
    modules = (
        selectors.modules_for(request.user)
        .annotate(lesson_count=Count("current_version__lessons", distinct=True),
                  question_count=Count("current_version__questions", distinct=True))
    )
    return render(request, "training/manage/index.html", {"modules": modules})


@area_required("training_manage")
def module_new(request: HttpRequest) -> HttpResponse:
    form = ModuleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        module = services.module_create(
            user=request.user, slug=data["slug"], title=data["title"], summary=data["summary"],
            introduction=data["introduction"], sources=data["sources"],
            duration_minutes=data["duration_minutes"], pass_mark=data["pass_mark"],
        )
        _audit_module(request, "training_module_create", module)
        messages.success(request, _("Module created as a draft. Add lessons and a knowledge check, then publish it."))
        return redirect("training:module_edit", pk=module.pk)
    return render(request, "training/manage/module_form.html", {"form": form})


def _module_read_only(request: HttpRequest, module: Module) -> HttpResponse:
    version = module.current_version
    return render(request, "training/manage/module_view.html", {
        "module": module, "version": version,
        "lessons": version.lessons.all() if version else [],
        "questions": version.questions.all() if version else [],
        "copy_form": CopyForm(trainer=request.user),
    })


@area_required("training_manage")
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        module = _module_to_change(request, pk)
    else:
        module = _module_for_trainer(request, pk)
        if not selectors.module_is_editable(request.user, module):
            return _module_read_only(request, module)
    data = request.POST if request.method == "POST" else None
    form = ModuleForm(data, instance=module.current_version, module=module)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            version = services.module_version_for_edit(module=module, user=request.user)
            changed = [f for f in form.Meta.fields if f in form.changed_data]
            for field in form.Meta.fields:
                setattr(version, field, form.cleaned_data[field])
            version.save()
            module.refresh_from_db()
            _audit_module(request, "training_module_edit", module, fields=changed)
        messages.success(request, _("Module saved."))
        return redirect("training:module_edit", pk=module.pk)
    version = module.current_version
    return render(request, "training/manage/module_edit.html", {
        "module": module, "version": version, "form": form,
        "lessons": version.lessons.all() if version else [],
        "questions": version.questions.prefetch_related("choices") if version else [],
        "status_form": StatusForm(initial={"status": module.status}),
        "problems": services.module_publish_problems(module),
    })


@area_required("training_manage")
@require_POST
def module_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = _module_for_trainer(request, pk)
    form = CopyForm(request.POST, trainer=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("training:module_edit", pk=source.pk)
    copy = services.module_copy(module=source, organisation=form.cleaned_data["organisation"], user=request.user)
    _audit_module(request, "training_module_copy", copy, source_module=source.pk,
                  source_version=source.current_version.number if source.current_version else None)
    messages.success(request, _("This is your organisation's editable copy, saved as a draft. Publish it when "
                                "it is ready, and assign it instead of the original."))
    return redirect("training:module_edit", pk=copy.pk)


@area_required("training_manage")
@require_POST
def module_status(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_to_change(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        before = module.status
        try:
            services.module_set_status(module=module, status=form.cleaned_data["status"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            _audit_module(request, "training_module_status", module, fields=["status"],
                          status_from=before, status_to=module.status)
            messages.success(request, _("Status changed to %(status)s.") % {"status": module.get_status_display()})
    return redirect("training:module_edit", pk=module.pk)


@area_required("training_manage")
def lesson_edit(request: HttpRequest, pk: int, order: int | None = None) -> HttpResponse:
    module = _module_to_change(request, pk)
    version = module.current_version
    instance = get_object_or_404(version.lessons.all(), order=order) if order else None
    form = LessonForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            version = services.module_version_for_edit(module=module, user=request.user)
            if order:
                lesson = version.lessons.get(order=order)
                changed = _changed(lesson, form.cleaned_data, ["title", "body"])
            else:
                last = version.lessons.order_by("-order").first()
                lesson = Lesson(version=version, order=(last.order + 1) if last else 1)
                changed = ["title", "body"]
            lesson.title = form.cleaned_data["title"]
            lesson.body = form.cleaned_data["body"]
            lesson.save()
            module.refresh_from_db()
            _audit_module(request, "training_lesson_edit" if order else "training_lesson_add", module,
                          lesson=lesson.order, fields=changed)
        messages.success(request, _("Lesson saved."))
        return redirect("training:module_edit", pk=module.pk)
    preview_citations = Citations(module.current_version.sources if module.current_version_id else "")
    preview = render_markdown(form.data.get("body", "") if form.is_bound else (instance.body if instance else ""),
                              preview_citations)
    return render(request, "training/manage/lesson_form.html", {
        "module": module, "form": form, "lesson": instance, "preview": preview,
        "citations": preview_citations,
    })


@area_required("training_manage")
@require_POST
def lesson_delete(request: HttpRequest, pk: int, order: int) -> HttpResponse:
    module = _module_to_change(request, pk)
    get_object_or_404(module.current_version.lessons.all(), order=order)
    try:
        with transaction.atomic():
            version = services.module_version_for_edit(module=module, user=request.user)
            services.lesson_delete(version=version, order=order)
            module.refresh_from_db()
            _audit_module(request, "training_lesson_delete", module, lesson=order)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Lesson deleted."))
    return redirect("training:module_edit", pk=module.pk)


@area_required("training_manage")
def quiz_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_to_change(request, pk)
    initial = quiz_to_text(module.current_version.questions.prefetch_related("choices"))
    form = QuizTextForm(request.POST if request.method == "POST" else None, initial={"text": initial})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            version = services.module_version_for_edit(module=module, user=request.user)
            services.quiz_replace(version=version, text=form.cleaned_data["text"])
            module.refresh_from_db()
            _audit_module(request, "training_quiz_replace", module, fields=["questions", "choices"],
                          questions=version.questions.count())
        messages.success(request, _("Knowledge check saved."))
        return redirect("training:module_edit", pk=module.pk)
    return render(request, "training/manage/quiz_form.html", {"module": module, "form": form})


SCOPE_ROLES = "roles"
SCOPE_ALL = "all"


def _assign_outcome(request: HttpRequest, *, created: int, skipped: int, reason: str) -> None:
    """Tell the trainer what happened: a success when someone was assigned, otherwise a warning
    that says why nobody was."""
    if created:
        text = ngettext("Assigned to %(n)d person.", "Assigned to %(n)d people.", created) % {"n": created}
        if skipped:
            text += " " + ngettext(
                "%(n)d person already had it open and was left as they were.",
                "%(n)d people already had it open and were left as they were.", skipped,
            ) % {"n": skipped}
        messages.success(request, text)
    elif reason == SCOPE_ROLES:
        messages.warning(request, _("Nobody was assigned: nobody in this team holds the module's roles."))
    else:
        messages.warning(request, ngettext(
            "Nobody was assigned: the %(n)d person chosen already has this module open.",
            "Nobody was assigned: all %(n)d people chosen already have this module open.", skipped,
        ) % {"n": skipped})


def _role_split(form: AssignForm) -> tuple[list[str], QuerySet | None]:
    """For a team target, the module's roles and the people of the team who hold one of them; None
    when the module has no roles there or nothing needs confirming."""
    if form.cleaned_data["target"] != selectors.TARGET_TEAM:
        return [], None
    roles = selectors.module_roles(form.cleaned_data["module"], form.cleaned_data["team"].organisation_id)
    return roles, (form.people.filter(high_risk_role__in=roles) if roles else None)


@area_required("training_manage")
def assign(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = AssignForm(data, trainer=request.user, initial={"target": selectors.TARGET_TEAM})
    if request.method != "POST" or "change" in request.POST or not form.is_valid():
        return render(request, "training/manage/assign.html", {"form": form})
    roles, in_roles = _role_split(form)
    people, scope = form.people, request.POST.get("scope", "")
    if in_roles is not None:
        total, matching = form.people.count(), in_roles.count()
        if matching < total and scope not in (SCOPE_ROLES, SCOPE_ALL):
            # Nothing is assigned until the trainer says whom they meant (issue 17).
            return render(request, "training/manage/assign_confirm.html", {
                "form": form, "total": total, "matching": matching, "outside": total - matching,
                "roles": [role_table.label(r) for r in roles], "scope_error": "scope" in request.POST,
                "team": form.cleaned_data["team"], "module": form.cleaned_data["module"],
            }, status=400 if "scope" in request.POST else 200)
        if scope == SCOPE_ROLES:
            people = in_roles
    try:
        created, skipped = services.assignment_create_many(
            module=form.cleaned_data["module"], people=people, due_on=form.cleaned_data["due_on"],
            assigned_by=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "training/manage/assign.html", {"form": form})
    _assign_outcome(request, created=created, skipped=skipped, reason=scope if not people.exists() else "")
    return redirect("training:assign")


@area_required("training_manage")
def rules(request: HttpRequest) -> HttpResponse:
    form = RuleForm(request.POST if request.method == "POST" else None, trainer=request.user)
    if request.method == "POST" and form.is_valid():
        rule = form.save(commit=False)
        rule.created_by = request.user
        rule.save()
        messages.success(request, _("Rule saved."))
        return redirect("training:rules")
    rule_list = AutoAssignmentRule.objects.filter(
        organisation_id__in=access.organisation_ids(request.user)
    ).select_related("organisation", "team__unit", "module__current_version")
    return render(request, "training/manage/rules.html", {"form": form, "rules": rule_list})


@area_required("training_manage")
@require_POST
def rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(
        AutoAssignmentRule.objects.filter(organisation_id__in=access.organisation_ids(request.user)), pk=pk
    )
    rule.active = not rule.active
    rule.save(update_fields=["active"])
    messages.success(request, _("Rule switched on.") if rule.active else _("Rule switched off."))
    return redirect("training:rules")


@area_required("training_manage")
def enrol(request: HttpRequest) -> HttpResponse:
    form = EnrolForm(request.POST if request.method == "POST" else None, trainer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome, person = services.partner_enrol(
            trainer=request.user, organisation=data["organisation"], first_name=data["first_name"],
            last_name=data["last_name"], email=data["email"],
        )
        audit.record("training_enrol", subject=person,
                     detail={"organisation": data["organisation"].pk, "outcome": outcome})
        # The same answer whatever the outcome, so the form never tells a trainer that an address
        # belongs to someone in another organisation (issue 15 item 10).
        messages.success(request, ngettext(
            "Thank you. If %(email)s is new to the portal, %(name)s is now enrolled in %(organisation)s and gets "
            "an email with a link to set their password. The link works once, within %(days)d day. An address "
            "that already has an account elsewhere is left as it is.",
            "Thank you. If %(email)s is new to the portal, %(name)s is now enrolled in %(organisation)s and gets "
            "an email with a link to set their password. The link works once, within %(days)d days. An address "
            "that already has an account elsewhere is left as it is.", INVITATION_DAYS,
        ) % {"email": data["email"], "name": f"{data['first_name']} {data['last_name']}",
             "organisation": data["organisation"], "days": INVITATION_DAYS})
        return redirect("training:enrol")
    return render(request, "training/manage/enrol.html", {"form": form, "days": INVITATION_DAYS})


@area_required("training_manage")
def people(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    qs = (
        selectors.trainees_of(request.user)
        .select_related("organisation", "team")
        .annotate(
            assigned=Count("training", distinct=True),
            completed=Count("training", filter=Q(training__completed_at__isnull=False), distinct=True),
            overdue=Count("training", filter=Q(training__completed_at__isnull=True, training__due_on__lt=today),
                          distinct=True),
        )
        .order_by("organisation__name", "last_name", "first_name", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.list_viewed(page="training_people", rows=len(page.object_list), page_number=page.number)
    return render(request, "training/manage/people.html", {"page": page})


@area_required("training_manage")
@same_origin_reads  # it records "viewed your training record": another site must not forge that
def person(request: HttpRequest, pk: int) -> HttpResponse:
    subject = access.get_person_or_404(request.user, pk, access.TRAINING_RECORDS)
    audit.record("training_record_view", subject=subject)
    return render(request, "training/manage/person.html", {
        "person": subject, "assignments": selectors.person_record(request.user, subject),
        "today": timezone.localdate(),
    })


@area_required("training_manage")
@reporting_view
def reports(request: HttpRequest) -> HttpResponse:
    completion = selectors.completion_report(request.user)
    evaluation = selectors.evaluation_report(request.user)
    reach = selectors.reach_report(request.user)
    comments = Paginator(selectors.evaluation_comments(request.user), 10).get_page(request.GET.get("page"))
    overall = evaluation["overall"]
    audit.list_viewed(page="training_reports", comments_page=comments.number,
                    comments=len(comments.object_list),
                    rows=sum(len(rows) for rows in completion.values()) + len(evaluation["per_module"])
                    + len(reach["rows"]))
    chart_data = {
        "completion": [{"label": chart_label(r.label), "completed": r.completed, "open": r.open - r.overdue,
                        "overdue": r.overdue}
                       for r in completion["module"]],
        "evaluation": [{"label": chart_label(label), "count": overall.distribution[level]}
                       for level, label in _satisfaction_labels()],
        "reach": [{"label": chart_label(r["organisation"]), "people": r["people"]} for r in reach["rows"]],
        "text": {"completed": _("Completed"), "open": _("Open"), "overdue": _("Overdue"),
                 "assignments": _("Assignments"), "evaluations": _("Evaluations"), "people": _("People trained")},
    }
    return render(request, "training/manage/reports.html", {
        "completion": completion, "evaluation": evaluation, "overall": overall, "reach": reach,
        "comments": comments, "chart_data": chart_data, "levels": _satisfaction_labels(),
        "min_responses": selectors.COMMENT_MIN_RESPONSES, "comments_hidden": _comments_hidden(),
    })


def _comments_hidden() -> str:
    n = selectors.COMMENT_MIN_RESPONSES
    return ngettext("Fewer than %(n)d response: comments hidden to protect anonymity.",
                    "Fewer than %(n)d responses: comments hidden to protect anonymity.", n) % {"n": n}


def _satisfaction_labels():
    from training.models import Feedback

    return list(Feedback.Satisfaction.choices)


# ----------------------------------------------------------------------------- exports

EXPORTS = {"completion", "evaluation", "reach"}


def _export_rows(trainer, report: str):
    if report == "completion":
        yield [_("Grouped by"), _("Group"), _("Assigned"), _("Completed"), _("Open"), _("Overdue"), _("Completed (%)")]
        for group, rows in selectors.completion_report(trainer).items():
            for r in rows:
                yield [group, r.label, r.assigned, r.completed, r.open, r.overdue, r.completed_pct]
    elif report == "evaluation":
        evaluation = selectors.evaluation_report(trainer)
        yield [_("Module"), _("Evaluations"), _("Satisfied or very satisfied (%)"), _("Very unsatisfactory"),
               _("Unsatisfactory"), _("Satisfactory"), _("Very satisfactory")]
        overall = evaluation["overall"]
        for title, s in [(_("All modules"), overall), *evaluation["per_module"]]:
            yield [title, s.count, s.satisfied_pct, *[s.distribution[level] for level in (1, 2, 3, 4)]]
        yield []
        yield [_("Module"), _("Satisfaction"), _("Comment")]
        for title, s in evaluation["per_module"]:
            if s.count < selectors.COMMENT_MIN_RESPONSES:
                yield [title, "", _comments_hidden()]
        labels = dict(_satisfaction_labels())
        for fb in selectors.evaluation_comments(trainer).iterator(chunk_size=500):
            yield [fb.completion.module.title, str(labels.get(fb.satisfaction, "")), fb.comment]
    else:
        reach = selectors.reach_report(trainer)
        yield [_("Organisation"), _("Kind"), _("People trained"), _("Completions")]
        for r in reach["rows"]:
            yield [r["organisation"], r["kind"], r["people"], r["completions"]]
        yield [_("Total"), "", reach["people"], reach["completions"]]


@area_required("training_manage")
@reporting_view
def export(request: HttpRequest, report: str, fmt: str) -> HttpResponse:
    if report not in EXPORTS or fmt not in {"csv", "xlsx"}:
        raise Http404
    # Built before the audit event so that it can say how many rows left (a trainer's report is
    # small: a row per module, team, organisation or comment).
    header, *rows = _export_rows(request.user, report)
    audit.record("training_export", detail={"report": report, "format": fmt, "rows": len(rows)})
    return exports.response(fmt, f"training-{report}-{timezone.localdate():%Y-%m-%d}.{fmt}", header, rows,
                            title=report)
