"""Call outcomes asked for per call (issue 18, docs/exposure.md): the incident reference check, and
each step of an `OutcomeRequest`'s life. The call handler asks (`outcome_request_create`), their
supervisor answers (`outcome_request_answer`: shared, or not available) and the call handler closes
it (`outcome_request_close`). Each step changes the row with a conditional UPDATE, so a double click
or a second tab changes nothing twice, and writes one audit event without any free text.

The reference and the answer are operational detail, shown only to the call handler and the
supervisor: never logged, never in a URL, never in an audit event or a notification."""

from __future__ import annotations

import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exposure.models import ExposureCategory, OutcomeRequest, ShiftLog
from portal import access, audit
from portal.language import user_language
from portal.notify import notification_send

REFERENCE_MIN, REFERENCE_MAX = 3, 40


def reference_error(organisation, value: str) -> str | None:
    """Why `value` is not an incident reference of `organisation`, or None if it is one. The message
    names the expected format: the organisation's example, or the length when it has no pattern."""
    pattern = organisation.incident_reference_pattern if organisation else ""
    fits_length = REFERENCE_MIN <= len(value) <= REFERENCE_MAX and value.isprintable()
    if not pattern:
        if fits_length:
            return None
        return _("Enter the incident reference as 3 to 40 letters, numbers or symbols, on one line.")
    try:
        matches = fits_length and re.fullmatch(pattern, value) is not None
    except re.error:  # a broken pattern must not stop a call handler: the admin form checks it too
        matches = fits_length
    if matches:
        return None
    if organisation.incident_reference_example:
        return _("Enter the incident reference in your organisation's format, for example %(example)s.") % {
            "example": organisation.incident_reference_example}
    return _("Enter the incident reference in your organisation's format.")


def outcome_request_create(*, shift: ShiftLog, category: ExposureCategory, reference: str,
                           detail_wanted: str) -> OutcomeRequest:
    """The call handler asks for the outcome of one call of `shift` (already theirs, checked by the
    caller through `portal.access`; the reference already validated by the form). Their supervisors
    are told that there is a request to answer, with nothing about the call or the person."""
    with transaction.atomic():
        request = OutcomeRequest.objects.create(officer_id=shift.officer_id, shift=shift, category=category,
                                                reference=reference, detail_wanted=detail_wanted)
        audit.record("outcome_requested", actor=shift.officer, subject=shift.officer_id, obj=request,
                     detail={"shift": shift.pk, "category": category.code, "detail_wanted": detail_wanted})
        link = reverse("team:outcome-request", args=[request.pk])
        for supervisor in access.supervisors_of(shift.officer):
            with user_language(supervisor):
                title = _("Someone in your team asked about the outcome of a call")
            notification_send(user=supervisor, title=title, link=link,
                              dedupe_key=f"outcome_request:{request.pk}:asked", email=True)
    return request


def outcome_request_answer(*, request: OutcomeRequest, by, shared: bool, text: str, now=None) -> bool:
    """The supervisor records what was shared (`shared`, with `text`) or that the outcome is not
    available (`text`: an optional reason). Only an open request can be answered; returns False if it
    was not open any more. The call handler is told, with nothing about the call in the title."""
    status = OutcomeRequest.Status.SHARED if shared else OutcomeRequest.Status.NOT_AVAILABLE
    now = now or timezone.now()
    with transaction.atomic():
        changed = OutcomeRequest.objects.filter(pk=request.pk, status=OutcomeRequest.Status.OPEN).update(
            status=status, answer=text, answered_at=now, answered_by=by)
        if not changed:
            return False
        action = "outcome_shared" if shared else "outcome_not_available"
        audit.record(action, actor=by, subject=request.officer_id, obj=request)
        officer = request.officer
        with user_language(officer):
            title = _("There is an answer to an outcome you asked about")
        notification_send(user=officer, title=title, link=reverse("exposure:outcomes"),
                          dedupe_key=f"outcome_request:{request.pk}:answered", email=True)
    return True


def outcome_request_close(*, request: OutcomeRequest, by, now=None) -> bool:
    """The call handler closes their own request (answered, or no longer wanted). Returns False if it
    was already closed."""
    with transaction.atomic():
        changed = (OutcomeRequest.objects.filter(pk=request.pk, officer=by)
                   .exclude(status=OutcomeRequest.Status.CLOSED)
                   .update(status=OutcomeRequest.Status.CLOSED, closed_at=now or timezone.now()))
        if changed:
            audit.record("outcome_request_closed", actor=by, subject=by, obj=request)
    return bool(changed)
