"""Automatic assignment when someone joins a team (or takes a high-risk role in one).

Connected in TrainingConfig.ready(). The old team and role are read before the save so that only
a real change triggers the rules; saves that do not touch team or role (sign-ins update
last_login) cost nothing."""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal

from portal.models import User

WATCHED = {"team", "team_id", "high_risk_role"}

# Sent by the daily sweep (`training.tasks.sweep_critical_incidents`) with `since` (an aware
# datetime). A receiver returns the critical incidents recorded since then as (person id, time of
# the incident) pairs. Wellbeing answers with its TRiM cases (WellbeingConfig.ready), so training
# never imports the app above it; with no receiver the sweep recommends nothing.
recent_critical_incidents = Signal()


def _remember_old(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not WATCHED.intersection(update_fields):
        instance._training_changed = False
        return
    if instance.pk is None:
        instance._training_changed = True
        return
    old = User.objects.filter(pk=instance.pk).values("team_id", "high_risk_role").first()
    instance._training_changed = old is None or (
        old["team_id"] != instance.team_id or old["high_risk_role"] != instance.high_risk_role
    )


def _apply_rules(sender, instance, **kwargs):
    if not getattr(instance, "_training_changed", False) or not instance.team_id:
        return
    instance._training_changed = False
    person_id = instance.pk

    def run():
        from training.services import auto_assign_for_person

        person = User.objects.filter(pk=person_id).first()
        if person is not None:
            auto_assign_for_person(person=person)

    transaction.on_commit(run)


def connect():
    pre_save.connect(_remember_old, sender=User, dispatch_uid="training_remember_old_team")
    post_save.connect(_apply_rules, sender=User, dispatch_uid="training_apply_rules")
