"""Screening pages (docs/screening.md). Occupational health: the list and one screening's record
(every read of a person's screening audited). Supervisors and the wellbeing lead: completion only
(overdue / due / not yet due / up to date; never an outcome, attendance or appointment). The
officer: their own due dates, and the appointment once booked; never the outcome band."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import access, audit
from portal.access import TEAM_SUMMARY, area_required
from portal.fetch_site import same_origin_reads
from portal.models import HighRiskRole, User
from wellbeing.models import Screening, ScreeningKind
from wellbeing.screening import due, services
from wellbeing.screening import selectors as screening_selectors
from wellbeing.screening.forms import OHFilterForm, RecordForm

PAGE_SIZE = 25

STATUS_LABELS = {
    due.OVERDUE: gettext_lazy("Overdue"),
    due.DUE: gettext_lazy("Due"),
    due.NOT_YET_DUE: gettext_lazy("Not due yet"),
    due.UP_TO_DATE: gettext_lazy("Up to date"),
}


def _status_labels() -> dict:
    return {code: str(label) for code, label in STATUS_LABELS.items()}


# ----------------------------------------------------------------------------- occupational health


@area_required("oh")
def oh_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("state", "open")  # the first visit (and a link without filters): open ones
    form = OHFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {"state": "open", "kind": "", "role": ""}
    rows = screening_selectors.oh_screenings(request.user, today=today, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items()})
    audit.list_viewed(page="oh_screening", rows=len(page.object_list), page_number=page.number, **filters)
    return render(request, "screening/oh_list.html", {
        "form": form, "page": page, "query": query, "today": today, "section": "screening",
        "overdue": screening_selectors.oh_screenings(request.user, state="overdue", today=today).count(),
        "rows": [{"screening": s, "status": _open_status(s, today)} for s in page.object_list]})


def _open_status(screening: Screening, today) -> str:
    if screening.withdrawn_on:
        return str(_("No longer due"))
    if screening.completed_on:
        return str(_("Completed"))
    return str(STATUS_LABELS[due.status_on(screening.due_on, today)])


@area_required("oh")
@same_origin_reads
def oh_record(request: HttpRequest, pk: int) -> HttpResponse:
    screening = screening_selectors.oh_screening_or_404(request.user, pk)
    editable = screening.withdrawn_on is None
    if request.method == "POST" and editable:
        form = RecordForm(request.POST, screening=screening)
        if form.is_valid():
            services.screening_record(
                screening=screening, by=request.user, appointment_at=form.appointment_at(),
                attended=form.cleaned_data["attended"], completed_on=form.cleaned_data["completed_on"],
                outcome=form.cleaned_data.get("outcome", ""))
            messages.success(request, _("Screening record saved."))
            return redirect("screening:oh-record", pk=screening.pk)
        status = 400
    else:
        form = RecordForm(screening=screening)
        status = 200
    # Every read of a person's screening record is audited (the outcome band is clinical detail).
    audit.record("screening_viewed", subject=screening.person_id, obj=screening, reason="screening_record")
    return render(request, "screening/oh_record.html", {
        "screening": screening, "form": form, "editable": editable, "section": "screening",
        "status": _open_status(screening, timezone.localdate()),
        "history": [s for s in screening_selectors.for_person(screening.person) if s.pk != screening.pk],
    }, status=status)


# ----------------------------------------------------------------------------- completion only


def _kinds_in(rows) -> list[tuple[str, str]]:
    used = {kind for row in rows for kind in row.statuses}
    return [(value, label) for value, label in ScreeningKind.choices if value in used]


@area_required("team")
def team(request: HttpRequest) -> HttpResponse:
    """A supervisor's teams: who is overdue, due, not yet due or up to date. Completion only."""
    people = list(screening_selectors.in_role(access.people_visible_to(request.user, TEAM_SUMMARY))
                  .select_related("team__unit").order_by("last_name", "first_name", "pk"))
    rows = screening_selectors.completion_rows(people, today=timezone.localdate())
    order = {due.OVERDUE: 0, due.DUE: 1, due.NOT_YET_DUE: 2, due.UP_TO_DATE: 3}
    rows.sort(key=lambda r: min(order.get(s, 9) for s in r.statuses.values()))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.list_viewed(page="team_screening", rows=len(page.object_list), page_number=page.number)
    kinds = _kinds_in(rows)
    return render(request, "screening/team.html", {
        "page": page, "kinds": kinds, "labels": _status_labels(), "current": "screening",
        "table": [{"person": r.person, "cells": [(label, r.statuses.get(k), r.due_on.get(k)) for k, label in kinds]}
                  for r in page.object_list]})


@area_required("lead")
def lead(request: HttpRequest) -> HttpResponse:
    """The wellbeing lead (and OH): counts per unit, role and kind; nobody named; small numbers
    suppressed."""
    organisation_ids = access.report_organisation_ids(request.user)
    people = list(screening_selectors.in_role(User.objects.filter(is_active=True,
                                                                  organisation_id__in=organisation_ids))
                  .select_related("team__unit"))
    rows = screening_selectors.lead_counts(people, today=timezone.localdate())
    roles, kinds = dict(HighRiskRole.choices), dict(ScreeningKind.choices)
    audit.list_viewed(page="lead_screening", rows=len(rows))
    return render(request, "screening/lead.html", {
        "statuses": [(s, STATUS_LABELS[s]) for s in due.STATUSES],
        "rows": [{"unit": r.unit or _("No unit"), "role": roles.get(r.role, r.role), "kind": kinds.get(r.kind),
                  "people": r.people, "counts": [(STATUS_LABELS[s], r.counts[s]) for s in due.STATUSES]}
                 for r in rows]})


# ----------------------------------------------------------------------------- the officer


@area_required("wellbeing")
def mine(request: HttpRequest) -> HttpResponse:
    """The officer's own: when each is due, its status, the appointment once booked; never the outcome."""
    person = request.user
    today = timezone.localdate()
    in_role = bool(person.high_risk_role and person.high_risk_role_since and person.organisation_id)
    items = screening_selectors.standings([person], today=today) if in_role else []
    completed = list(access.scope(person, Screening.objects.filter(completed_on__isnull=False), owner_field="person")
                     .order_by("-completed_on", "-pk")[:10])
    return render(request, "screening/mine.html", {
        "in_role": in_role, "labels": _status_labels(), "today": today, "completed": completed,
        "items": [{"kind": dict(ScreeningKind.choices)[i.kind], "standing": i.standing,
                   "appointment_at": i.open.appointment_at if i.open else None} for i in items]})
