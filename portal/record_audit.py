"""Every create, update and delete of the records people's wellbeing rests on writes an audit
event: who (the signed-in user of the request, when there is one), what (model and action),
whose record, when and from where. Never the content.

Views and services that already audit an action in their own words (flags raised, acknowledged,
escalated; welfare actions; OH casework) keep doing so; the models here are the ones whose saves
would otherwise pass silently. Bulk writes skip signals, so the risk sweep audits its new
assessments itself (`audit_bulk`)."""

from __future__ import annotations

import contextvars
import operator

from django.db.models.signals import post_delete, post_save

from portal.models import AuditEvent

_request = contextvars.ContextVar("audited_request", default=None)

# "app_label.ModelName" -> path from the record to the id of the person it is about
AUDITED_MODELS = {
    "exposure.ShiftLog": "officer_id",
    "exposure.Exposure": "officer_id",
    "exposure.CorrectionNote": "shift.officer_id",
    "wellbeing.CheckIn": "officer_id",
    "training.Assignment": "person_id",
    "training.QuizAttempt": "assignment.person_id",
    "training.Completion": "person_id",
    "training.Feedback": "completion.person_id",
}


class AuditRequestMiddleware:
    """Makes the current request (its user and address) known to the save signals below."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def _actor_and_ip():
    request = _request.get()
    if request is None:
        return None, None
    user = getattr(request, "user", None)
    return (user if user is not None and user.is_authenticated else None), request.META.get("REMOTE_ADDR")


def _event(instance, action: str, subject_path: str) -> AuditEvent:
    actor, ip = _actor_and_ip()
    try:
        subject_id = operator.attrgetter(subject_path)(instance)
    except Exception:  # a half-deleted parent: record the event without its subject
        subject_id = None
    return AuditEvent(action=f"{instance._meta.label_lower}_{action}", actor=actor, subject_id=subject_id,
                      object_type=instance._meta.label_lower, object_id=str(instance.pk), ip_address=ip)


def _saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        _event(instance, "created" if created else "updated", AUDITED_MODELS[sender._meta.label]).save()


def _deleted(sender, instance, **kwargs):
    _event(instance, "deleted", AUDITED_MODELS[sender._meta.label]).save()


def audit_bulk(instances, action: str, subject_path: str) -> None:
    """One audit event per instance written in bulk (bulk_create sends no signals)."""
    AuditEvent.objects.bulk_create([_event(i, action, subject_path) for i in instances])


def connect() -> None:
    from django.apps import apps

    for label in AUDITED_MODELS:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"audit-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit-delete-{label}")
