"""Opening TRiM cases (a supervisor declares an incident or refers someone; an officer refers
themself) and the officer's own cases (dates, their practitioner, accept or decline).

Thin views: who may be chosen is `selectors.declarable_people`'s decision, what happens is
`opening`'s. A supervisor never sees a case here beyond the names they declared it for."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal import access, audit
from portal.access import area_required
from wellbeing.models.trim import TrimCase
from wellbeing.trim import opening, selectors
from wellbeing.trim.open_forms import DeclareForm, ReferForm


@area_required("trim_declare")
def declare(request):
    people = list(selectors.declarable_people(request.user))
    form = DeclareForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            declared = opening.declare_incident(request.user, form.cleaned_data["title"],
                                                form.cleaned_data["occurred_at"], form.cleaned_data["people"])
        except opening.NotAllowed:
            form.add_error("people", _("Someone you chose can no longer be chosen. Check the list and try again."))
        else:
            if declared.existing:
                n = len(declared.existing)
                messages.info(request, ngettext(
                    "%(n)d person already had a case for this incident: no second case was opened.",
                    "%(n)d people already had a case for this incident: no second case was opened.", n) % {"n": n})
            return redirect("trim:declared", pk=declared.incident.pk)
    return render(request, "trim/open/declare.html", {"form": form, "has_people": bool(people)},
                  status=400 if form.errors else 200)


@area_required("trim_declare")
def declared(request, pk: int):
    incident = selectors.declared_incident_or_none(request.user, pk)
    if incident is None:
        raise Http404
    cases = list(incident.cases.select_related("person__team__unit").order_by(
        "person__last_name", "person__first_name", "pk"))
    # Who has a TRiM case is about those people: the read is audited, like any list of others' records.
    audit.list_viewed(page="trim_declared", rows=len(cases), incident=incident.pk)
    return render(request, "trim/open/declared.html", {
        "incident": incident, "groups": selectors.grouped_by_team([c.person for c in cases])})


def _refer(request, *, people, template: str, done: str):
    # A supervisor arrives from a person's page with them already chosen (?person=<id>).
    initial = {"person": request.GET.get("person", "")} if people is not None else {}
    form = ReferForm(request.POST if request.method == "POST" else None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data.get("person", request.user)
        try:
            opening.refer(request.user, person, form.cleaned_data["title"], form.cleaned_data["occurred_at"])
        except opening.NotAllowed:
            form.add_error("person" if people is not None else None,
                           _("This person can no longer be referred by you. Check the list and try again."))
        else:
            if person.pk == request.user.pk:
                messages.success(request, _("Your TRiM referral has been sent. The TRiM coordinator will be in "
                                            "touch."))
            else:
                messages.success(request, _("A TRiM case has been opened for %(name)s. The TRiM coordinator has "
                                            "been told.") % {"name": person.get_full_name() or person.username})
            return redirect(done)
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


@area_required("trim_declare")
def refer(request):
    return _refer(request, people=list(selectors.declarable_people(request.user)),
                  template="trim/open/refer.html", done="trim:refer")


@area_required("trim_own")
def refer_self(request):
    return _refer(request, people=None, template="trim/open/refer_self.html", done="trim:mine")


@area_required("trim_own")
def mine(request):
    page = Paginator(selectors.own_cases(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "trim/open/mine.html", {
        "page": page, "rows": [(case, opening.is_offer_open(case)) for case in page.object_list]})


def _own_case(request, pk) -> TrimCase:
    return access.get_own_or_404(request.user, TrimCase.objects.all(), pk, owner_field="person")


@require_POST
@area_required("trim_own")
def accept(request, pk: int):
    case = _own_case(request, pk)
    if opening.offer_accept(case=case, by=request.user):
        messages.success(request, _("You have accepted the assessment. Your TRiM practitioner will be in touch."))
    return redirect("trim:mine")


@require_POST
@area_required("trim_own")
def decline(request, pk: int):
    case = _own_case(request, pk)
    if opening.offer_decline(case=case, by=request.user):
        messages.success(request, _("You have declined the assessment. You can still accept it later on this "
                                    "page."))
    return redirect("trim:mine")
