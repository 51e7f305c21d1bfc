"""Call outcomes to share (`/team/outcomes/`, issue 18). Two kinds of row: outcome requests, one
per call, with the incident reference and how much the call handler wants to know, which the
supervisor answers (shared, with what they said, or not available) on the request's own page; and
the older per-call-type ticks of the shift form ("I want to know the outcome"), still shown and
marked as shared as before. People come through `portal.access` (team summary): a request of
someone outside the supervisor's teams answers 404, exactly like none."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exposure import outcomes as outcome_services
from exposure.models import Exposure, OutcomeRequest
from exposure.outcome_forms import OutcomeAnswerForm
from portal import access, audit
from portal.access import TEAM_SUMMARY, area_required
from portal.fetch_site import same_origin_reads
from wellbeing.team import selectors as team_selectors
from wellbeing.team import services as team_services
from wellbeing.team.views import PAGE_SIZE, _team_context, _team_query


def _list_url(officer) -> str:
    return reverse("team:outcomes") + "?" + urlencode({"team": officer.team_id})


@area_required("team")
def outcomes(request: HttpRequest) -> HttpResponse:
    teams, team, people = _team_context(request)
    page = Paginator(team_selectors.outcome_requests_open(people), PAGE_SIZE).get_page(request.GET.get("page"))
    ticks = Paginator(team_selectors.outcomes_pending(people), PAGE_SIZE).get_page(request.GET.get("ticks"))
    audit.list_viewed(page="team_outcomes", rows=len(page.object_list) + len(ticks.object_list),
                      team=team.pk if team else None, page_number=page.number, ticks_page=ticks.number)
    return render(request, "wellbeing/team/outcomes.html", {
        "teams": teams, "team": team, "team_query": _team_query(team), "page": page, "ticks": ticks,
        "query": _team_query(team) + (f"&ticks={ticks.number}" if ticks.number > 1 else ""),
        "ticks_query": _team_query(team) + (f"&page={page.number}" if page.number > 1 else ""),
    })


def _request_or_404(request: HttpRequest, pk: int) -> OutcomeRequest:
    queryset = OutcomeRequest.objects.select_related("officer", "shift", "category")
    return access.get_scoped_or_404(request.user, queryset, pk, TEAM_SUMMARY)


@area_required("team")
@same_origin_reads
def outcome_request(request: HttpRequest, pk: int) -> HttpResponse:
    """One request, and the supervisor's answer. GET shows it (audited: it names the person and
    the call); POST records the answer."""
    outcome_request = _request_or_404(request, pk)
    form = OutcomeAnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            shared = form.cleaned_data["result"] == OutcomeAnswerForm.SHARED
            if outcome_services.outcome_request_answer(request=outcome_request, by=request.user, shared=shared,
                                                       text=form.cleaned_data["text"]):
                messages.success(request, _("Answer recorded. %(name)s has been told there is an answer.")
                                 % {"name": outcome_request.officer})
            else:
                messages.info(request, _("This request was already answered."))
            return redirect(_list_url(outcome_request.officer))
    else:
        audit.record("outcome_request_viewed", subject=outcome_request.officer, obj=outcome_request)
    return render(request, "wellbeing/team/outcome_request.html", {
        "r": outcome_request, "form": form, "list_url": _list_url(outcome_request.officer),
    }, status=400 if form.is_bound else 200)


@require_POST
@area_required("team")
def outcome_shared(request: HttpRequest, pk: int) -> HttpResponse:
    """The older per-call-type tick: mark it as shared."""
    exposure = access.get_scoped_or_404(
        request.user, Exposure.objects.filter(outcome_wanted=True).select_related("officer"), pk, TEAM_SUMMARY)
    if team_services.outcome_mark_shared(exposure=exposure, by=request.user):
        messages.success(request, _("Marked as shared with %(name)s.") % {"name": exposure.officer})
    else:
        messages.info(request, _("This outcome was already marked as shared."))
    return redirect(_list_url(exposure.officer))
