"""Deployments without a defined task (`/team/deployments/`, issue 18): the firearms and
counter-terrorism deployments that the supervisor's people logged without a defined task in the
last fortnight, as an operational follow-up list ("debrief and check in with these people"), and
the mark that says it was done (who, when).

Operational fields only: the person, the shift's date, the role and the category. Never the
intensity they felt, the minutes, the detail or anything from a check-in (`team_selectors.
deployments_without_task` does not select them). The people come through `portal.access`, as on
every team page; someone of another team answers 404, exactly like nobody."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exposure.models import Exposure
from portal import access, audit
from portal.access import TEAM_SUMMARY, area_required
from wellbeing.team import selectors as team_selectors
from wellbeing.team import services as team_services
from wellbeing.team.forms import DeploymentFilterForm
from wellbeing.team.views import PAGE_SIZE, _team_context, _team_query


@area_required("team")
def deployments(request: HttpRequest) -> HttpResponse:
    teams, team, people = _team_context(request)
    form = DeploymentFilterForm(request.GET or None)
    to_do_only = bool(form.is_valid() and form.cleaned_data["to_do"])
    today = timezone.localdate()
    rows = team_selectors.deployments_without_task(people, today=today, to_do_only=to_do_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    still_to_do = (page.paginator.count if to_do_only
                   else team_selectors.deployments_without_task(people, today=today, to_do_only=True).count())
    query = request.GET.copy()
    query.pop("page", None)
    audit.list_viewed(page="team_deployments", rows=len(page.object_list), team=team.pk if team else None,
                      to_do=to_do_only, page_number=page.number)
    return render(request, "wellbeing/team/deployments.html", {
        "teams": teams, "team": team, "team_query": _team_query(team), "page": page, "query": query.urlencode(),
        "form": form, "to_do_only": to_do_only, "still_to_do": still_to_do,
        "days": team_selectors.DEPLOYMENT_WINDOW_DAYS,
    })


@require_POST
@area_required("team")
def deployment_done(request: HttpRequest, pk: int) -> HttpResponse:
    exposure = access.get_scoped_or_404(request.user, Exposure.objects.filter(
        defined_task=False, role__in=team_selectors.deployment_roles()).select_related("officer"), pk, TEAM_SUMMARY)
    if team_services.deployment_mark_followed_up(exposure=exposure, by=request.user):
        messages.success(request, _("Marked as debriefed: %(name)s, deployment of %(date)s.") % {
            "name": exposure.officer, "date": date_format(exposure.shift_date, "j M Y")})
    else:
        messages.info(request, _("This deployment was already marked as debriefed."))
    back = {"team": exposure.officer.team_id}
    if request.POST.get("to_do"):
        back["to_do"] = "on"
    return redirect(reverse("team:deployments") + "?" + urlencode(back))
