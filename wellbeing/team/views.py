"""The supervisor's team pages (`/team/`): the dashboard, trends, the flag inbox, one flag, calls
whose outcome to share, and the CSV export (one person's page is `person_views`).

Every page fetches through `portal.access`: people with `people_visible_to(user, TEAM_SUMMARY)`,
one person with `get_person_or_404`, flags, exposures and welfare actions with `scope(...,
TEAM_SUMMARY)`. Someone of another team answers 404 everywhere, exactly like nobody."""

from __future__ import annotations

from html import escape

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from exposure.load import explanation
from portal import access, audit, exports
from portal.access import TEAM_SUMMARY, area_required
from portal.fetch_site import same_origin_reads
from portal.models import User
from wellbeing.models import Flag, WelfareAction
from wellbeing.review.forms import FlagDismissForm
from wellbeing.risk import engine as risk
from wellbeing.risk import flags as flag_life
from wellbeing.risk.flags import supervisor_label, supervisor_status
from wellbeing.risk.selectors import rules_in_force
from wellbeing.team import selectors as team_selectors
from wellbeing.team import services as team_services
from wellbeing.team.forms import TeamFilterForm, WelfareActionForm

PAGE_SIZE = 50
LEVEL_COLOURS = {  # Okabe-Ito, safe for colour-blind readers; each level also has its own pattern
    risk.GREEN: ("#009E73", ""), risk.AMBER: ("#E69F00", "/"), risk.RED: ("#D55E00", "x"),
    risk.URGENT: ("#CC79A7", "+"), team_selectors.NO_ASSESSMENT: ("#999999", "."),
}


def _team_context(request: HttpRequest) -> tuple[list, object, list]:
    teams = team_selectors.supervised_teams(request.user)
    team = team_selectors.chosen_team(teams, request.GET.get("team"))
    people = team_selectors.members(request.user, team) if team else User.objects.none()
    return teams, team, people


def _team_query(team) -> str:
    return urlencode({"team": team.pk}) if team else ""


class _TablePhrases:
    """What every row of the dashboard table shares, made once per page: each fixed phrase translated
    once (not once per cell), the phrases that vary by a number of days or a month cached as they
    come, and the row links (one reverse() per page: they differ only by id)."""

    def __init__(self):
        self.words = {
            "no_usual": _("No usual yet"), "no_role": _("No role figure yet"), "no_checkin": _("No check-in yet"),
            "today": _("Last: today"), "no_shifts": _("No shifts in 30 days"),
            "with_oh": str(flag_life.WITH_OH).lower(), "none": _("None"), "no_action": _("None recorded"),
            "usual": _("%(r)s× their usual"),
            "role": _("%(r)s× the role"), "done": _("%(p)s%% done after shifts (30 days)"),
            "flag_for": _("flag for %(name)s")}
        self.statuses = {value: str(label).lower() for value, label in Flag.Status.choices}
        self.levels = {**{k: str(v) for k, v in team_selectors.LEVEL_LABELS.items()},
                       team_selectors.NO_ASSESSMENT: _("Not assessed")}
        self.kinds = {value: str(label) for value, label in WelfareAction.Kind.choices}
        self.months: dict = {}  # "Oct 2026" per month: a page spans few months but many days
        self.ago: dict = {}  # "Last: 3 days ago" per number of days
        self.person_url = escape(reverse("team:person", args=[0])[:-2])
        self.flag_url = escape(reverse("team:flag", args=[0])[:-2])
        self.none = escape(self.words["none"])
        # each cell's column, shown beside it where the table is stacked on a phone (portal.css)
        self.labels = [escape(label) for label in (_("Level and reasons"), _("Exposure load"), _("Check-ins"),
                                                   _("Flags"), _("Last welfare action"))]

    def day(self, value) -> str:
        """date_format(local, "j M Y"), the month formatted once."""
        local = timezone.localtime(value).date()
        month = self.months.get((local.year, local.month))
        if month is None:
            month = self.months[local.year, local.month] = date_format(local, "M Y")
        return f"{local.day} {month}"

    def checkin(self, days: int | None) -> str:
        if days is None:
            return self.words["no_checkin"]
        if days == 0:
            return self.words["today"]
        said = self.ago.get(days)
        if said is None:
            said = self.ago[days] = ngettext("Last: %(n)d day ago", "Last: %(n)d days ago", days) % {"n": days}
        return said


def _categories_html(categories: list[str]) -> str:
    if not categories:
        return ""
    return '<ul class="small mb-0 ps-3">' + "".join(f"<li>{escape(c)}</li>" for c in categories) + "</ul>"


def _flags_html(r, text: _TablePhrases) -> str:
    if not r.flags:
        return text.none
    flag_for = escape(text.words["flag_for"] % {"name": str(r.person)})
    return '<ul class="team-flag-list">' + "".join(
        f'<li><a href="{text.flag_url}{f.pk}/">{escape(f.label)} '
        f'({escape(text.words["with_oh"] if f.with_oh else text.statuses[f.status])})'
        f'<span class="visually-hidden"> {flag_for}</span></a></li>'
        for f in r.flags) + "</ul>"


def _action_html(r, text: _TablePhrases) -> str:
    if not r.last_action:
        return escape(text.words["no_action"])
    return f"{escape(text.kinds.get(r.last_action.kind, ''))}<br>{escape(text.day(r.last_action.recorded_at))}"


def _row_html(r, text: _TablePhrases, today) -> SafeString:
    words = text.words
    checkin = text.checkin(r.days_since_checkin_on(today))
    usual = words["usual"] % {"r": r.ratio_usual} if r.ratio_usual is not None else words["no_usual"]
    role = words["role"] % {"r": r.ratio_role} if r.ratio_role is not None else words["no_role"]
    completion = words["done"] % {"p": r.completion} if r.shifts_30 else words["no_shifts"]
    level = escape(r.level)
    lv, load, checkins, flags, action = text.labels
    return SafeString(
        f'<tr>\n<th scope="row"><a href="{text.person_url}{r.person.pk}/">{escape(str(r.person))}</a></th>\n'
        f'<td data-label="{lv}"><span class="team-level team-level-{level}">'
        f'<span aria-hidden="true" class="team-level-mark"></span>'
        f"{escape(text.levels[r.level])}</span>{_categories_html(r.categories)}</td>\n"
        f'<td class="small" data-label="{load}">{escape(usual)}<br>{escape(role)}</td>\n'
        f'<td class="small" data-label="{checkins}">{escape(checkin)}<br>{escape(completion)}</td>\n'
        f'<td class="small" data-label="{flags}">{_flags_html(r, text)}</td>\n'
        f'<td class="small" data-label="{action}">{_action_html(r, text)}</td>\n</tr>\n')


def _table_rows(rows) -> list[SafeString]:
    """The dashboard table's rows as HTML. The table is the one part of the page that grows with
    the team, so it is built here in one pass rather than by a dozen template nodes per person: every
    value is escaped as the template would (`html.escape`, what Django's `escape` calls), and each
    fixed phrase is translated once per page, not once per cell (`_TablePhrases`). The markup is the
    template's."""
    text = _TablePhrases()
    today = timezone.localdate()
    return [_row_html(r, text, today) for r in rows]


@area_required("team")
def index(request: HttpRequest) -> HttpResponse:
    teams, team, people = _team_context(request)
    form = TeamFilterForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    rows = team_selectors.team_rows(people, now=now)
    shown = team_selectors.sort_and_filter(rows, sort=criteria.get("sort") or "attention",
                                           level=criteria.get("level") or "", flagged=bool(criteria.get("flagged")))
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _table_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    counts = {"outcomes": sum(r.outcomes for r in rows), "follow_ups": sum(r.follow_ups for r in rows)}
    active_flags = sum(len(r.flags) for r in rows)
    open_flags = sum(len(r.open_flags) for r in rows)
    welfare = sum(1 for r in rows if any(f.clinical for f in r.flags))
    audit.list_viewed(page="team_dashboard", rows=len(page.object_list), team=team.pk if team else None,
                    sort=criteria.get("sort"), level=criteria.get("level"), flagged=bool(criteria.get("flagged")),
                    page_number=page.number)
    return render(request, "wellbeing/team/index.html", {
        "teams": teams, "team": team, "team_query": _team_query(team), "form": form, "page": page,
        "query": query.urlencode(), "rows_total": len(rows), "filtered": len(shown) != len(rows),
        "active_flags": active_flags, "open_flags": open_flags, "welfare": welfare, "counts": counts,
    })


def _summary_levels(levels: list[dict]) -> str:
    if not levels:
        return ""
    last, first = levels[-1]["counts"], levels[0]["counts"]
    above = sum(last[level] for level in (risk.AMBER, risk.RED))
    before = sum(first[level] for level in (risk.AMBER, risk.RED))
    return _("People at each level this week: amber %(amber)d, red %(red)d; %(now)d at amber or above, against "
             "%(then)d twelve weeks ago.") % {
        "amber": last[risk.AMBER], "red": last[risk.RED], "now": above, "then": before}


def _summary_completion(weeks: list[dict], *, who: str = "team") -> str:
    known = [w for w in weeks if w["percent"] is not None]
    if not known:
        return _("No shifts were logged in the last twelve weeks, so there is no check-in completion to show.")
    first, last = known[0], known[-1]
    return _("Post-shift check-in completion was %(last)d%% in the week of %(last_week)s, against %(first)d%% in "
             "the week of %(first_week)s.") % {
        "last": last["percent"], "first": first["percent"],
        "last_week": date_format(last["week"], "j M"), "first_week": date_format(first["week"], "j M")}


def _summary_exposure(data: dict) -> str:
    if not data["series"]:
        return _("No exposure was logged in the last twelve weeks.")
    totals = [sum(s["values"][i] for s in data["series"]) for i in range(len(data["weeks"]))]
    peak = max(range(len(totals)), key=lambda i: totals[i])
    top = data["series"][0]["name"]
    return _("The most exposure was logged in the week of %(week)s; the largest category over twelve weeks was "
             "%(category)s.") % {"week": date_format(data["weeks"][peak], "j M"), "category": top}


def _week_labels(weeks) -> list[str]:
    return [date_format(w, "j M") for w in weeks]


@area_required("team")
def trends(request: HttpRequest) -> HttpResponse:
    teams, team, people = _team_context(request)
    people = list(people)
    today = timezone.localdate()
    weeks = team_selectors.week_starts(today)
    ids = [p.pk for p in people]
    exposure = team_selectors.exposure_by_category(ids, weeks)
    completion = team_selectors.completion_by_week(ids, weeks)
    levels = team_selectors.levels_by_week(ids, weeks, today=today)
    labels = _week_labels(weeks)
    level_names = {**{k: str(v) for k, v in team_selectors.LEVEL_LABELS.items()},
                   team_selectors.NO_ASSESSMENT: _("Not assessed")}
    charts = [
        {"id": "chart-exposure", "kind": "bar", "x": labels, "yTitle": _("Exposure logged"),
         "series": [{"name": s["name"], "y": s["values"]} for s in exposure["series"]]},
        {"id": "chart-completion", "kind": "line", "x": labels, "yTitle": _("Check-in completion (%)"),
         "yRange": [0, 100],
         "series": [{"name": _("Completion"), "y": [w["percent"] for w in completion]}]},
        {"id": "chart-levels", "kind": "bar", "x": labels, "yTitle": _("People"),
         "series": [{"name": level_names[level], "y": [w["counts"][level] for w in levels],
                     "colour": LEVEL_COLOURS[level][0], "pattern": LEVEL_COLOURS[level][1]}
                    for level in [*team_selectors.SUPERVISOR_LEVELS, team_selectors.NO_ASSESSMENT]]},
    ]
    audit.list_viewed(page="team_trends", rows=len(people), team=team.pk if team else None)
    _version, rules = rules_in_force()
    return render(request, "wellbeing/team/trends.html", {
        "how": explanation(rules), "teams": teams, "team": team, "team_query": _team_query(team), "people": people,
        "exposure": exposure, "exposure_rows": [(label, [(s["name"], s["values"][i]) for s in exposure["series"]])
                                               for i, label in enumerate(labels)],
        "completion": completion, "levels": levels, "level_names": level_names,
        "level_rows": [(w["week"], [(level_names[level], count) for level, count in w["counts"].items()])
                       for w in levels],
        "level_order": [*team_selectors.SUPERVISOR_LEVELS, team_selectors.NO_ASSESSMENT],
        "summaries": {"exposure": _summary_exposure(exposure), "completion": _summary_completion(completion),
                      "levels": _summary_levels(levels)},
        "charts": {"charts": charts},
    })


@area_required("team")
def flags(request: HttpRequest) -> HttpResponse:
    teams, team, people = _team_context(request)
    items = team_selectors.flag_inbox(people)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    follow_ups = list(team_selectors.follow_ups_due(people, today=timezone.localdate()))
    audit.list_viewed(page="team_flags", rows=len(page.object_list), follow_ups=len(follow_ups),
                    team=team.pk if team else None, page_number=page.number)
    return render(request, "wellbeing/team/flags.html", {
        "teams": teams, "team": team, "team_query": _team_query(team), "page": page,
        "query": _team_query(team), "follow_ups": follow_ups,
    })


def _flag_or_404(request, pk) -> Flag:
    return access.get_scoped_or_404(
        request.user, Flag.objects.filter(flag_life.SUPERVISOR_SEES).select_related("officer"), pk, TEAM_SUMMARY)


def _render_flag(request: HttpRequest, flag: Flag, form, status: int = 200, dismiss_form=None) -> HttpResponse:
    actions = WelfareAction.objects.filter(flag=flag).select_related("recorded_by").order_by("-recorded_at", "-pk")
    owned = flag_life.flag_owner(flag) == flag_life.SUPERVISOR
    return render(request, "wellbeing/team/flag.html", {
        "flag": flag, "label": supervisor_label(flag), "status": supervisor_status(flag), "form": form,
        "actions": actions, "with_oh": not owned, "dismiss_form": (dismiss_form or FlagDismissForm(prefix="dismiss"))
        if flag_life.flag_permitted(flag, flag_life.SUPERVISOR, flag_life.DISMISS) else None,
        "can_acknowledge": flag_life.flag_permitted(flag, flag_life.SUPERVISOR, flag_life.ACKNOWLEDGE),
        "can_close": flag_life.flag_permitted(flag, flag_life.SUPERVISOR, flag_life.CLOSE),
        "time_left": flag.acknowledge_by - timezone.now() if owned and flag.status == Flag.Status.OPEN else None,
        "person": flag.officer, "team_query": urlencode({"team": flag.officer.team_id}),
    }, status=status)


def _welfare_form(flag: Flag, data=None) -> WelfareActionForm:
    """The action form; "close the flag" only where the supervisor may close it (their own flags)."""
    return WelfareActionForm(data, with_flag=flag_life.flag_permitted(flag, flag_life.SUPERVISOR, flag_life.CLOSE))


def _refuse(request: HttpRequest, flag: Flag, exc: flag_life.FlagNotPermitted) -> HttpResponse:
    """403 with the flag page and the reason on it (audited like every other refusal)."""
    audit.record("access_denied", reason=request.path[:200])
    messages.error(request, str(exc))
    return _render_flag(request, flag, _welfare_form(flag), status=403)


@area_required("team")
@same_origin_reads
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _flag_or_404(request, pk)
    if request.method == "POST":
        form = _welfare_form(flag, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                team_services.welfare_action_record(
                    officer=flag.officer, by=request.user, kind=data["kind"], flag=flag if flag.is_active else None,
                    follow_up_on=data["follow_up_on"], close_flag=bool(data.get("close_flag")))
            except flag_life.FlagNotPermitted as exc:
                return _refuse(request, flag, exc)
            messages.success(request, _("Welfare action recorded."))
            return redirect("team:flag", pk=flag.pk)
        return _render_flag(request, flag, form, status=400)
    audit.record("team_flag_viewed", subject=flag.officer, obj=flag)
    return _render_flag(request, flag, _welfare_form(flag))


@require_POST
@area_required("team")
def flag_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _flag_or_404(request, pk)
    try:
        acknowledged = flag_life.flag_acknowledge(flag=flag, role=flag_life.SUPERVISOR, by=request.user)
    except flag_life.FlagNotPermitted as exc:
        return _refuse(request, flag, exc)
    if acknowledged:
        messages.success(request, _("Flag acknowledged. Record what you do next below."))
    else:
        messages.info(request, _("This flag was already acknowledged."))
    return redirect("team:flag", pk=flag.pk)


@require_POST
@area_required("team")
def flag_close(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _flag_or_404(request, pk)
    try:
        closed = flag_life.flag_close(flag=flag, role=flag_life.SUPERVISOR, by=request.user)
    except flag_life.FlagNotPermitted as exc:
        return _refuse(request, flag, exc)
    except ValidationError:
        messages.error(request, flag_life.CLOSE_NEEDS_ACTION)
        return redirect("team:flag", pk=flag.pk)
    messages.success(request, _("Flag closed.") if closed else _("This flag was already closed."))
    return redirect("team:flag", pk=flag.pk)


@require_POST
@area_required("team")
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_scoped_or_404(request.user, WelfareAction.objects.select_related("officer"), pk,
                                      TEAM_SUMMARY)
    if team_services.follow_up_mark_done(action=action, by=request.user):
        messages.success(request, _("Follow-up marked as done."))
    return redirect(reverse("team:flags") + "?" + urlencode({"team": action.officer.team_id}))


@area_required("team")
def export(request: HttpRequest) -> HttpResponse:
    """The dashboard table as CSV: the same columns a supervisor sees, nothing more."""
    teams, team, people = _team_context(request)
    if team is None:
        raise Http404
    rows = team_selectors.team_rows(people)
    audit.record("team_exported", detail={"team": team.pk, "people": len(rows)})
    header = [_("Name"), _("Level"), _("Reasons"), _("Load against their usual"), _("Load against the role"),
              _("Days since last check-in"), _("Check-in completion, 30 days (%)"), _("Active flags"),
              _("Last welfare action"), _("Last welfare action on")]
    return exports.csv_response(f"team-{team.pk}-{timezone.localdate().isoformat()}.csv", header, (
        [str(r.person), r.level_label, "; ".join(r.categories), r.ratio_usual or "", r.ratio_role or "",
         r.days_since_checkin, r.completion, len(r.flags),
         r.last_action.get_kind_display() if r.last_action else "",
         timezone.localtime(r.last_action.recorded_at).date() if r.last_action else None]
        for r in rows))
