"""Shifts and the trauma exposures logged for them.

The columns every risk rule and dashboard query needs are real, indexed database columns on
`Exposure` (officer, shift date, role, category, intensity, minutes, critical incident, defined
task, mitigations, outcome known, and the computed dose). Role-specific counts (calls by type,
items by CSE category and media type, ...) live in `detail`, a JSON object validated by the role's
form, because each role has a different set and forces adapt them without a migration."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from exposure import shift_times
from portal.language import in_active_language
from portal.models import HighRiskRole
from portal.roles import label as role_label

EDIT_WINDOW_DAYS = 7

# The four shipped roles (seeded as `portal.roles.Role` rows). Lists people see read the Role table
# (`portal.roles.choices`), so that a role an admin adds appears in them; the role columns below hold
# a Role's code, checked by the forms.
LOGGABLE_ROLES = [
    (HighRiskRole.CALL_HANDLING.value, HighRiskRole.CALL_HANDLING.label),
    (HighRiskRole.CSE_REVIEW.value, HighRiskRole.CSE_REVIEW.label),
    (HighRiskRole.FIREARMS.value, HighRiskRole.FIREARMS.label),
    (HighRiskRole.COUNTER_TERRORISM.value, HighRiskRole.COUNTER_TERRORISM.label),
]


class RoleLabelled:
    """`get_role_display()` for a model whose `role` holds a Role code (the columns lost their fixed
    choices when roles became data)."""

    role: str

    def get_role_display(self) -> str:
        return role_label(self.role)


class ExposureCategory(RoleLabelled, models.Model):
    """A kind of exposure for one role (e.g. call handling: 'child at risk'). Admin-editable so a
    force can adapt the list and each category's default intensity without code."""

    role = models.CharField(_("role"), max_length=30)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    name_cy = models.CharField(
        _("name in Welsh"), max_length=120, blank=True,
        help_text=_("Shown to people who use the portal in Welsh. Left empty, they see the English name."))
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

    @property
    def display_name(self) -> str:
        """The name to show a person: in Welsh for a Welsh reader where one is given. Every page,
        form and chart shows a category through this (or `in_active_language` on queried values)."""
        return in_active_language(self.name, self.name_cy)


class ShiftLog(RoleLabelled, models.Model):
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts",
                                db_index=False)  # shift_officer_date serves its lookups
    shift_date = models.DateField(_("shift date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    role = models.CharField(_("role worked"), max_length=30)
    nothing_notable = models.BooleanField(_("nothing notable"), default=False)
    # Role-level counts of the whole shift (e.g. calls taken), validated by the role's form.
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-shift_date", "-start_time", "-id"]
        indexes = [models.Index(fields=["officer", "-shift_date"], name="shift_officer_date")]

    def __str__(self):
        return f"{self.get_role_display()} shift on {self.shift_date}"

    @property
    def editable_until(self):
        return self.created_at + timedelta(days=EDIT_WINDOW_DAYS)

    def is_editable(self, now=None) -> bool:
        return (now or timezone.now()) < self.editable_until

    @property
    def length_display(self) -> str:
        hours, minutes = divmod(self.duration_minutes, 60)
        if not minutes:
            return _("%(h)s h") % {"h": hours}
        if not hours:
            return _("%(m)s min") % {"m": minutes}
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}

    @property
    def starts_at(self) -> datetime:
        """When the shift started (aware, UTC): its date and start time in Europe/London."""
        return shift_times.shift_start(self.shift_date, self.start_time)

    @property
    def ends_at(self) -> datetime:
        """When it ended: real minutes after the start, across midnight and clock changes."""
        return shift_times.shift_end(self.shift_date, self.start_time, self.duration_minutes)


class Exposure(RoleLabelled, models.Model):
    shift = models.ForeignKey(ShiftLog, on_delete=models.CASCADE, related_name="exposures")
    # Denormalised from the shift so the risk and dashboard aggregations need no join.
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exposures",
                                db_index=False)  # exposure_officer_date_dose serves its lookups
    shift_date = models.DateField()
    role = models.CharField(max_length=30)
    category = models.ForeignKey(ExposureCategory, on_delete=models.PROTECT, related_name="exposures")
    intensity = models.PositiveSmallIntegerField(
        _("intensity as you felt it (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    critical_incident = models.BooleanField(_("critical incident"), default=False)
    defined_task = models.BooleanField(_("I had a defined task"), null=True, blank=True)
    mitigations = models.JSONField(_("mitigations used"), default=list, blank=True)
    outcome_known = models.BooleanField(_("outcome known"), null=True, blank=True)
    # Call handling: the officer would like to be told what happened (a supervisor can close the loop).
    outcome_wanted = models.BooleanField(_("want to know the outcome"), null=True, blank=True)
    # Set when a supervisor has told the officer what happened (closing the loop); the list of calls
    # still to close shows only rows without it.
    outcome_shared_at = models.DateTimeField(null=True, blank=True)
    outcome_shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How many events of this kind the entry covers (e.g. five "child at risk" calls); the dose counts each.
    count = models.PositiveIntegerField(_("how many"), default=1)
    detail = models.JSONField(default=dict, blank=True)
    dose = models.FloatField(default=0.0, help_text="Computed by exposure.dose at save.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-shift_date", "-id"]
        indexes = [
            # With the dose in the index, the exposure loads (risk engine, team dashboard) read an
            # officer's recent days from the index alone, without visiting the table.
            models.Index(fields=["officer", "shift_date", "dose"], name="exposure_officer_date_dose"),
            models.Index(fields=["role", "shift_date"], name="exposure_role_date"),
            models.Index(
                fields=["officer", "shift_date"], condition=models.Q(critical_incident=True),
                name="exposure_critical_incidents",
            ),
            # Calls whose outcome the officer wants to hear: the supervisor's close-the-loop list.
            models.Index(
                fields=["officer", "shift_date"], condition=models.Q(outcome_wanted=True),
                name="exposure_outcome_wanted",
            ),
        ]

    def __str__(self):
        return f"{self.category.name} on {self.shift_date}"


# --- Added by the exposure-logging issue (migrations 0002+). ----------------------------------


class IntensityRubric(RoleLabelled, models.Model):
    """What each intensity level (1-5) means for one role, shown next to the intensity choice.
    Admin-editable so a force can word its own rubric."""

    role = models.CharField(_("role"), max_length=30)
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    description = models.CharField(_("what this level means"), max_length=200)
    description_cy = models.CharField(
        _("what this level means, in Welsh"), max_length=200, blank=True,
        help_text=_("Shown to people who use the portal in Welsh. Left empty, they see the English."))

    class Meta:
        ordering = ["role", "level"]
        constraints = [models.UniqueConstraint(fields=["role", "level"], name="rubric_level_unique_per_role")]
        verbose_name = _("intensity rubric level")

    def __str__(self):
        return f"{self.get_role_display()} {self.level}: {self.description}"

    @property
    def display_description(self) -> str:
        return in_active_language(self.description, self.description_cy)


class ShiftChange(models.Model):
    """Every change to a shift, kept for good (an officer's own history; OH may read it).

    `shift_id` is a plain integer, not a foreign key, so the history of a deleted shift survives."""

    class Action(models.TextChoices):
        CREATED = "created", _("Logged")
        UPDATED = "updated", _("Edited")
        DELETED = "deleted", _("Deleted")
        CORRECTED = "corrected", _("Correction note added")

    shift_id = models.BigIntegerField(db_index=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                db_index=False)  # shiftchange_officer_at serves its lookups
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=Action.choices)
    # The shift and its exposures as they were after the change (before it, for a deletion).
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["officer", "-at"], name="shiftchange_officer_at")]

    def __str__(self):
        return f"{self.get_action_display()} shift {self.shift_id} at {self.at:%Y-%m-%d %H:%M}"


class CorrectionNote(models.Model):
    """A note an officer adds to a shift, e.g. once it is past the edit window. Free text: shown only
    to the officer and OH, never logged, never in a URL."""

    shift = models.ForeignKey(ShiftLog, on_delete=models.CASCADE, related_name="corrections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("correction"), max_length=2000)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Correction to shift {self.shift_id}"


class ViewingPolicy(models.Model):
    """An organisation's settings for CSE viewing sessions. The 50/10 default follows Police Care UK
    ("take 10 minutes out each hour") and the Internet Watch Foundation's mandatory hourly 10-minute
    break. No published source sets a daily limit: the default is the organisation's to change."""

    organisation = models.OneToOneField(
        "portal.Organisation", on_delete=models.CASCADE, related_name="viewing_policy"
    )
    daily_limit_minutes = models.PositiveIntegerField(
        _("daily viewing limit (minutes)"), default=240, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    view_minutes = models.PositiveIntegerField(
        _("minutes of viewing before a break"), default=50, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    break_minutes = models.PositiveIntegerField(
        _("break length (minutes)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    class Meta:
        verbose_name = _("viewing policy")
        verbose_name_plural = _("viewing policies")

    def __str__(self):
        return f"Viewing policy of {self.organisation}"

    @classmethod
    def for_organisation(cls, organisation_id) -> ViewingPolicy:
        """The organisation's policy, or the unsaved 50/10/240 default if it has none."""
        return cls.objects.filter(organisation_id=organisation_id).first() or cls()

    def problems(self, view_minutes: int | None, break_minutes: int | None) -> dict[str, str]:
        """Field -> message for a personal rhythm looser than this policy (hazard H9): a person may
        view for less time between breaks and take longer breaks, never the other way round."""
        problems = {}
        if view_minutes is not None and view_minutes > self.view_minutes:
            problems["view_minutes"] = ngettext(
                "Your force allows at most %(n)d minute before a break. Choose %(n)d or fewer.",
                "Your force allows at most %(n)d minutes before a break. Choose %(n)d or fewer.", self.view_minutes,
            ) % {"n": self.view_minutes}
        if break_minutes is not None and break_minutes < self.break_minutes:
            problems["break_minutes"] = ngettext(
                "Your force asks for breaks of at least %(n)d minute. Choose %(n)d or more.",
                "Your force asks for breaks of at least %(n)d minutes. Choose %(n)d or more.", self.break_minutes,
            ) % {"n": self.break_minutes}
        return problems

    def clamp(self, view_minutes: int, break_minutes: int) -> tuple[int, int]:
        """A personal rhythm made no looser than this policy (for preferences saved before the
        policy was enforced, or before the policy was tightened). Pure."""
        return min(view_minutes, self.view_minutes), max(break_minutes, self.break_minutes)


class ViewingPreference(models.Model):
    """One reviewer's own break rhythm, where it differs from the organisation's."""

    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="viewing_preference"
    )
    view_minutes = models.PositiveIntegerField(
        _("minutes of viewing before a break"), validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    break_minutes = models.PositiveIntegerField(
        _("break length (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    def __str__(self):
        return f"Viewing preference of {self.officer_id}"

    def clean(self):
        """Only stricter than the organisation's policy (checked here too, so the admin, a shell or
        any future form cannot save a looser rhythm; the timer also clamps what it reads)."""
        super().clean()
        if self.officer_id is None:
            return
        problems = ViewingPolicy.for_organisation(self.officer.organisation_id).problems(
            self.view_minutes, self.break_minutes)
        if problems:
            raise ValidationError(problems)


class ViewingSession(models.Model):
    """A timed CSE viewing session. Only times: it never holds, names or links to any material.

    Times are taken on the server at each start, break, resume and stop, so the count is right even
    when the browser tab sat in the background or the computer slept."""

    class State(models.TextChoices):
        VIEWING = "viewing", _("Viewing")
        ON_BREAK = "on_break", _("On a break")
        STOPPED = "stopped", _("Stopped")

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="viewing_sessions")
    started_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.VIEWING)
    segment_started_at = models.DateTimeField(default=timezone.now)
    viewed_seconds = models.PositiveIntegerField(default=0)
    # The longest stretch of viewing without a break, closed at a break or the stop (the risk rule on
    # viewing without breaks reads it). Sessions from before it was kept hold 0: the rule then takes
    # the mean stretch, viewed_seconds / (break_count + 1), which the longest is never below.
    longest_viewing_seconds = models.PositiveIntegerField(default=0)
    break_count = models.PositiveIntegerField(default=0)
    break_seconds = models.PositiveIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)
    shift = models.ForeignKey(
        ShiftLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="viewing_sessions"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["officer", "-started_at"], name="viewing_officer_started")]

    def __str__(self):
        return f"Viewing session {self.pk} ({self.state})"

    def viewed_seconds_at(self, now) -> int:
        """Seconds of viewing so far, counting the open segment if viewing now."""
        running = (now - self.segment_started_at).total_seconds() if self.state == self.State.VIEWING else 0
        return self.viewed_seconds + max(0, int(running))

    @property
    def viewed_minutes(self) -> int:
        return round(self.viewed_seconds / 60)


class OutcomeRequest(models.Model):
    """A call handler asks to hear how one call ended (issue 18): the incident reference, the call
    type and how much they want to know. Their supervisor answers (shared, with a short text, or not
    available) and the call handler closes it. The reference and the text are operational detail:
    shown only to the call handler and their supervisor, never logged, never in a URL."""

    class Detail(models.TextChoices):
        WHETHER = "whether", _("Just whether there was an outcome I should know")
        SUMMARY = "summary", _("A short summary")
        FULL = "full", _("As much as can be shared")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SHARED = "shared", _("Shared")
        NOT_AVAILABLE = "not_available", _("Outcome not available")
        CLOSED = "closed", _("Closed")

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_requests")
    shift = models.ForeignKey(ShiftLog, on_delete=models.CASCADE, related_name="outcome_requests")
    category = models.ForeignKey(ExposureCategory, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("call type"))
    reference = models.CharField(_("incident reference"), max_length=40)
    detail_wanted = models.CharField(_("how much you want to know"), max_length=10, choices=Detail.choices,
                                     default=Detail.WHETHER)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.OPEN)
    answer = models.CharField(_("what was shared"), max_length=600, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["officer", "created_at"], name="outcome_request_officer"),
            # The supervisor's list: open requests only.
            models.Index(fields=["officer"], condition=models.Q(status="open"), name="outcome_request_open"),
        ]

    def __str__(self):
        return f"Outcome request {self.pk}"  # no reference: str() can reach logs and the admin's history
