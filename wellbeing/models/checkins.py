"""Check-ins (the pulse and validated instruments), their schedules, and support contacts.

A check-in's answers and comment are special category health data: they are seen only by the
officer and by occupational health, never logged, never put in a URL, and not shown in the admin.
The columns the risk engine reads (instrument, completed_at, total, band, positive, urgent) are real,
indexed columns so it never has to open `answers`."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation
from wellbeing.instruments import CHOICES as INSTRUMENT_CHOICES
from wellbeing.instruments import INSTRUMENTS


class CheckIn(models.Model):
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins",
                                db_index=False)  # checkin_officer_instr_at serves its lookups
    instrument = models.CharField(_("questionnaire"), max_length=10, choices=INSTRUMENT_CHOICES)
    instrument_version = models.CharField(max_length=40)
    completed_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(help_text="Item answers in the instrument's item order (ints).")
    total = models.SmallIntegerField()
    band = models.CharField(max_length=30, blank=True)
    positive = models.BooleanField(default=False, help_text="At or over the instrument's published cut-off.")
    result = models.JSONField(default=dict, blank=True, help_text="Subscales, clusters and rule outcomes.")
    urgent = models.BooleanField(default=False)
    comment = models.TextField(_("comment"), blank=True)
    share_comment_with_oh = models.BooleanField(_("share my comment with occupational health"), default=False)
    # One save per form: the id is issued (signed) with the form, so a second click or a replayed
    # post finds the check-in already saved instead of storing it twice.
    submission = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [
            models.Index(fields=["officer", "instrument", "completed_at"], name="checkin_officer_instr_at"),
            models.Index(fields=["instrument", "completed_at"], name="checkin_instr_at"),
        ]

    def __str__(self):
        # Never the answers or the score: this string can reach logs and admin pages.
        return f"{self.instrument} check-in {self.pk}"

    @property
    def definition(self):
        return INSTRUMENTS[self.instrument]

    @property
    def band_info(self):
        return self.definition.band_for(self.total)

    @property
    def comment_for_oh(self) -> str:
        """What occupational health may read of the comment: all of it if the officer chose to
        share it, otherwise nothing."""
        return self.comment if self.share_comment_with_oh else ""


class CheckInSchedule(models.Model):
    """When a check-in is due, as data an admin edits. A row with no organisation applies to every
    organisation, a row with no role to every role; for the same questionnaire and trigger the most
    specific row wins (so a force can change or switch off a default for one role).

    The follow-ups after a critical incident have no timing here: they are due when each of the
    person's TRiM cases says its initial assessment and its follow-up are due (the organisation's
    TRiM timings). A row says only which questionnaire is asked then, and when it counts as overdue."""

    class Trigger(models.TextChoices):
        AFTER_SHIFT = "after_shift", _("After every shift")
        EVERY = "every", _("Every so many days")
        TRIM_ASSESSMENT = "trim_assessment", _("When a TRiM case's initial assessment is due")
        TRIM_FOLLOWUP = "trim_followup", _("When a TRiM case's follow-up is due")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="checkin_schedules",
        help_text=_("Leave empty for every organisation."),
    )
    # A `portal.roles.Role` code (the admin offers the Role table), or empty for every role.
    role = models.CharField(_("high-risk role"), max_length=30, blank=True, help_text=_("Leave empty for every role."))
    instrument = models.CharField(_("questionnaire"), max_length=10, choices=INSTRUMENT_CHOICES)
    trigger = models.CharField(
        _("when"), max_length=20, choices=Trigger.choices,
        help_text=_("A TRiM follow-up is due when the person's TRiM case says: the organisation's TRiM timings "
                    "(72 hours and 28 days after the incident unless changed), never a timing set here."))
    every_days = models.PositiveSmallIntegerField(_("every (days)"), null=True, blank=True)
    grace_days = models.PositiveSmallIntegerField(
        _("overdue after (days)"), default=7, help_text=_("Days after it is due before it counts as overdue."))
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("Untick to switch a default off for this organisation or role."))

    class Meta:
        ordering = ["instrument", "trigger", "organisation__name", "role"]
        verbose_name = _("check-in schedule")

    def __str__(self):
        return f"{self.get_instrument_display()}: {self.get_trigger_display()}"

    def clean(self):
        super().clean()
        if self.trigger == self.Trigger.EVERY and not self.every_days:
            raise ValidationError({"every_days": _("Say how many days apart.")})
        if self.trigger != self.Trigger.EVERY:
            self.every_days = None


class SupportContact(models.Model):
    """Where to get help: national services (no organisation) and each force's own routes. Shown on
    every result page and at once on the urgent support page. Admin-editable."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="support_contacts",
        help_text=_("Leave empty for a national service."),
    )
    nation = models.CharField(_("nation"), max_length=20, choices=Organisation.Nation.choices, blank=True,
                              help_text=_("Leave empty if it applies in every nation."))
    name = models.CharField(_("name"), max_length=120)
    contact = models.CharField(_("phone or text"), max_length=120)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=50)
    active = models.BooleanField(_("shown"), default=True)
    # Outside occupational health's hours these come first after an urgent answer (hazard H8).
    always_open = models.BooleanField(
        _("answers 24 hours a day"), default=False,
        help_text=_("Tick for crisis lines that answer at any hour, every day. Outside occupational health's "
                    "hours they are listed first."))

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("support contact")

    def __str__(self):
        return f"{self.name} ({self.contact})"
