"""Psychological screening (surveillance) for people in high-risk roles, and the routine
counselling or check-in appointments some roles have (docs/screening.md).

Each organisation sets, per high-risk role and kind, how often (`ScreeningInterval`); one
`Screening` row is one person's screening (or appointment) for one due cycle. Occupational health
records the appointment, attendance, completion and the outcome band. The outcome never leaves
OH: the person is told that OH will discuss it with them; a supervisor and the wellbeing lead see
only whether screenings are done on time."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import HighRiskRole


class ScreeningKind(models.TextChoices):
    SCREENING = "screening", _("Psychological screening")
    APPOINTMENT = "appointment", _("Counselling or check-in appointment")


class ScreeningInterval(models.Model):
    """How often people in one high-risk role of one organisation are screened (or see a counsellor),
    and how soon after joining the role the first one is due. An organisation without a row for a
    role and kind uses the defaults in wellbeing/screening/defaults.py."""

    organisation = models.ForeignKey("portal.Organisation", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"))
    role = models.CharField(_("high-risk role"), max_length=30, choices=HighRiskRole.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ScreeningKind.choices)
    interval_months = models.PositiveSmallIntegerField(
        _("every (months)"), validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("Months from one completed screening to the next."))
    first_within_days = models.PositiveSmallIntegerField(
        _("first one due within (days of joining the role)"), default=90,
        validators=[MinValueValidator(0), MaxValueValidator(730)])
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("Untick for a role that does not have this kind of appointment."))

    class Meta:
        ordering = ["organisation", "role", "kind"]
        constraints = [models.UniqueConstraint(fields=["organisation", "role", "kind"],
                                               name="screeninginterval_once")]
        verbose_name = _("screening interval")

    def __str__(self):
        return f"{self.get_role_display()}: {self.get_kind_display()}"


class Screening(models.Model):
    """One person's screening (or appointment) for one due cycle."""

    class Attended(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        YES = "yes", _("Attended")
        NO = "no", _("Did not attend")

    class Outcome(models.TextChoices):
        # The clinician's decision after the analysis (Oscar Kilo's three), never a score.
        NONE = "", _("Not recorded")
        NO_ACTION = "no_action", _("No action")
        STRUCTURED_INTERVIEW = "structured_interview", _("Structured interview")
        FURTHER_SUPPORT = "further_support", _("Further psychological support")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screenings")
    kind = models.CharField(_("kind"), max_length=20, choices=ScreeningKind.choices)
    role = models.CharField(_("high-risk role"), max_length=30, choices=HighRiskRole.choices)
    # The start of the role this cycle belongs to: a new role (or a new start date) is a new cycle.
    role_since = models.DateField(_("in the role since"))
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    attended = models.CharField(_("attendance"), max_length=10, choices=Attended.choices, blank=True, default="")
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    # No longer due: the person left the role or changed it, or the role's interval was switched off.
    withdrawn_on = models.DateField(_("no longer due since"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # One open cycle per person and kind, so a rerun of the sweep (or two at once) adds none.
            models.UniqueConstraint(fields=["person", "kind"], name="screening_one_open_per_kind",
                                    condition=Q(completed_on__isnull=True, withdrawn_on__isnull=True)),
        ]
        indexes = [models.Index(fields=["person", "kind", "-due_on"], name="screening_person_kind")]
        verbose_name = _("screening")

    def __str__(self):
        # Never the outcome: this string reaches logs and admin pages.
        return f"Screening {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None and self.withdrawn_on is None
