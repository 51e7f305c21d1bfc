"""Learner views at /training/: assignments, lessons, the knowledge check, feedback and the
certificate. Every object is fetched as the learner's own (another person's looks like none)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal import access, notices
from portal.access import area_required
from training import selectors, services
from training.forms import FeedbackForm, QuizForm
from training.models import Assignment, Completion, Feedback
from training.rendering import Citations, render_markdown


def _shipped(assignment: Assignment, version) -> bool:
    """Text loaded from the content files of a module the portal ships (no organisation owns it),
    which carries the "what this is and is not" notice. A trainer's copy belongs to their organisation."""
    return assignment.module.organisation_id is None and version.source == version.Source.FILE


def _own_assignment(request: HttpRequest, pk: int) -> Assignment:
    return access.get_own_or_404(
        request.user,
        Assignment.objects.select_related("module__current_version", "version"),
        pk,
        owner_field="person",
    )


@area_required("training")
def index(request: HttpRequest) -> HttpResponse:
    assignments = selectors.assignments_for_learner(request.user)
    open_ = [a for a in assignments if a.completed_at is None]
    done = [a for a in assignments if a.completed_at is not None]
    return render(request, "training/index.html", {
        "open_assignments": open_, "done_assignments": done, "notice": notices.NOTICES["training"],
    })


@area_required("training")
def module_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    version = services.version_for(assignment)
    lessons = list(version.lessons.all())
    viewed = selectors.viewed_lesson_ids(assignment)
    resume = next((lesson for lesson in lessons if lesson.pk not in viewed), None)
    citations = Citations(version.sources)
    return render(request, "training/module.html", {
        "assignment": assignment, "version": version, "lessons": lessons, "viewed": viewed,
        "resume": resume, "all_read": len(viewed) >= len(lessons), "shipped": _shipped(assignment, version),
        "introduction": render_markdown(version.introduction, citations), "citations": citations,
        "completion": Completion.objects.filter(assignment=assignment).first(),
    })


@area_required("training")
def lesson(request: HttpRequest, pk: int, order: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    version = services.version_for(assignment)
    current = get_object_or_404(version.lessons.all(), order=order)
    services.lesson_view_record(assignment=assignment, lesson=current)
    lessons = list(version.lessons.only("pk", "order", "title"))
    index = next(i for i, item in enumerate(lessons) if item.pk == current.pk)
    citations = Citations(version.sources)
    return render(request, "training/lesson.html", {
        "assignment": assignment, "version": version, "lesson": current,
        "body": render_markdown(current.body, citations), "citations": citations,
        "shipped": _shipped(assignment, version),
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "position": index + 1, "count": len(lessons),
    })


@area_required("training")
def quiz(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    if assignment.completed_at is not None:
        messages.info(request, _("You have already completed this module."))
        return redirect("training:module", pk=assignment.pk)
    if services.lessons_remaining(assignment):
        messages.warning(request, _("Please read every lesson before taking the knowledge check."))
        return redirect("training:module", pk=assignment.pk)
    version = services.version_for(assignment)
    questions = list(version.questions.prefetch_related("choices"))
    form = QuizForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            attempt, result = services.quiz_submit(assignment=assignment, answers=form.answers())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("training:module", pk=assignment.pk)
        wrong = [q for q in questions if q.pk in set(result.wrong)]
        citations = Citations(version.sources)
        for q in wrong:
            q.explanation_html = render_markdown(q.explanation, citations)
        return render(request, "training/quiz_result.html", {
            "assignment": assignment, "version": version, "result": result, "wrong": wrong, "citations": citations,
            "attempts": assignment.attempts.count(),
            "completion": Completion.objects.filter(assignment=assignment).first(),
        })
    return render(request, "training/quiz.html", {
        "assignment": assignment, "version": version, "form": form, "attempts": assignment.attempts.count(),
        "notice": notices.NOTICES["training"],
    })


@area_required("training")
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    completion = access.get_own_or_404(
        request.user, Completion.objects.select_related("module__current_version", "version"), pk,
        owner_field="person",
    )
    if Feedback.objects.filter(completion=completion).exists():
        messages.info(request, _("You have already given feedback on this module. Thank you."))
        return redirect("training:index")
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_create(
                completion=completion, satisfaction=form.cleaned_data["satisfaction"],
                would_recommend=form.cleaned_data["would_recommend"], comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect("training:index")
        messages.success(request, _("Thank you for your feedback."))
        return redirect("training:index")
    return render(request, "training/feedback.html", {
        "completion": completion, "form": form, "notice": notices.NOTICES["training"],
    })


@area_required("training")
def certificate(request: HttpRequest, code) -> HttpResponse:
    completion = get_object_or_404(
        access.scope(request.user, Completion.objects.select_related("person__organisation", "version"),
                     access.OWN, owner_field="person"),
        code=code,
    )
    return render(request, "training/certificate.html", {"completion": completion})


# ----------------------------------------------------------------------------- invitations

INVITATION_SESSION_KEY = "_training_invitation_token"
# The placeholder shown in the address once the real token is in the session.
INVITATION_URL_TOKEN = "set-password"  # noqa: S105 - a fixed placeholder, not a secret


def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The page an enrolled person reaches from their invitation email: set a first password.
    Public (they cannot sign in yet). As Django's password reset does, the token is moved from the
    address into the session at once, so it never appears in a later request, a Referer or a log."""
    from django.contrib.auth.forms import SetPasswordForm
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    from portal import audit
    from portal.models import User
    from training.invitations import invitation_tokens

    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if token != INVITATION_URL_TOKEN:
        if user is not None and invitation_tokens.check_token(user, token):
            request.session[INVITATION_SESSION_KEY] = token
            return redirect("training:invitation", uidb64=uidb64, token=INVITATION_URL_TOKEN)
        user = None
    else:
        session_token = request.session.get(INVITATION_SESSION_KEY, "")
        if user is None or not invitation_tokens.check_token(user, session_token):
            user = None
    if user is None:
        return render(request, "training/invitation.html", {"validlink": False})
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()  # the password hash changes, so the token is spent
        del request.session[INVITATION_SESSION_KEY]
        audit.record("training_invitation_accepted", actor=user, subject=user)
        messages.success(request, _("Your password is set. Sign in with your username, %(username)s.")
                         % {"username": user.username})
        return redirect("login")
    return render(request, "training/invitation.html", {"validlink": True, "form": form, "person": user})
