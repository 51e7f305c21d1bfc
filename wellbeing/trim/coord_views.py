"""TRiM cases for coordinators and practitioners: the queue, an incident's planning meeting,
assigning a practitioner, a case (every read audited), recording an assessment, closing a case.

Thin views: which case a user may see is `portal.access.trim_cases_visible_to`'s decision, what
happens is `wellbeing.trim.casework`'s."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import access, audit
from portal.access import area_required
from wellbeing.models import TrimAssessment, TrimCase, TrimIncident
from wellbeing.trim import casework
from wellbeing.trim.coord_forms import AssessmentForm, AssignForm, PlanningForm

MAX_ID = 2**31 - 1  # the largest id a database integer holds: a bigger filter value matches nothing


def _incident_filter(request) -> int | None:
    """The incident id to filter by, or None for none or a value that is not an id (ASCII digits:
    "²" is a digit to str.isdigit but not to int; a number past MAX_ID overflows the query)."""
    value = request.GET.get("incident", "")
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        return None
    return int(value)


@area_required("trim")
def index(request):
    user, now = request.user, timezone.now()
    closed = request.GET.get("show") == "closed"
    incident_id = _incident_filter(request)
    page = Paginator(casework.cases_for(user, closed=closed, incident_id=incident_id),
                     casework.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"case": c, "due": casework.due_of(c, now)} for c in page.object_list]
    audit.list_viewed(page="trim_cases", rows=len(rows), closed=closed, incident=incident_id, page_number=page.number)
    query = "&".join(part for part in (f"incident={incident_id}" if incident_id else "",
                                       "show=closed" if closed else "") if part)
    in_own_line = access.trim_cases_visible_to(user, TrimCase.objects.exclude(stage=TrimCase.Stage.CLOSED),
                                               own_line=True).count() if user.is_trim_coordinator else 0
    return render(request, "trim/index.html", {
        "page": page, "rows": rows, "closed": closed, "incident_id": incident_id, "query": query,
        "incidents": casework.incidents_for(user, closed=closed), "in_own_line": in_own_line,
        "coordinator": user.is_trim_coordinator,
    })


@area_required("trim_coordinate")
def incident(request, pk: int):
    user = request.user
    incident = get_object_or_404(TrimIncident.objects.select_related("planning_recorded_by"), pk=pk,
                                 organisation_id__in=access.organisation_ids(user))
    cases = list(access.trim_cases_visible_to(user, incident.cases.select_related("person", "practitioner"),
                                              coordinate=True)
                 .order_by("person__last_name", "person__first_name", "pk"))
    plannable = [c for c in cases if c.stage in casework.PLANNABLE]
    form = PlanningForm(request.POST if request.method == "POST" else None, incident=incident, cases=plannable)
    if request.method == "POST" and form.is_valid():
        casework.planning_record(incident=incident, held_on=form.cleaned_data["held_on"],
                                 responses=form.responses(), by=user)
        messages.success(request, _("Planning meeting recorded."))
        return redirect("trim:incident", pk=incident.pk)
    audit.list_viewed(page="trim_incident", rows=len(cases), incident=incident.pk)
    return render(request, "trim/coord/incident.html", {
        "incident": incident, "cases": cases, "form": form,
        "in_own_line": access.trim_cases_visible_to(user, incident.cases.all(), own_line=True).count(),
    }, status=400 if form.is_bound else 200)


@area_required("trim")
def case(request, pk: int):
    user = request.user
    case = access.get_trim_case_or_404(
        user, TrimCase.objects.select_related("incident", "person", "practitioner", "referred_by"), pk)
    # Every read of a case is audited, as OH's reads are: who read whose TRiM case.
    audit.record("trim_case_viewed", subject=case.person_id, obj=case)
    assessments = list(case.assessments.select_related("recorded_by"))
    coordinator = casework.may_coordinate(user, case)
    practitioner_in_line = bool(case.practitioner_id and case.practitioner_id in {
        s.pk for s in access.line_chain(case.person)})
    return render(request, "trim/coord/case.html", {
        "case": case, "coordinator": coordinator, "due": casework.due_of(case, timezone.now()),
        "assessments": [{"assessment": a, "to_oh": casework.needs_oh_referral(stage=a.stage, band=a.band,
                                                                              action=a.action)} for a in assessments],
        "practitioner_in_line": practitioner_in_line,
    })


@area_required("trim_coordinate")
def assign(request, pk: int):
    case = access.get_trim_case_or_404(request.user, TrimCase.objects.select_related("incident", "person"), pk,
                                       coordinate=True)
    if case.stage == TrimCase.Stage.CLOSED:
        messages.error(request, _("This case is closed."))
        return redirect("trim:case", pk=case.pk)
    form = AssignForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        practitioner = form.cleaned_data["practitioner"]
        try:
            casework.practitioner_assign(case=case, practitioner=practitioner, by=request.user)
        except casework.InLineChain as exc:
            form.add_error("practitioner", _(
                "%(name)s supervises this person, so cannot be their TRiM practitioner. Choose someone "
                "outside their line management.") % {"name": exc.supervisor})
        except casework.NotAllowed:
            form.add_error("practitioner", _("Choose a practitioner from the list."))
        else:
            messages.success(request, _("%(name)s is now the TRiM practitioner for this case.") % {
                "name": practitioner})
            return redirect("trim:case", pk=case.pk)
    return render(request, "trim/coord/assign.html", {"case": case, "form": form},
                  status=400 if form.is_bound else 200)


@area_required("trim")
def assessment(request, pk: int, stage: str):
    if stage not in TrimAssessment.Stage.values:
        raise Http404
    case = access.get_trim_case_or_404(request.user, TrimCase.objects.select_related("incident", "person"), pk)
    form = AssessmentForm(request.POST if request.method == "POST" else None, case=case, stage=stage)
    problem = form.stage_problem()
    if request.method != "POST" and problem:
        messages.info(request, problem)
        return redirect("trim:case", pk=case.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            casework.assessment_record(
                case=case, stage=stage, held_on=data["held_on"], band=data["band"], action=data["action"],
                line_manager_consent=data["line_manager_consent"], line_manager_urgent=data["line_manager_urgent"],
                service=data["service"], by=request.user)
        except casework.NotAllowed:
            messages.error(request, _("This assessment could not be recorded: the case has changed. Check it again."))
        else:
            messages.success(request, _("Assessment recorded."))
        return redirect("trim:case", pk=case.pk)
    return render(request, "trim/coord/assessment.html", {
        "case": case, "form": form, "stage_label": TrimAssessment.Stage(stage).label,
    }, status=400 if form.is_bound else 200)


@require_POST
@area_required("trim_coordinate")
def close(request, pk: int):
    case = access.get_trim_case_or_404(request.user, TrimCase.objects.all(), pk, coordinate=True)
    if casework.case_close(case=case, by=request.user):
        messages.success(request, _("Case closed."))
    return redirect("trim:case", pk=case.pk)
