from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal import access
from portal import notices as who_sees
from portal.access import area_required
from portal.language import instrument_language
from wellbeing import instruments
from wellbeing.checkins import availability, selectors, services
from wellbeing.checkins.forms import CheckInForm, SharingForm, TokenProblem, submission_from_token, submission_token
from wellbeing.instruments.schedule import DUE, OVERDUE, UPCOMING
from wellbeing.models import CheckIn, Flag, RiskAssessment
from wellbeing.risk.reasons import REASONS

URGENT_SESSION_KEY = "wellbeing_support_after_checkin"


@area_required("wellbeing")
def index(request):
    checkins = access.scope(request.user, CheckIn.objects.all())
    now = timezone.now()
    due = selectors.due_for(request.user, now=now)
    page = Paginator(selectors.history(checkins), 20).get_page(request.GET.get("page"))
    trends = selectors.trends(checkins, now=now)
    rows = [{"item": i, "name": instruments.INSTRUMENTS[i.instrument].short_name} for i in due]
    return render(request, "wellbeing/checkins/index.html", {
        "overdue": [r for r in rows if r["item"].status == OVERDUE],
        "due": [r for r in rows if r["item"].status == DUE],
        "upcoming": [r for r in rows if r["item"].status == UPCOMING],
        "instruments": instruments.INSTRUMENTS.values(),
        "page": page,
        "trends": trends,
        "my_level": _my_level(request.user),
    })


# What each level means, said to the officer themself: calm words, never a diagnosis.
LEVEL_WORDS = {
    "green": gettext_lazy("Nothing in what you have logged suggests extra support is needed right now."),
    "amber": gettext_lazy("Some things you have logged are worth keeping an eye on. Your supervisor or occupational "
                "health may get in touch for a quick chat; you can also reach out to them first."),
    "red": gettext_lazy("What you have logged suggests it would help to talk to someone soon. Occupational health or "
              "your supervisor will be in touch, and the support below is there for you now."),
    "urgent": gettext_lazy("Please talk to someone today. Occupational health has been told and will contact you; if "
                 "you feel at risk right now, use the contacts below."),
}


def _my_level(user) -> dict | None:
    """The officer's own current assessment, in words, with the reasons they can read about
    themselves (the officer may always see all of their own reasons)."""
    assessment = RiskAssessment.objects.filter(officer=user, is_current=True).first()
    if assessment is None:
        return None
    return {
        "level": assessment.level,
        "label": assessment.get_level_display(),
        "words": LEVEL_WORDS[assessment.level],
        "reasons": [str(REASONS[r["code"]].officer_text) for r in assessment.reasons if r["code"] in REASONS],
        "computed_at": assessment.refreshed_at or assessment.computed_at,
    }


def _instrument_or_404(code: str):
    try:
        return instruments.get(code)
    except instruments.InvalidAnswers as exc:
        raise Http404 from exc


@area_required("wellbeing")
def checkin(request, code: str):
    instrument = _instrument_or_404(code)
    officer = request.user  # area_required let only an officer in; a check-in is always their own
    token_problem = None
    notices = who_sees.notices_for(officer)
    if request.method == "POST":
        form = CheckInForm(request.POST, instrument=instrument, notices=notices)
        submission = None
        try:
            submission = submission_from_token(request.POST.get("submission", ""), officer_id=officer.pk,
                                               instrument=instrument)
        except TokenProblem as problem:
            token_problem = problem.message
        if form.is_valid() and submission is not None:
            try:
                saved, created = services.checkin_record(
                    officer=officer, instrument=instrument.code, answers=form.answers(), safety=form.safety(),
                    comment=form.cleaned_data["comment"],
                    share_comment_with_oh=form.cleaned_data["share_comment_with_oh"], submission=submission,
                )
            except services.SubmissionReused:
                token_problem = _("We could not check this form. Your answers are still here: please submit again.")
            else:
                if not created:
                    messages.info(request, _("You had already sent this check-in; it was saved once."))
                if saved.urgent:
                    request.session[URGENT_SESSION_KEY] = saved.pk
                    return redirect("wellbeing:support")
                if created:
                    messages.success(request, _("Thank you. Your check-in is saved."))
                return redirect("wellbeing:result", pk=saved.pk)
    else:
        form = CheckInForm(instrument=instrument, notices=notices)
    return render(request, "wellbeing/checkins/checkin_form.html", {
        "form": form, "instrument": instrument, "token_problem": token_problem,
        # A fresh token after any problem: nothing was saved, so the next submit may save once.
        "token": submission_token(officer_id=officer.pk, instrument=instrument),
        "notice": notices["checkin"],
        # Validated questionnaires stay in English unless their owner's translation is loaded
        # (none is yet); a reader of another language gets a note saying why.
        "item_language": instrument_language(validated=()) if instrument.validated else None,
    })


def _oh_status(user) -> availability.OhStatus:
    """Whether the person's occupational health is working now (Europe/London), and when it next opens."""
    organisation = user.organisation
    hours = None
    if organisation is not None:
        hours = availability.OhHours(organisation.oh_opens_at, organisation.oh_closes_at,
                                     organisation.oh_open_weekends)
    return availability.oh_status(timezone.now(), hours)


def _next_steps(user, checkin) -> dict:
    """What happens after an urgent answer, for the result and support pages (hazards H6, H8): who
    has been told, that OH will contact them (or has followed it up), and when OH works."""
    status = _oh_status(user)
    # "OH will contact you" stays true until OH has closed the urgent flag (with an outcome) since.
    flags = Flag.objects.filter(officer=user, urgent=True)
    followed_up = not flags.filter(status__in=Flag.ACTIVE).exists() and flags.filter(
        status=Flag.Status.CLOSED, closed_at__gte=checkin.completed_at).exists()
    return {"status": status, "hours_text": availability.hours_text(status.hours), "followed_up": followed_up,
            "safety_question": checkin.instrument != "phq9"}


def _contacts(user, status: availability.OhStatus | None) -> list:
    contacts = selectors.support_contacts_for(user)
    if status is None:
        return contacts
    return availability.crisis_first(contacts, oh_open=status.open_now)


@area_required("wellbeing")
def result(request, pk: int):
    checkin = access.get_own_or_404(request.user, CheckIn.objects.all(), pk)
    notices = who_sees.notices_for(request.user)
    definition = checkin.definition
    answers = [
        {"number": item.number, "text": item.text, "answer": definition.option_label(value)}
        for item, value in zip(definition.items, checkin.answers, strict=False)
    ]
    checkins = access.scope(request.user, CheckIn.objects.all())
    # An urgent check-in is never summarised by a band ("Minimal: few or no symptoms"): hazard H6.
    next_steps = _next_steps(request.user, checkin) if checkin.urgent else None
    return render(request, "wellbeing/checkins/result.html", {
        "checkin": checkin, "definition": definition, "answers": answers,
        "band": None if checkin.urgent else checkin.band_info,
        "next_steps": next_steps,
        "trends": selectors.trends(checkins, now=timezone.now(), instrument=checkin.instrument),
        "contacts": _contacts(request.user, next_steps["status"] if next_steps else None),
        "sharing_form": SharingForm(initial={"share_comment_with_oh": checkin.share_comment_with_oh}),
        # Who sees what: the very words of the form (portal.who_sees.notices_for), not a paraphrase.
        "notice": notices["checkin"], "comment_notice": notices["checkin_comment"],
        "all_comments_to_oh": access.all_comments_for_oh(request.user),
    })


@require_POST
@area_required("wellbeing")
def sharing(request, pk: int):
    checkin = access.get_own_or_404(request.user, CheckIn.objects.all(), pk)
    form = SharingForm(request.POST)
    if form.is_valid() and checkin.comment:
        services.checkin_set_sharing(checkin=checkin, share=form.cleaned_data["share_comment_with_oh"])
        if checkin.share_comment_with_oh:
            messages.success(request, _("Your comment is now shared with occupational health."))
        else:
            messages.success(request, _("Your comment is now private to you."))
    return redirect("wellbeing:result", pk=checkin.pk)


@area_required("wellbeing")
def support(request):
    after_checkin = request.session.pop(URGENT_SESSION_KEY, None)
    if after_checkin is not None:
        after_checkin = access.scope(request.user, CheckIn.objects.only("id", "officer_id", "instrument",
                                                                         "completed_at")).filter(
            pk=after_checkin).first()
    next_steps = _next_steps(request.user, after_checkin) if after_checkin is not None else None
    return render(request, "wellbeing/checkins/support.html", {
        "contacts": _contacts(request.user, next_steps["status"] if next_steps else None),
        "after_checkin": after_checkin,
        "next_steps": next_steps,
    })
