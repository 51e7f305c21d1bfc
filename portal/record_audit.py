"""Every create, update and delete of the records people's wellbeing rests on writes an audit
event: who (the signed-in user of the request, when there is one), what (model and action),
whose record, when and from where. Never the content.

Views and services that already audit an action in their own words (flags raised, acknowledged,
escalated; welfare actions; OH casework) keep doing so; the models here are the ones whose saves
would otherwise pass silently. Bulk writes skip signals, so the risk sweep audits its new
assessments itself (`audit.record_many`)."""

from __future__ import annotations

import operator

from django.db.models.signals import post_delete, post_save

from portal import audit

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


def _record(instance, action: str, subject_path: str) -> None:
    try:
        subject_id = operator.attrgetter(subject_path)(instance)
    except Exception:  # a half-deleted parent: record the event without its subject
        subject_id = None
    audit.record(f"{instance._meta.label_lower}_{action}", subject=subject_id, obj=instance)


def _saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        _record(instance, "created" if created else "updated", AUDITED_MODELS[sender._meta.label])


def _deleted(sender, instance, **kwargs):
    _record(instance, "deleted", AUDITED_MODELS[sender._meta.label])


def connect() -> None:
    from django.apps import apps

    for label in AUDITED_MODELS:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"audit-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit-delete-{label}")
