"""Occupational health pages: the escalation queue, the case of one person (opened with a stated
reason, every view audited), referrals, notes, closing flags, legal holds, cohort exports, the
subject access export, the audit log, and each officer's own view of who read their records."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from portal import access, audit, disclosure, exports
from portal.access import area_required
from portal.fetch_site import same_origin_reads
from portal.models import User
from portal.replica import reporting_view
from wellbeing.exports import Pseudonymiser, export_key
from wellbeing.models import Flag, LegalHold, Referral
from wellbeing.oh import selectors as oh_selectors
from wellbeing.oh import services as oh_services
from wellbeing.oh import sharing
from wellbeing.oh.forms import (
    AuditFilterForm,
    CaseNoteForm,
    CaseReasonForm,
    CohortForm,
    FlagCloseForm,
    LegalHoldForm,
    OutcomeForm,
    ReferralForm,
    SubjectAccessForm,
    reason_label,
)
from wellbeing.oh.labels import action_label, role_labels
from wellbeing.risk import flags as flag_life
from wellbeing.risk.reasons import REASONS, oh_label
from wellbeing.screening.selectors import for_person as screening_for_person

PAGE_SIZE = 25
CASE_SESSION_KEY = "oh_case_reasons"
CASE_OPEN_MINUTES = 30


def _person(request: HttpRequest, pk) -> User:
    return access.get_person_or_404(request.user, pk, access.CLINICAL_DETAIL)


# ----------------------------------------------------------------------------- queue


@area_required("oh")
def index(request: HttpRequest) -> HttpResponse:
    page = Paginator(oh_selectors.queue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    notified = oh_selectors.notified_for(page.object_list)
    now = timezone.now()
    rows = [{"flag": f, "notified": notified.get(f.pk, []), "reason": oh_label(f.reason_code),
             "age": timesince(f.raised_at, now, depth=1),
             "can_acknowledge": flag_life.flag_permitted(f, flag_life.OH, flag_life.ACKNOWLEDGE)}
            for f in page.object_list]
    trim_overdue = list(oh_selectors.trim_followups_overdue(request.user)[:oh_selectors.TRIM_FOLLOWUPS_SHOWN])
    audit.list_viewed(page="oh_queue", rows=len(rows), page_number=page.number, trim_followups=len(trim_overdue))
    return render(request, "wellbeing/oh/index.html", {
        "page": page, "rows": rows, "trim_overdue": trim_overdue,
        "can_audit": oh_selectors.can_read_audit_log(request.user)})


@area_required("oh")
def people(request: HttpRequest) -> HttpResponse:
    """Find a person to open their case (names only here; the detail is behind the reason form)."""
    q = request.GET.get("q", "").strip()[:100]
    found = access.people_visible_to(request.user, access.CLINICAL_DETAIL).select_related("team__unit")
    if q:
        found = found.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(username__icontains=q))
    page = Paginator(found.order_by("last_name", "first_name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    # whether a name was searched for, never the name typed
    audit.list_viewed(page="oh_people", rows=len(page.object_list), searched=bool(q), page_number=page.number)
    return render(request, "wellbeing/oh/people.html", {
        "page": page, "q": q, "query": f"q={quote(q)}" if q else "",
        "can_audit": oh_selectors.can_read_audit_log(request.user)})


# ----------------------------------------------------------------------------- case


def _open_reason(request: HttpRequest, person_pk: int) -> str | None:
    """The reason this case was opened with, if within the last 30 minutes of this session."""
    entry = request.session.get(CASE_SESSION_KEY, {}).get(str(person_pk))
    if not entry:
        return None
    code, opened = entry
    if timezone.now() - datetime.fromisoformat(opened) > timedelta(minutes=CASE_OPEN_MINUTES):
        return None
    return code


def _remember_reason(request: HttpRequest, person_pk: int, code: str) -> None:
    reasons = request.session.get(CASE_SESSION_KEY, {})
    now = timezone.now()
    reasons = {k: v for k, v in reasons.items()
               if now - datetime.fromisoformat(v[1]) <= timedelta(minutes=CASE_OPEN_MINUTES)}
    reasons[str(person_pk)] = [code, now.isoformat()]
    request.session[CASE_SESSION_KEY] = reasons


def _page(request: HttpRequest, queryset, param: str, size: int = 10, number=None):
    return Paginator(queryset, size).get_page(number or request.GET.get(param))


def _checkin_page(request: HttpRequest, checkins, size: int = 10):
    """The page of check-ins holding `?checkin=<id>` (a flag's link to the check-in that raised
    it): one count, made only when that link is followed."""
    wanted = request.GET.get("checkin", "")
    if not wanted.isdigit() or "checkins" in request.GET:
        return None
    found = checkins.filter(pk=int(wanted)).values_list("completed_at", "pk").first()
    if found is None:
        return None
    at, pk = found
    newer = checkins.filter(Q(completed_at__gt=at) | Q(completed_at=at, pk__gt=pk)).count()
    return newer // size + 1


@area_required("oh")
@same_origin_reads
def case(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if request.method == "POST":
        form = CaseReasonForm(request.POST)
        if form.is_valid():
            _remember_reason(request, person.pk, form.cleaned_data["reason"])
            return redirect("oh:case", pk=person.pk)
        return render(request, "wellbeing/oh/case_reason.html", {"person": person, "form": form})
    reason = _open_reason(request, person.pk)
    if reason is None:
        initial = {"reason": "escalated_flag"} if request.GET.get("from") == "queue" else {}
        return render(request, "wellbeing/oh/case_reason.html", {"person": person,
                                                                  "form": CaseReasonForm(initial=initial)})
    return _render_case(request, person, reason)


def _render_case(request: HttpRequest, person: User, reason: str, forms: dict | None = None,
                 status: int = 200) -> HttpResponse:
    qs = oh_selectors.case_querysets(person)
    checkins = _page(request, qs["checkins"], "checkins", number=_checkin_page(request, qs["checkins"]))
    exposures = _page(request, qs["exposures"], "exposures")
    assessments = _page(request, qs["assessments"], "assessments")
    referrals = list(qs["referrals"])
    flags = list(qs["flags"])
    trim_cases = oh_selectors.trim_cases_for(person)
    forms = forms or {}
    audit.record("oh_case_view", subject=person, reason=reason,
                 detail={"pages": {k: request.GET.get(k, "1") for k in ("checkins", "exposures", "assessments")},
                         "trim_cases": [c.pk for c in trim_cases]})
    return render(request, "wellbeing/oh/case.html", {
        "person": person, "reason": reason_label(reason),
        "checkins": checkins, "checkin_rows": oh_selectors.checkin_rows(
            checkins.object_list, all_comments=access.all_comments_for_oh(person)),
        "exposures": exposures, "assessments": assessments,
        # each reason as OH reads it, from the reasons table (the engine stores only its code)
        "assessment_rows": [{"assessment": a, "reasons": [(oh_label(r.get("code", "")), r.get("code", ""))
                                                          for r in a.reasons]} for a in assessments.object_list],
        "flags": flags, "active_flag": next((f for f in flags if f.is_active), None),
        "flag_rows": [{"flag": f, "reason": oh_label(f.reason_code),
                       "with_supervisor": f.is_active and not flag_life.flag_role_may(f, flag_life.OH, flag_life.CLOSE),
                       "close_form": (forms.get(f"close-{f.pk}") or FlagCloseForm(prefix=f"close-{f.pk}"))
                       if flag_life.flag_permitted(f, flag_life.OH, flag_life.CLOSE) else None} for f in flags],
        "reason_texts": {code: r.officer_text for code, r in REASONS.items()},
        "referrals": [{"referral": r, "form": forms.get(f"outcome-{r.pk}") or OutcomeForm(
            instance=r, prefix=f"outcome-{r.pk}")} for r in referrals],
        "notes": list(qs["notes"]), "holds": list(qs["holds"]),
        "welfare_actions": oh_selectors.welfare_actions_for(person),
        "screenings": screening_for_person(person), "trim_cases": trim_cases,
        "referral_form": forms.get("referral") or ReferralForm(prefix="referral"),
        "note_form": forms.get("note") or CaseNoteForm(prefix="note"),
        "hold_form": forms.get("hold") or LegalHoldForm(prefix="hold"),
        "sar_form": forms.get("sar") or SubjectAccessForm(prefix="sar"),
    }, status=status)


def _after_write(request: HttpRequest, person: User, form_key: str, form) -> HttpResponse:
    """Redirect back to the case on success; on a bad form show the case again with the form's
    errors next to its fields and what was typed kept."""
    reason = _open_reason(request, person.pk)
    if reason is None:
        messages.warning(request, _("Please say again why you are opening this case."))
        return redirect("oh:case", pk=person.pk)
    return _render_case(request, person, reason, forms={form_key: form}, status=400)


@require_POST
@area_required("oh")
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = ReferralForm(request.POST, prefix="referral")
    if not form.is_valid():
        return _after_write(request, person, "referral", form)
    flag_pk = request.POST.get("flag", "")
    flag = Flag.objects.filter(officer=person, pk=int(flag_pk)).first() if flag_pk.isdigit() else None
    oh_services.referral_record(person=person, kind=form.cleaned_data["kind"],
                                referred_on=form.cleaned_data["referred_on"], flag=flag, by=request.user,
                                purpose=form.cleaned_data["purpose"])
    messages.success(request, _("Referral recorded."))
    return redirect("oh:case", pk=person.pk)


@require_POST
@area_required("oh")
def referral_outcome(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    person = _person(request, pk)
    referral = get_object_or_404(Referral, pk=referral_pk, person=person)
    form = OutcomeForm(request.POST, instance=referral, prefix=f"outcome-{referral.pk}")
    if not form.is_valid():
        return _after_write(request, person, f"outcome-{referral.pk}", form)
    oh_services.referral_outcome_set(referral=referral, outcome=form.cleaned_data["outcome"],
                                     outcome_on=form.cleaned_data["outcome_on"], by=request.user)
    messages.success(request, _("Outcome recorded."))
    return redirect("oh:case", pk=person.pk)


@require_POST
@area_required("oh")
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = CaseNoteForm(request.POST, prefix="note")
    if not form.is_valid():
        return _after_write(request, person, "note", form)
    oh_services.case_note_add(person=person, text=form.cleaned_data["text"], by=request.user,
                              purpose=form.cleaned_data["purpose"])
    messages.success(request, _("Note added."))
    return redirect("oh:case", pk=person.pk)


@require_POST
@area_required("oh")
def flag_acknowledge(request: HttpRequest, pk: int, flag_pk: int) -> HttpResponse:
    """OH says "seen, someone is on it": for an urgent flag this stops the on-call chain (the second
    contact is not told). Back to the queue, where the button is."""
    person = _person(request, pk)
    flag = get_object_or_404(Flag, pk=flag_pk, officer=person)
    flag_life.flag_require(flag, flag_life.OH, flag_life.ACKNOWLEDGE)  # a supervisor's own flag: 403
    if flag_life.flag_acknowledge(flag=flag, role=flag_life.OH, by=request.user):
        messages.success(request, _("Flag acknowledged: the on-call chain has stopped."))
    else:
        messages.info(request, _("That flag was already acknowledged or closed."))
    return redirect("oh:index")


@require_POST
@area_required("oh")
def flag_close(request: HttpRequest, pk: int, flag_pk: int) -> HttpResponse:
    person = _person(request, pk)
    flag = get_object_or_404(Flag, pk=flag_pk, officer=person)
    flag_life.flag_require(flag, flag_life.OH, flag_life.CLOSE)  # a supervisor's own flag: 403
    if not flag.is_active:
        messages.info(request, _("That flag was already closed."))
        return redirect("oh:case", pk=person.pk)
    form = FlagCloseForm(request.POST, prefix=f"close-{flag.pk}")
    if not form.is_valid():
        return _after_write(request, person, f"close-{flag.pk}", form)
    outcome = form.cleaned_data["outcome"]
    if outcome in Flag.DISMISSALS:  # the flag was wrong: closed with the reason (issue 21)
        closed = flag_life.flag_dismiss(flag=flag, role=flag_life.OH, by=request.user, outcome=outcome,
                                        reason_text=form.cleaned_data["reason"])
    else:
        closed = flag_life.flag_close(flag=flag, role=flag_life.OH, by=request.user, outcome=outcome)
    if closed:
        messages.success(request, _("Flag closed."))
    else:
        messages.info(request, _("That flag was already closed."))
    return redirect("oh:case", pk=person.pk)


@require_POST
@area_required("oh")
def hold_place(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = LegalHoldForm(request.POST, prefix="hold")
    if not form.is_valid():
        return _after_write(request, person, "hold", form)
    oh_services.legal_hold_place(person=person, reason=form.cleaned_data["reason"], by=request.user,
                                 purpose=form.cleaned_data["purpose"])
    messages.success(request, _("Legal hold placed: nothing of this person will be erased while it is in place."))
    return redirect("oh:case", pk=person.pk)


@require_POST
@area_required("oh")
def hold_lift(request: HttpRequest, pk: int, hold_pk: int) -> HttpResponse:
    person = _person(request, pk)
    hold = get_object_or_404(LegalHold, pk=hold_pk, person=person)
    if oh_services.legal_hold_lift(hold=hold, by=request.user):
        messages.success(request, _("Legal hold lifted."))
    return redirect("oh:case", pk=person.pk)


@require_POST
@area_required("oh")
def subject_access_export(request: HttpRequest, pk: int) -> HttpResponse:
    """OH's copy for a formal request: the request reference and a reason are required and audited;
    comments the person kept private are not in it."""
    person = _person(request, pk)
    form = SubjectAccessForm(request.POST, prefix="sar")
    if not form.is_valid():
        return _after_write(request, person, "sar", form)
    content = oh_services.subject_access_zip(person=person, by=request.user,
                                             copy=oh_services.OH_COPY, reference=form.cleaned_data["reference"],
                                             purpose=form.cleaned_data["purpose"])
    return _zip_response(content, f"subject-access-{person.pk}-{timezone.localdate():%Y-%m-%d}.zip")


def _zip_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ----------------------------------------------------------------------------- cohort reports


@area_required("oh")
@reporting_view
def reports(request: HttpRequest) -> HttpResponse:
    form = CohortForm(organisation_ids=access.organisation_ids(request.user))
    return render(request, "wellbeing/oh/reports.html", {
        "form": form, "can_audit": oh_selectors.can_read_audit_log(request.user)})


REPORT_HEADER = ["person", "organisation", "unit", "role", "questionnaire", "completed_on", "total", "band",
                 "positive"]
SUMMARY_HEADER = ["unit", "role", "questionnaire", "band", "check-ins", "people"]


def report_notes(plan: exports.DisclosurePlan, longitudinal: bool) -> list[str]:
    """What was done to the row-level export to keep people from being singled out (the XLSX's
    Notes sheet; the reports page and docs/oh.md say the same)."""
    return [
        _("Each row is one check-in. Days only, never times; no urgent marker."),
        _("Pseudonyms: stable across exports (longitudinal cohort)") if longitudinal else
        _("Pseudonyms: new for this export only; they cannot be matched with any other export."),
        ngettext("Small numbers: where fewer than %(n)d person shares a unit and role, the unit is shown as "
                 "%(unit)s; where the whole organisation still has fewer than %(n)d such person, their rows are "
                 "left out.",
                 "Small numbers: where fewer than %(n)d people share a unit and role, the unit is shown as "
                 "%(unit)s; where the whole organisation still has fewer than %(n)d such people, their rows are "
                 "left out.", exports.SUPPRESS_BELOW) % {"n": exports.SUPPRESS_BELOW, "unit": exports.GENERALISED_UNIT},
        _("Rows with the unit generalised: %(n)d") % {"n": plan.generalised_rows},
        _("Rows left out: %(n)d") % {"n": plan.suppressed_rows},
    ]


@area_required("oh")
@reporting_view
def report_export(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.GET, organisation_ids=access.organisation_ids(request.user))
    if not form.is_valid():
        return render(request, "wellbeing/oh/reports.html", {
            "form": form, "can_audit": oh_selectors.can_read_audit_log(request.user)}, status=400)
    data = form.cleaned_data
    filters = oh_selectors.CohortFilters(
        organisation_ids=form.chosen_organisation_ids(), unit_id=data["unit"].pk if data["unit"] else None,
        role=data["role"], date_from=data["date_from"], date_to=data["date_to"], instrument=data["instrument"])
    qs = oh_selectors.cohort_checkins(request.user, filters)
    report, fmt = data["report"], data["format"]
    neutralised, written, notes = False, False, []
    detail = {"report": report, "format": fmt, "filters": filters.as_detail()}
    if report == "summary":
        header = SUMMARY_HEADER
        grouped = list(oh_selectors.summary_report_rows(qs))
        rows = [(unit or "", role, instrument, band, exports.suppress(n), exports.suppress(people))
                for unit, role, instrument, band, n, people in grouped]
        detail["rows"] = len(rows)
    else:
        header = REPORT_HEADER
        longitudinal = form.is_longitudinal()
        plan = exports.disclosure_plan(oh_selectors.checkin_report_groups(qs))
        key = export_key(settings.PSEUDONYM_KEY, longitudinal=longitudinal)
        # a CSV's lines are put together from remembered parts (issue 22); an XLSX takes the rows
        written = fmt == "csv"
        rows = (oh_selectors.checkin_report_csv if written else oh_selectors.checkin_report_rows)(
            qs, Pseudonymiser(key), plan)
        neutralised, notes = True, report_notes(plan, longitudinal)
        detail |= plan.as_detail() | {"pseudonyms": "longitudinal" if longitudinal else "per_export"}
        if longitudinal:
            detail["longitudinal_reason"] = data["longitudinal_reason"]
    audit.record("oh_cohort_export", detail=detail)
    return exports.response(fmt, f"oh-{report}-{timezone.localdate():%Y-%m-%d}.{fmt}", header, rows, title=report,
                            notes=notes, neutralised=neutralised, written=written)


# ----------------------------------------------------------------------------- audit log


@require_GET
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not oh_selectors.can_read_audit_log(request.user):
        raise PermissionDenied(_("Only an OH lead or an admin may read the audit log."))
    events = oh_selectors.audit_events_for(request.user)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor__username=data["actor"])
        if data["subject"]:
            events = events.filter(subject__username=data["subject"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(at__gte=timezone.make_aware(datetime.combine(data["date_from"], time.min)))
        if data["date_to"]:
            end = timezone.make_aware(datetime.combine(data["date_to"], time.min)) + timedelta(days=1)
            events = events.filter(at__lt=end)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # which filters were used (their names, never what was typed in them)
    used = sorted(k for k, v in (form.cleaned_data.items() if form.is_bound and form.is_valid() else []) if v)
    audit.list_viewed(page="audit_log", rows=len(page.object_list), filters=used, page_number=page.number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "wellbeing/oh/audit.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "events": [{"event": e, "reason": reason_label(e.reason) if e.reason else ""} for e in page.object_list],
    })


# ----------------------------------------------------------------------------- transparency


@area_required("wellbeing")
def privacy(request: HttpRequest, form=None) -> HttpResponse:
    """Who has looked at the officer's records, and what more than the default they share."""
    page = Paginator(oh_selectors.access_history(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "wellbeing/checkins/privacy.html", {
        "page": page,
        "events": [{"event": e, "reason": reason_label(e.reason) if e.reason else "",
                    "action": action_label(e.action), "roles": role_labels(e.actor)} for e in page.object_list],
        **sharing.context(request.user, form),
    }, status=400 if form is not None else 200)


@require_POST
@area_required("wellbeing")
def privacy_sharing(request: HttpRequest) -> HttpResponse:
    """Save the officer's choices of what is shared (each change dated and audited, in force at
    once), or withdraw one (`withdraw` names the audience)."""
    officer = request.user
    audience = request.POST.get("withdraw")
    if audience is not None:
        if audience in access.DISCLOSURE_CHOICES and disclosure.withdraw(officer=officer, audience=audience):
            messages.success(request, _("Your choice is withdrawn. From now on only the default is shared."))
        return redirect("wellbeing:privacy")
    form = sharing.DisclosureForm(request.POST, officer=officer)
    if not form.is_valid():
        return privacy(request, form)
    for audience in access.DISCLOSURE_CHOICES:
        disclosure.choose(officer=officer, audience=audience, choice=form.cleaned_data[audience],
                          peer_supporter=form.cleaned_data["peer"] if audience == access.PEER_SUPPORTER else None)
    messages.success(request, _("Your choices are saved and apply from now on, on every page and export."))
    return redirect("wellbeing:privacy")


@require_POST
@area_required("wellbeing")
def privacy_export(request: HttpRequest) -> HttpResponse:
    """The officer downloads everything held about them (their own copy, with their private
    comments); POST only, so no link or image elsewhere can start an export."""
    content = oh_services.subject_access_zip(person=request.user, by=request.user,
                                             copy=oh_services.OWN_COPY)
    return _zip_response(content, f"my-data-{timezone.localdate():%Y-%m-%d}.zip")
