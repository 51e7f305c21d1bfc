"""One person's page of the supervisor's team pages (`/team/people/<id>/`): their level history,
recent exposure (with "How is this worked out?"), check-in completion, flags and welfare actions,
and the form to record a welfare action.

A welfare action recorded here is linked to the person's active flags that this supervisor may see
(`portal.access.scope(..., TEAM_SUMMARY)`): exactly one is linked automatically and the form says
so; several make the form ask which (or "Not about a flag"); none, no link."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exposure.load import explanation
from exposure.models import Exposure
from exposure.selectors import load_summary
from exposure.services import shown_weights
from portal import access, audit
from portal.access import TEAM_SUMMARY, area_required
from portal.fetch_site import same_origin_reads
from wellbeing.models import Flag, WelfareAction
from wellbeing.risk import engine as risk
from wellbeing.risk import flags as flag_life
from wellbeing.risk.flags import SUPERVISOR_SEES, supervisor_label, supervisor_status
from wellbeing.risk.selectors import rules_in_force
from wellbeing.team import selectors as team_selectors
from wellbeing.team import services as team_services
from wellbeing.team.forms import WelfareActionForm
from wellbeing.team.views import _summary_completion, _week_labels
from wellbeing.trim.selectors import supervisor_stage


def open_flags_for_action(user, officer) -> list[tuple[Flag, str]]:
    """The person's active flags this supervisor may see and record an action on, oldest first,
    each with its supervisor-safe label. One query."""
    flags = access.scope(user, Flag.objects.filter(SUPERVISOR_SEES, officer=officer, status__in=Flag.ACTIVE),
                         TEAM_SUMMARY)
    return [(f, supervisor_label(f)) for f in flags.order_by("raised_at", "pk")
            if flag_life.flag_permitted(f, flag_life.SUPERVISOR, flag_life.RECORD_ACTION)]


def _record_action(request: HttpRequest, officer, form: WelfareActionForm) -> HttpResponse:
    flag = form.flag_to_link()
    team_services.welfare_action_record(officer=officer, by=request.user, kind=form.cleaned_data["kind"],
                                        flag=flag, follow_up_on=form.cleaned_data["follow_up_on"])
    if flag is None:
        messages.success(request, _("Welfare action recorded."))
    else:
        messages.success(request, _("Welfare action recorded against the flag: %(label)s.")
                         % {"label": supervisor_label(flag)})
    return redirect("team:person", pk=officer.pk)


@area_required("team")
@same_origin_reads
def person(request: HttpRequest, pk: int) -> HttpResponse:
    officer = access.get_person_or_404(request.user, pk, TEAM_SUMMARY)
    open_flags = open_flags_for_action(request.user, officer)
    if request.method == "POST":
        form = WelfareActionForm(request.POST, with_flag=False, open_flags=open_flags)
        if form.is_valid():
            return _record_action(request, officer, form)
    else:
        form = WelfareActionForm(with_flag=False, open_flags=open_flags)
        audit.record("team_person_viewed", subject=officer)
    today = timezone.localdate()
    weeks = team_selectors.week_starts(today)
    since = timezone.make_aware(datetime.combine(weeks[0], datetime.min.time()))
    _version, rules = rules_in_force()
    load = load_summary(access.scope(request.user, Exposure.objects.filter(officer=officer), TEAM_SUMMARY),
                        today=today, half_life=rules["dose_half_life_days"])
    completion = team_selectors.completion_by_week([officer.pk], weeks)
    row = team_selectors.team_rows(
        access.people_visible_to(request.user, TEAM_SUMMARY).filter(pk=officer.pk), now=timezone.now())[0]
    levels = team_selectors.person_levels(officer, since=since, shared=row.shares_category)
    actions = Paginator(WelfareAction.objects.filter(officer=officer).select_related("recorded_by", "flag")
                        .order_by("-recorded_at", "-pk"), 20).get_page(request.GET.get("page"))
    flags = (Flag.objects.filter(SUPERVISOR_SEES, officer=officer).annotate(n_actions=Count("welfare_actions"))
             .order_by("-raised_at", "-pk")[:20])
    return render(request, "wellbeing/team/person.html", {
        "person": officer, "row": row, "levels": levels, "load": load, "completion": completion,
        "actions": actions, "action_rows": [(a, supervisor_label(a.flag) if a.flag else None)
                                            for a in actions.object_list],
        "flags": [(f, supervisor_label(f), supervisor_status(f)) for f in flags], "form": form,
        "linked_flag": (form.linked_flag, supervisor_label(form.linked_flag)) if form.linked_flag else None,
        "how": explanation(rules, shown_weights(officer.high_risk_role)),
        # TRiM: the stage of their latest case in three words, never its band, response or referral.
        "trim_stage": supervisor_stage(officer.pk),
        "team_query": urlencode({"team": officer.team_id}) if officer.team_id else "",
        "summaries": {
            "levels": _person_level_summary(levels), "load": _person_load_summary(row),
            "completion": _summary_completion(completion),
        },
        "charts": {"charts": _person_charts(levels, load, completion, weeks, today=today, since=since)},
    }, status=400 if request.method == "POST" else 200)


def _person_charts(levels, load, completion, weeks, *, today, since) -> list[dict]:
    level_points = _level_points(levels, today, since)
    return [
        {"id": "chart-person-levels", "kind": "step", "x": [p[0] for p in level_points],
         "xRange": [timezone.localtime(since).date().isoformat(), today.isoformat()],
         "yTitle": _("Level"), "yTicks": {"values": list(range(len(team_selectors.SUPERVISOR_LEVELS))),
                                            "labels": [str(team_selectors.LEVEL_LABELS[lv])
                                                       for lv in team_selectors.SUPERVISOR_LEVELS]},
         "series": [{"name": _("Level"), "y": [p[1] for p in level_points]}]},
        {"id": "chart-person-load", "kind": "line", "x": [d.isoformat() for d, _v in load.days], "dates": True,
         "yTitle": _("Recent exposure"),
         "series": [{"name": _("Recent exposure"), "y": [round(v, 2) for _d, v in load.days]}]},
        {"id": "chart-person-completion", "kind": "line", "x": _week_labels(weeks), "yRange": [0, 100],
         "yTitle": _("Check-in completion (%)"),
         "series": [{"name": _("Completion"), "y": [w["percent"] for w in completion]}]},
    ]


def _level_points(levels: list[dict], today, since) -> list[tuple[str, int]]:
    """The level chart's points, by day only (never the time of day: a level that changed at the
    minute of a check-in would say which check-in changed it). The level in force when the chart
    starts is drawn from its left edge."""
    start = timezone.localtime(since).date()
    points = [(max(c["at"], start).isoformat(), risk.RANK[c["level"]]) for c in levels]
    if points:
        points.append((today.isoformat(), points[-1][1]))
    return points


def _person_level_summary(levels: list[dict]) -> str:
    if not levels:
        return _("There is no assessment in the last twelve weeks.")
    n = max(0, len(levels) - 1)
    return ngettext("Their level is %(level)s now and changed %(n)d time in the last twelve weeks.",
                    "Their level is %(level)s now and changed %(n)d times in the last twelve weeks.", n) % {
        "level": levels[-1]["label"], "n": n}


def _person_load_summary(row) -> str:
    """The person's recent exposure as their current assessment stored it (no second computation)."""
    if row.level == team_selectors.NO_ASSESSMENT:
        return _("Their recent exposure has not been compared yet: they have no risk assessment.")
    if row.ratio_usual is None and row.ratio_role is None:
        return _("There is not yet enough history to compare their recent exposure.")
    parts = []
    if row.ratio_usual is not None:
        parts.append(_("%(r)s times their own usual") % {"r": row.ratio_usual})
    if row.ratio_role is not None:
        parts.append(_("%(r)s times the middle person in their role") % {"r": row.ratio_role})
    return _("Their recent exposure is %(parts)s.") % {"parts": _(" and ").join(parts)}
