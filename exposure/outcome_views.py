"""The call handler's outcome requests (issue 18): ask for the outcome of calls of a call-handling
shift, see their requests and the answers, close one. Everything is their own, fetched through
`portal.access` (someone else's shift or request answers 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exposure import outcomes as outcome_services
from exposure.models import OutcomeRequest, ShiftLog
from exposure.outcome_forms import OutcomeRequestForm
from portal.access import area_required, get_own_or_404, scope
from portal.models import HighRiskRole

PAGE_SIZE = 20


@area_required("exposure")
def outcome_new(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_own_or_404(request.user, ShiftLog.objects.all(), pk)
    if shift.role != HighRiskRole.CALL_HANDLING:
        raise Http404
    organisation = request.user.organisation
    form = OutcomeRequestForm(request.POST or None, shift=shift, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        outcome_services.outcome_request_create(
            shift=shift, category=form.cleaned_data["category"], reference=form.cleaned_data["reference"],
            detail_wanted=form.cleaned_data["detail_wanted"])
        messages.success(request, _("Your supervisor has been asked. You can ask about another call below."))
        return redirect("exposure:outcome-new", pk=shift.pk)
    asked = scope(request.user, OutcomeRequest.objects.filter(shift=shift)).select_related("category")
    return render(request, "exposure/outcome_new.html", {
        "shift": shift, "form": form, "asked": asked.order_by("created_at", "pk"),
    }, status=400 if form.is_bound else 200)


@area_required("exposure")
def outcomes(request: HttpRequest) -> HttpResponse:
    mine = (scope(request.user, OutcomeRequest.objects.all()).select_related("shift", "category")
            .order_by("-created_at", "-pk"))
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exposure/outcomes.html", {"page": page})


@require_POST
@area_required("exposure")
def outcome_close(request: HttpRequest, pk: int) -> HttpResponse:
    outcome_request = get_own_or_404(request.user, OutcomeRequest.objects.all(), pk)
    if outcome_services.outcome_request_close(request=outcome_request, by=request.user):
        messages.success(request, _("Request closed."))
    else:
        messages.info(request, _("This request was already closed."))
    return redirect("exposure:outcomes")
