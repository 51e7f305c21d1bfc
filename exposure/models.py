"""Shifts and the trauma exposures logged for them.

The columns every risk rule and dashboard query needs are real, indexed database columns on
`Exposure` (officer, shift date, role, category, intensity, minutes, critical incident, defined
task, mitigations, outcome known, and the computed dose). Role-specific counts (calls by type,
items by CSE category and media type, ...) live in `detail`, a JSON object validated by the role's
form, because each role has a different set and forces adapt them without a migration."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import HighRiskRole

LOGGABLE_ROLES = [
    (HighRiskRole.CALL_HANDLING.value, HighRiskRole.CALL_HANDLING.label),
    (HighRiskRole.CSE_REVIEW.value, HighRiskRole.CSE_REVIEW.label),
    (HighRiskRole.FIREARMS.value, HighRiskRole.FIREARMS.label),
    (HighRiskRole.COUNTER_TERRORISM.value, HighRiskRole.COUNTER_TERRORISM.label),
]


class ExposureCategory(models.Model):
    """A kind of exposure for one role (e.g. call handling: 'child at risk'). Admin-editable so a
    force can adapt the list and each category's default intensity without code."""

    role = models.CharField(_("role"), max_length=30, choices=LOGGABLE_ROLES)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    default_intensity = models.PositiveSmallIntegerField(
        _("default intensity (1-5)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    active = models.BooleanField(_("offered on the form"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["role", "code"], name="category_code_unique_per_role")]
        verbose_name_plural = _("exposure categories")

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class ShiftLog(models.Model):
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts")
    shift_date = models.DateField(_("shift date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    role = models.CharField(_("role worked"), max_length=30, choices=LOGGABLE_ROLES)
    nothing_notable = models.BooleanField(_("nothing notable"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-shift_date", "-start_time", "-id"]
        indexes = [models.Index(fields=["officer", "-shift_date"], name="shift_officer_date")]

    def __str__(self):
        return f"{self.get_role_display()} shift on {self.shift_date}"


class Exposure(models.Model):
    shift = models.ForeignKey(ShiftLog, on_delete=models.CASCADE, related_name="exposures")
    # Denormalised from the shift so the risk and dashboard aggregations need no join.
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exposures")
    shift_date = models.DateField()
    role = models.CharField(max_length=30, choices=LOGGABLE_ROLES)
    category = models.ForeignKey(ExposureCategory, on_delete=models.PROTECT, related_name="exposures")
    intensity = models.PositiveSmallIntegerField(
        _("intensity as you felt it (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    critical_incident = models.BooleanField(_("critical incident"), default=False)
    defined_task = models.BooleanField(_("I had a defined task"), null=True, blank=True)
    mitigations = models.JSONField(_("mitigations used"), default=list, blank=True)
    outcome_known = models.BooleanField(_("outcome known"), null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    dose = models.FloatField(default=0.0, help_text="Computed by exposure.dose at save.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-shift_date", "-id"]
        indexes = [
            models.Index(fields=["officer", "shift_date"], name="exposure_officer_date"),
            models.Index(fields=["role", "shift_date"], name="exposure_role_date"),
            models.Index(
                fields=["officer", "shift_date"], condition=models.Q(critical_incident=True),
                name="exposure_critical_incidents",
            ),
        ]

    def __str__(self):
        return f"{self.category.name} on {self.shift_date}"
