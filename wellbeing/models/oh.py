"""Occupational health casework: case notes, referrals, and the retention machinery (policies per
record type, legal holds, erasure reports).

Case note text is special category data: it is shown only on OH's case page (audited) and in a
subject access export, never logged, never shown in the admin. Erasure reports hold counts only."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OHCaseNote(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oh_case_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("note"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at"], name="ohnote_person_at")]
        verbose_name = _("OH case note")

    def __str__(self):
        # Never the text: this string can reach logs and admin pages.
        return f"OH case note {self.pk}"


class Referral(models.Model):
    class Kind(models.TextChoices):
        TRIM = "trim", _("TRiM assessment")
        COUNSELLING = "counselling", _("Counselling")
        TRAUMA_THERAPY = "trauma_therapy", _("Trauma-focused therapy")
        RETURN_TO_ROLE = "return_to_role", _("Return to role")
        ROTATION = "rotation", _("Rotation out of the role")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        PENDING = "", _("Not yet known")
        ATTENDED = "attended", _("Attended, continuing")
        COMPLETED = "completed", _("Completed")
        NO_FURTHER_ACTION = "no_further_action", _("No further action needed")
        DECLINED = "declined", _("Declined by the person")
        DID_NOT_ATTEND = "did_not_attend", _("Did not attend")
        ONWARD = "onward", _("Referred on")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oh_referrals")
    flag = models.ForeignKey("wellbeing.Flag", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("referral to"), max_length=20, choices=Kind.choices)
    referred_on = models.DateField(_("referred on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["person", "-referred_on"], name="referral_person_on")]
        verbose_name = _("referral")

    def __str__(self):
        return f"{self.kind} referral {self.pk}"


class RetentionPolicy(models.Model):
    """How long each kind of record is kept after the person's employment ends. Admin-editable;
    the defaults (6 years) are seeded by a data migration."""

    class RecordType(models.TextChoices):
        CHECKINS = "checkins", _("Check-ins")
        EXPOSURES = "exposures", _("Shifts and exposures")
        ASSESSMENTS = "assessments", _("Risk assessments")
        FLAGS = "flags", _("Flags")
        WELFARE_ACTIONS = "welfare_actions", _("Welfare actions")
        REFERRALS = "referrals", _("Referrals")
        CASE_NOTES = "case_notes", _("OH case notes")
        HELP_REQUESTS = "help_requests", _("Help requests (closed) and their contacts")
        SCREENINGS = "screenings", _("Screenings and routine appointments")

    record_type = models.CharField(_("record type"), max_length=30, choices=RecordType.choices, unique=True)
    years_after_employment = models.PositiveSmallIntegerField(
        _("years kept after employment ends"), default=6, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["record_type"]
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self):
        return f"{self.get_record_type_display()}: {self.years_after_employment} years"


class LegalHold(models.Model):
    """While a hold is in place (not lifted), nothing of the person is erased by retention."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(_("reason"), max_length=200)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["person", "lifted_at"], name="legalhold_person_active")]
        verbose_name = _("legal hold")

    def __str__(self):
        return f"legal hold {self.pk} ({'lifted' if self.lifted_at else 'active'})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ErasureReport(models.Model):
    """What one retention sweep erased: counts per record type and of people, nothing else."""

    ran_at = models.DateTimeField(default=timezone.now, db_index=True)
    people = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("erasure report")

    def __str__(self):
        return f"erasure at {self.ran_at:%Y-%m-%d %H:%M}"
