"""Officer pages of the exposure area: history and chart, logging and editing shifts, correction
notes, and the CSE viewing timer. Every record is fetched through `portal.access` (own only)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exposure import fieldsets, role_forms, selectors, services, shift_times
from exposure.display import describe, length_text
from exposure.forms import (
    DEFAULT_LENGTH_MINUTES,
    DEFAULT_START,
    CorrectionForm,
    HistoryFilterForm,
    ShiftForm,
    ViewingPreferenceForm,
)
from exposure.models import (
    ShiftChange,
    ShiftLog,
    ViewingPolicy,
    ViewingPreference,
    ViewingSession,
)
from portal import roles
from portal.access import area_required, get_own_or_404, scope
from portal.notices import notices_for

PAGE_SIZE = 20


def _offered(user, also: str = "") -> list[roles.Role]:
    """The roles the officer may log a shift in (their organisation's and everyone's, active), and
    `also` (the role of a shift being edited) even if it is no longer offered."""
    offered = roles.offered_kept(user.organisation_id)
    if also and also not in {r.code for r in offered}:
        offered += list(roles.Role.objects.filter(code=also))
    return offered


def _own_role(user, offered: list[roles.Role] | None = None) -> str:
    codes = [r.code for r in (offered if offered is not None else _offered(user))]
    if user.high_risk_role in codes or not codes:
        return user.high_risk_role
    return codes[0]


def _defaults(user) -> tuple:
    """Start time and length for a new shift: those of the officer's last shift, or 07:00 for 8 hours."""
    last = selectors.last_shift(scope(user, ShiftLog.objects.all()))
    if last is None:
        return DEFAULT_START, DEFAULT_LENGTH_MINUTES
    return last.start_time, last.duration_minutes


@area_required("exposure")
def index(request: HttpRequest) -> HttpResponse:
    shifts = scope(request.user, ShiftLog.objects.all())
    offered = _offered(request.user)
    filters = HistoryFilterForm(request.GET or None, role_choices=[(r.code, r.display_name) for r in offered])
    criteria = filters.cleaned_data if filters.is_valid() else {}
    history = selectors.shift_history(shifts, role=criteria.get("role", ""), date_from=criteria.get("date_from"),
                                      date_to=criteria.get("date_to"))
    page = Paginator(history, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(criteria.values())
    query = request.GET.copy()
    query.pop("page", None)
    now = timezone.now()
    today = shift_times.local_date(now)
    candidates, (start, length) = _last_shift_candidates(request.user, now)
    if candidates:
        start, length = candidates[0].start, candidates[0].minutes
    role = _own_role(request.user, offered)
    # "Your recent exposure" (its sentence, chart and table) is wellbeing's `own_exposure_load` tag: the
    # sentence words the officer's current risk assessment, with the rules in force.
    return render(request, "exposure/index.html", {
        "page": page, "query": query.urlencode(), "filters": filters,
        "has_shifts": shifts.exists() if filtered else page.paginator.count > 0, "filtered": filtered,
        "quick": {"start": start, "length": length_text(length), "role": roles.label(role),
                  "date": candidates[0].day if candidates else shift_times.likely_shift_date(now, start),
                  "ambiguous": len(candidates) > 1},
        "is_reviewer": role == "cse_review" or request.user.high_risk_role == "cse_review",
        "is_call_handler": role == "call_handling",
        "today": today,
    })


def _role_forms(offered, *, definitions: tuple[dict, dict], selected: str, data=None, initial_selected=None,
                shift_minutes=None):
    """The shift form of each role offered (hand-made for the shipped ones, generated for the others).
    `definitions`: the roles' categories and rubrics (`_definitions`)."""
    categories, rubrics = definitions
    forms = {}
    for role in offered:
        code = role.code
        kwargs = {"categories": categories.get(code, []), "rubric": rubrics.get(code, {}),
                  "shift_minutes": shift_minutes}
        if code == selected and data is not None:
            forms[code] = role_forms.build(role, data, **kwargs)
        else:
            forms[code] = role_forms.build(role, initial=initial_selected if code == selected else None, **kwargs)
    return forms


def _definitions(roles: list[str] | None = None) -> tuple[dict, dict]:
    """The categories and intensity rubrics of every role (of `roles` only, when given)."""
    return selectors.categories_by_role(roles), selectors.rubrics_by_role(roles)


def _fieldsets(offered, forms: dict, definitions) -> list:
    categories, rubrics = definitions
    return [fieldsets.render(role, forms[role.code], categories=categories.get(role.code, []),
                             rubric=rubrics.get(role.code, {})) for role in offered]


def _session_for(request, session_id) -> ViewingSession | None:
    if not session_id:
        return None
    return get_own_or_404(request.user, ViewingSession.objects.all(), session_id)


def _save(request, *, shift: ShiftLog | None, role: roles.Role, shift_form, role_form,
          nothing_notable: bool) -> ShiftLog:
    """Save the valid shift form and the chosen role's answers: a new shift, or the changes to `shift`."""
    session = None
    if role.code == "cse_review" and not nothing_notable:
        session = _session_for(request, role_form.cleaned_data.get("session"))
    args = {
        "shift_date": shift_form.cleaned_data["shift_date"],
        "start_time": shift_form.cleaned_data["start_time"],
        "duration_minutes": shift_form.duration_minutes, "role": role.code, "weights": services.weights_of(role),
        "entries": [] if nothing_notable else role_form.entries(),
        "detail": {} if nothing_notable else role_form.shift_detail(),
        "nothing_notable": nothing_notable, "session": session,
    }
    if shift is None:
        saved = services.shift_create(officer=request.user, **args)
        messages.success(request, _("Shift saved."))
    else:
        saved = services.shift_update(shift=shift, actor=request.user, **args)
        messages.success(request, _("Changes saved."))
    return saved


def _shift_form_page(request: HttpRequest, *, shift: ShiftLog | None) -> HttpResponse:
    user = request.user
    offered = _offered(user, also=shift.role if shift is not None else "")
    codes = {r.code: r for r in offered}
    choices = [(r.code, r.display_name) for r in offered]  # the edited shift's role too, if no longer offered
    if request.method == "POST":
        shift_form = ShiftForm(request.POST, officer=user, instance=shift, role_choices=choices)
        role = request.POST.get("role") if request.POST.get("role") in codes else _own_role(user, offered)
        nothing_notable = "nothing_notable" in request.POST
        shift_ok = shift_form.is_valid()
        minutes = shift_form.duration_minutes if shift_ok else None
        # Only the chosen role's answers are read, without its rubric (words for the levels, which a
        # save does not need); the other roles' forms are built only to show the page again.
        role_form = _role_forms([codes[role]], selected=role, data=request.POST, shift_minutes=minutes,
                                definitions=(selectors.categories_by_role([role]), {}))[role]
        role_ok = nothing_notable or role_form.is_valid()
        if shift_ok and role_ok:
            saved = _save(request, shift=shift, role=codes[role], shift_form=shift_form, role_form=role_form,
                          nothing_notable=nothing_notable)
            return redirect(reverse("exposure:detail", args=[saved.pk]))
        # The page's error summary lists each problem (templates/portal/_error_summary.html).
        definitions = _definitions()
        role_form.label_intensity(definitions[1].get(role, {}))
        others = _role_forms([r for r in offered if r.code != role], selected=role, definitions=definitions)
        forms = {r.code: role_form if r.code == role else others[r.code] for r in offered}
    else:
        role = request.GET.get("role") if request.GET.get("role") in codes else _own_role(user, offered)
        role_initial = None
        if shift is not None:
            role = shift.role
            exposures = list(shift.exposures.select_related("category").order_by("id"))
            shift_initial = ShiftForm.initial_from(shift)
            role_initial = role_forms.initial_from(codes[role], shift, exposures)
        else:
            start, length = _defaults(user)
            # The shift the officer most likely means: after a night shift, the one that started last night.
            shift_initial = {"shift_date": shift_times.likely_shift_date(timezone.now(), start), "start_time": start,
                             "length_hours": length / 60, "role": role}
            session = _session_for(request, request.GET.get("session"))
            if session is not None:
                role = shift_initial["role"] = "cse_review"
                shift_initial["shift_date"], shift_initial["start_time"] = shift_times.session_prefill(
                    session.started_at)
                role_initial = {"minutes": session.viewed_minutes, "session": session.pk,
                                "mitigations": ["breaks"] if session.break_count else []}
        shift_form = ShiftForm(initial=shift_initial, officer=user, instance=shift, role_choices=choices)
        definitions = _definitions()
        forms = _role_forms(offered, selected=role, initial_selected=role_initial, definitions=definitions)
    return render(request, "exposure/shift_form.html", {
        "shift": shift, "shift_form": shift_form, "role_forms": forms, "selected_role": role,
        "role_fieldsets": _fieldsets(offered, forms, definitions), "notice": notices_for(request.user)["exposure"],
    })


@area_required("exposure")
def shift_new(request: HttpRequest) -> HttpResponse:
    return _shift_form_page(request, shift=None)


@area_required("exposure")
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_own_or_404(request.user, ShiftLog.objects.all(), pk)
    if not shift.is_editable():
        messages.error(request, _("This shift is more than 7 days old, so it can no longer be changed. "
                                  "You can add a correction note instead."))
        return redirect(reverse("exposure:detail", args=[shift.pk]))
    return _shift_form_page(request, shift=shift)


def _detail_context(request, shift: ShiftLog, correction_form) -> dict:
    exposures = list(shift.exposures.select_related("category").order_by("id"))
    names = {c.code: c.display_name for cats in selectors.categories_by_role().values() for c in cats}
    history = ShiftChange.objects.filter(shift_id=shift.pk, officer=request.user).select_related("actor")
    return {
        "shift": shift, "exposures": [(e, describe(e, names)) for e in exposures],
        "history": history.order_by("at", "id"), "editable": shift.is_editable(),
        "corrections": shift.corrections.all(), "correction_form": correction_form,
        "notice": notices_for(request.user)["exposure"],
    }


@area_required("exposure")
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_own_or_404(request.user, ShiftLog.objects.all(), pk)
    return render(request, "exposure/shift_detail.html", _detail_context(request, shift, CorrectionForm()))


@area_required("exposure")
def shift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_own_or_404(request.user, ShiftLog.objects.all(), pk)
    if not shift.is_editable():
        messages.error(request, _("This shift is more than 7 days old, so it can no longer be deleted. "
                                  "You can add a correction note instead."))
        return redirect(reverse("exposure:detail", args=[shift.pk]))
    if request.method == "POST":
        services.shift_delete(shift=shift, actor=request.user)
        messages.success(request, _("Shift deleted. A record of it stays in your history."))
        return redirect(reverse("exposure:index"))
    return render(request, "exposure/shift_delete.html", {"shift": shift})


@area_required("exposure")
@require_POST
def correction_add(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_own_or_404(request.user, ShiftLog.objects.all(), pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        services.shift_correction_add(shift=shift, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Correction note added."))
        return redirect(reverse("exposure:detail", args=[shift.pk]))
    return render(request, "exposure/shift_detail.html", _detail_context(request, shift, form), status=400)


def _last_shift_candidates(user, now) -> tuple[list[shift_times.Candidate], tuple]:
    """The shifts "Nothing notable on my last shift" may mean (see shift_times.last_shift_candidates),
    and the usual start and length (those of the last shift logged, or 07:00 for 8 hours)."""
    shifts = scope(user, ShiftLog.objects.all())
    history = selectors.usual_patterns(shifts)
    patterns = history or [(DEFAULT_START, DEFAULT_LENGTH_MINUTES)]
    since = shift_times.local_date(now) - timedelta(days=4)
    return shift_times.last_shift_candidates(now, patterns, selectors.logged_intervals(shifts, since),
                                             guessed=not history), patterns[0]


def _log_nothing_notable(request: HttpRequest, *, day, start, minutes: int, now) -> HttpResponse:
    form = ShiftForm(
        {"shift_date": day.isoformat(), "start_time": start.strftime("%H:%M"),
         "length_hours": str(minutes / 60), "role": _own_role(request.user)},
        officer=request.user, now=now,
    )
    if not form.is_valid():
        messages.error(request, _("You have already logged a shift at that time on %(date)s. Log this one with its "
                                  "own date and start time below.") % {"date": date_format(day, "l j F")})
        return redirect(reverse("exposure:new"))
    services.shift_create(
        officer=request.user, shift_date=form.cleaned_data["shift_date"], start_time=form.cleaned_data["start_time"],
        duration_minutes=form.duration_minutes, role=form.cleaned_data["role"], entries=[], nothing_notable=True,
    )
    messages.success(request, _("Your shift of %(date)s from %(start)s is logged: nothing notable.") % {
        "date": date_format(day, "l j F"), "start": start.strftime("%H:%M")})
    return redirect(reverse("exposure:index"))


@area_required("exposure")
@require_POST
def nothing_notable(request: HttpRequest) -> HttpResponse:
    """One click: the shift most recently started (last night's after a night shift, never a future
    one), at the usual start and length, in the officer's own role. When more than one recent shift
    is unlogged (a day shift just finished and last night's too), a question asks which (issue 17)."""
    now = timezone.now()
    candidates, (start, length) = _last_shift_candidates(request.user, now)
    chosen = request.POST.get("shift")
    if chosen is not None or len(candidates) > 1:
        picked = shift_times.candidate_for_key(chosen or "", candidates)
        if picked is None:
            return render(request, "exposure/nothing_notable_choose.html", {
                "choices": [(c, length_text(c.minutes)) for c in candidates], "error": chosen is not None,
                "role": roles.label(_own_role(request.user)),
            }, status=400 if chosen is not None else 200)
        candidates = [picked]
    if candidates:
        day, start, length = candidates[0].day, candidates[0].start, candidates[0].minutes
    else:  # nothing left to log: the usual shift, which the form refuses with the date it overlaps
        day = shift_times.likely_shift_date(now, start)
    return _log_nothing_notable(request, day=day, start=start, minutes=length, now=now)


# --- CSE viewing timer --------------------------------------------------------------------------


def _viewing_state(request, session: ViewingSession | None) -> dict:
    now = timezone.now()
    rhythm = selectors.viewing_rhythm(request.user)
    today = selectors.viewed_seconds_today(scope(request.user, ViewingSession.objects.all()), now=now)
    state = {
        "view_seconds": rhythm.view_minutes * 60, "break_seconds": rhythm.break_minutes * 60,
        "daily_limit_seconds": rhythm.daily_limit_minutes * 60, "today_seconds": today,
        "session": None,
    }
    if session is not None:
        segment = max(0, int((now - session.segment_started_at).total_seconds()))
        state["session"] = {
            "id": session.pk, "state": session.state, "viewed_seconds": session.viewed_seconds_at(now),
            "segment_seconds": segment, "break_count": session.break_count,
            "urls": {name: reverse(f"exposure:viewing-{name}", args=[session.pk])
                     for name in ("break", "resume", "stop")},
        }
    return state


@area_required("exposure")
def viewing(request: HttpRequest) -> HttpResponse:
    sessions = scope(request.user, ViewingSession.objects.all())
    session = selectors.open_session(sessions)
    rhythm = selectors.viewing_rhythm(request.user)
    pref_form = ViewingPreferenceForm(initial={"view_minutes": rhythm.view_minutes,
                                               "break_minutes": rhythm.break_minutes},
                                      policy=ViewingPolicy.for_organisation(request.user.organisation_id))
    state = _viewing_state(request, session)
    return render(request, "exposure/viewing.html", {
        "session": session, "state": state, "today_minutes": state["today_seconds"] // 60, "rhythm": rhythm,
        "pref_form": pref_form,
        "recent": sessions.filter(state=ViewingSession.State.STOPPED)[:5],
    })


def _viewing_reply(request, session):
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(_viewing_state(request, session))
    return redirect(reverse("exposure:viewing"))


@area_required("exposure")
@require_POST
def viewing_start(request: HttpRequest) -> HttpResponse:
    session = services.viewing_session_start(officer=request.user)
    return _viewing_reply(request, session)


@area_required("exposure")
@require_POST
def viewing_break(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_own_or_404(request.user, ViewingSession.objects.all(), pk)
    return _viewing_reply(request, services.viewing_session_break(session=session))


@area_required("exposure")
@require_POST
def viewing_resume(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_own_or_404(request.user, ViewingSession.objects.all(), pk)
    return _viewing_reply(request, services.viewing_session_resume(session=session))


@area_required("exposure")
@require_POST
def viewing_stop(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_own_or_404(request.user, ViewingSession.objects.all(), pk)
    session = services.viewing_session_stop(session=session)
    url = reverse("exposure:new") + f"?role=cse_review&session={session.pk}"
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({**_viewing_state(request, None), "next": url})
    return redirect(url)


@area_required("exposure")
@require_POST
def viewing_preference(request: HttpRequest) -> HttpResponse:
    form = ViewingPreferenceForm(request.POST, policy=ViewingPolicy.for_organisation(request.user.organisation_id))
    if form.is_valid():
        preference = ViewingPreference.objects.filter(officer=request.user).first() or \
            ViewingPreference(officer=request.user)
        preference.view_minutes = form.cleaned_data["view_minutes"]
        preference.break_minutes = form.cleaned_data["break_minutes"]
        try:
            preference.full_clean()  # the model's own check as well (hazard H9)
        except ValidationError as problems:
            for field, errors in problems.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            with transaction.atomic():
                preference.save()
            messages.success(request, _("Your break rhythm is saved."))
            return redirect(reverse("exposure:viewing"))
    sessions = scope(request.user, ViewingSession.objects.all())
    session = selectors.open_session(sessions)
    state = _viewing_state(request, session)
    return render(request, "exposure/viewing.html", {
        "session": session, "state": state, "today_minutes": state["today_seconds"] // 60,
        "rhythm": selectors.viewing_rhythm(request.user), "pref_form": form,
        "recent": sessions.filter(state=ViewingSession.State.STOPPED)[:5],
    }, status=400)
