"""Welfare actions: what a supervisor did for a person (talked, referred, rotated...).

Codes and dates only. There is deliberately no free-text note: anything written here would be read
by every later supervisor of the team, and the design lets free text reach occupational health only."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WelfareAction(models.Model):
    class Kind(models.TextChoices):
        WELFARE_CONVERSATION = "welfare_conversation", _("Welfare conversation")
        TRIM_REFERRAL = "trim_referral", _("TRiM referral")
        OH_REFERRAL = "oh_referral", _("Referral to occupational health")
        BREAK_OR_ROTATION = "break_or_rotation", _("Break or rotation from exposure")
        DECOMPRESSION = "decompression", _("Decompression time")
        PEER_SUPPORT = "peer_support", _("Peer support offered")
        SUPPORT_DECLINED = "support_declined", _("Support offered and declined")
        OTHER = "other", _("Other")

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="welfare_actions")
    flag = models.ForeignKey(
        "wellbeing.Flag", on_delete=models.SET_NULL, null=True, blank=True, related_name="welfare_actions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("what was done"), max_length=30, choices=Kind.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done = models.BooleanField(default=False)
    # Set when the reminder task claims the row (conditional UPDATE), so a rerun reminds nobody twice.
    follow_up_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["officer", "-recorded_at"], name="welfare_officer_latest"),
            models.Index(
                fields=["follow_up_on"], condition=models.Q(follow_up_done=False, follow_up_on__isnull=False),
                name="welfare_followup_open",
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.officer_id} at {self.recorded_at:%Y-%m-%d}"


class DeploymentFollowUp(models.Model):
    """A supervisor's mark that they debriefed and checked in with someone after a firearms or
    counter-terrorism deployment logged without a defined task (issue 18). Who and when only: like a
    welfare action, no free text, because every later supervisor of the team reads it. One mark per
    deployment (the unique exposure), so a double click or a second tab records it once."""

    exposure = models.OneToOneField("exposure.Exposure", on_delete=models.CASCADE, related_name="follow_up")
    # The person, kept beside the exposure so the mark can be scoped through `portal.access` alone.
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_at", "-id"]

    def __str__(self):
        return f"Deployment {self.exposure_id} followed up at {self.done_at:%Y-%m-%d}"
