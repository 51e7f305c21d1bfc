"""Pages for flags that can be wrong: the officer's flags about them with their own context, the
supervisor's "close as not applicable or false alarm" (OH's is part of its close form, `oh.views`),
and the rules report for the wellbeing lead and OH (aggregates only, `/lead/`).

Every view fetches through `portal.access`: the officer only their own flags (`get_own_or_404`),
the supervisor through the team page's own fetch (`team.views._flag_or_404`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal import access, audit, exports, notices
from portal.access import area_required
from portal.exports import SUPPRESS_BELOW, SUPPRESSED
from portal.fetch_site import same_origin_reads
from portal.replica import reporting_view
from wellbeing.models import Flag
from wellbeing.review import selectors, services
from wellbeing.review.forms import FlagContextForm, FlagDismissForm
from wellbeing.review.report import WINDOWS, rules_report
from wellbeing.risk import flags as flag_life
from wellbeing.risk.reasons import HIDDEN_FROM_SUPERVISOR, REASONS, oh_label, reason
from wellbeing.team import views as team_views

MY_FLAGS_SHOWN = 50


def _own_flags(user):
    """The officer's flags that the rules raised. A flag raised by their own urgent request for help is
    not listed: it has no context to share with a supervisor, who never sees it (the request's own
    page says who was told)."""
    return (access.scope(user, Flag.objects.exclude(reason_code__in=HIDDEN_FROM_SUPERVISOR))
            .order_by("-raised_at", "-pk"))


@area_required("wellbeing")
def my_flags(request: HttpRequest) -> HttpResponse:
    flags = list(_own_flags(request.user)[:MY_FLAGS_SHOWN])
    return render(request, "wellbeing/review/my_flags.html", {
        "rows": [{"flag": f, "text": reason(f.reason_code).officer_text} for f in flags],
        "notice": notices.NOTICES["flag_context"],
    })


@area_required("wellbeing")
@same_origin_reads
def flag_context(request: HttpRequest, pk: int) -> HttpResponse:
    flag = access.get_own_or_404(request.user, Flag.objects.exclude(reason_code__in=HIDDEN_FROM_SUPERVISOR), pk)
    if request.method == "POST":
        data = request.POST.copy()
        if "withdraw" in data:
            data["text"] = ""
        form = FlagContextForm(data)
        if form.is_valid():
            done = services.flag_context_set(flag=flag, officer=request.user, text=form.cleaned_data["text"])
            messages.success(request, {
                services.ADDED: _("Your context was added. Your supervisor and occupational health can now see it."),
                services.CHANGED: _("Your context was changed."),
                services.WITHDRAWN: _("Your context was withdrawn. Nobody sees it any more."),
                services.UNCHANGED: _("Nothing was changed."),
            }[done])
            return redirect("wellbeing:flags")
        status = 400
    else:
        form, status = FlagContextForm(initial={"text": flag.officer_context}), 200
    return render(request, "wellbeing/review/flag_context.html", {
        "flag": flag, "text": reason(flag.reason_code).officer_text, "form": form,
        "notice": notices.NOTICES["flag_context"],
    }, status=status)


@require_POST
@area_required("team")
def team_flag_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor closes one of their own flags as not applicable or a false alarm."""
    flag = team_views._flag_or_404(request, pk)
    form = FlagDismissForm(request.POST, prefix="dismiss")
    if not form.is_valid():
        return team_views._render_flag(request, flag, team_views._welfare_form(flag), status=400,
                                       dismiss_form=form)
    try:
        done = flag_life.flag_dismiss(flag=flag, role=flag_life.SUPERVISOR, by=request.user,
                                      outcome=form.cleaned_data["outcome"], reason_text=form.cleaned_data["reason"])
    except flag_life.FlagNotPermitted as exc:
        return team_views._refuse(request, flag, exc)
    except ValidationError:  # the form checked both fields; kept for a caller that skips it
        return team_views._render_flag(request, flag, team_views._welfare_form(flag), status=400,
                                       dismiss_form=form)
    messages.success(request, _("Flag closed as not applicable or a false alarm.") if done
                     else _("This flag was already closed."))
    return redirect("team:flag", pk=flag.pk)


# ----------------------------------------------------------------------------- the rules report


def _report(request: HttpRequest):
    now = timezone.now()
    rows = selectors.report_rows(request.user, now=now)
    return rules_report(rows, now=now, codes=[c for c in REASONS if c not in HIDDEN_FROM_SUPERVISOR]), len(rows)


def _figure(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return str(SUPPRESSED)
    return f"{value}{unit}"


@area_required("lead")
@reporting_view
def rules_report_page(request: HttpRequest) -> HttpResponse:
    report, flags = _report(request)
    audit.list_viewed(page="rules_report", rows=len(report))
    return render(request, "wellbeing/review/rules_report.html", {
        "months": list(WINDOWS), "below": SUPPRESS_BELOW, "flags": flags,
        "can_see_help_counts": access.can_enter(request.user, "help_counts"),
        "rows": [{"code": code, "label": oh_label(code), "windows": [
            {"months": m, "raised": _figure(f.raised), "share": _figure(f.dismissed_share, "%"),
             "median": _figure(f.median_hours)} for m, f in windows.items()]} for code, windows in report],
    })


@area_required("lead")
@reporting_view
def rules_report_export(request: HttpRequest) -> HttpResponse:
    report, _flags = _report(request)
    audit.record("rules_report_exported", detail={"reasons": len(report), "format": "csv"})
    header = [_("Reason code"), _("Reason")]
    for months in WINDOWS:
        header += [ngettext("Flags raised, last %(n)d month",
                            "Flags raised, last %(n)d months", months) % {"n": months},
                   ngettext("Closed as not applicable or false alarm (%%), last %(n)d month",
                            "Closed as not applicable or false alarm (%%), last %(n)d months", months) % {"n": months},
                   ngettext("Median hours to acknowledge, last %(n)d month",
                            "Median hours to acknowledge, last %(n)d months", months) % {"n": months}]
    rows = ([code, str(oh_label(code)), *[v for f in windows.values() for v in
                                          (_figure(f.raised), _figure(f.dismissed_share), _figure(f.median_hours))]]
            for code, windows in report)
    return exports.csv_response(f"rules-report-{timezone.localdate().isoformat()}.csv", header, rows)
