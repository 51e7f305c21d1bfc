"""TRiM (trauma risk management): incidents, one case per person involved, and the assessments a
practitioner records (docs/trim.md).

TRiM is a licensed, trained method: the portal records dates, who is involved, the agreed
response, the score band (low / raised) and the action taken, never the licensed form or its
questions. A case's band, its assessments and any referral are seen only by the person, their
practitioner, the TRiM coordinators and occupational health; a supervisor sees only the case's
stage ("offered", "in progress", "closed")."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TrimIncident(models.Model):
    """A potentially traumatic incident: declared by a supervisor for everyone involved, or opened
    by one person's logged critical incident or a referral. Its cases hang off it."""

    class Source(models.TextChoices):
        LOGGED = "logged", _("Logged as a critical incident by the officer")
        DECLARED = "declared", _("Declared by a supervisor")
        REFERRED = "referred", _("Referral")

    organisation = models.ForeignKey("portal.Organisation", on_delete=models.PROTECT, related_name="+")
    # A short operational name ("the collision on the A40 on 3 March"), never health detail.
    title = models.CharField(_("incident"), max_length=200)
    occurred_at = models.DateTimeField(_("when it happened"))
    source = models.CharField(_("opened by"), max_length=20, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The planning meeting (within 24-48 hours): when, and who recorded it. The response agreed for
    # each person is on their case.
    planning_held_on = models.DateField(_("planning meeting held on"), null=True, blank=True)
    planning_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-occurred_at"], name="trimincident_org_at")]
        verbose_name = _("TRiM incident")

    def __str__(self):
        return f"TRiM incident {self.pk}"


class TrimCase(models.Model):
    """One person's TRiM case for one incident."""

    class Stage(models.TextChoices):
        NEW = "new", _("New: waiting for the planning meeting")
        PLANNED = "planned", _("Planned")
        OFFERED = "offered", _("Assessment offered")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Response(models.TextChoices):
        UNDECIDED = "", _("Not decided yet")
        ASSESSMENT = "assessment", _("Risk assessment")
        BRIEFING = "briefing", _("Group briefing")
        NONE = "none", _("No TRiM response needed")

    class Offer(models.TextChoices):
        UNANSWERED = "", _("Not answered yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    incident = models.ForeignKey(TrimIncident, on_delete=models.CASCADE, related_name="cases")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trim_cases")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The shift whose critical incident opened the case (source "logged"), so one log opens one case.
    shift_key = models.CharField(max_length=40, blank=True, default="")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.NEW)
    response = models.CharField(_("agreed response"), max_length=20, choices=Response.choices, blank=True,
                                default="")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="trim_practised",
        verbose_name=_("TRiM practitioner"))
    offer = models.CharField(_("offer"), max_length=20, choices=Offer.choices, blank=True, default="")
    offer_answered_at = models.DateTimeField(null=True, blank=True)
    # Due dates, set when the case opens from the organisation's timings (editable by the coordinator).
    assessment_due_at = models.DateTimeField(_("initial assessment due"))
    followup_due_at = models.DateTimeField(_("follow-up due"))
    # Escalations already sent (so each goes once): the assessment to the coordinator, the
    # follow-up to occupational health.
    assessment_escalated_at = models.DateTimeField(null=True, blank=True)
    followup_escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment_due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "person"], name="trimcase_once_per_incident"),
        ]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="trimcase_person_at"),
            models.Index(fields=["practitioner", "stage"], name="trimcase_practitioner"),
            # The deadline sweep (wellbeing/trim/escalation.py) reads only open cases not yet escalated.
            models.Index(fields=["assessment_due_at"], name="trimcase_assessment_pending",
                         condition=models.Q(assessment_escalated_at__isnull=True) & ~models.Q(stage="closed")),
            models.Index(fields=["followup_due_at"], name="trimcase_followup_pending",
                         condition=models.Q(followup_escalated_at__isnull=True) & ~models.Q(stage="closed")),
        ]
        verbose_name = _("TRiM case")

    def __str__(self):
        return f"TRiM case {self.pk}"


class TrimAssessment(models.Model):
    """An assessment held: its date, the score band only, and the action agreed."""

    class Stage(models.TextChoices):
        INITIAL = "initial", _("Initial assessment")
        FOLLOW_UP = "follow_up", _("Follow-up")

    class Band(models.TextChoices):
        # Own context: "Raised" elsewhere means a flag was raised (Welsh "Codwyd"); here it is a band.
        LOW = "low", pgettext_lazy("TRiM score band", "Low")
        RAISED = "raised", pgettext_lazy("TRiM score band", "Raised")

    class Action(models.TextChoices):
        NONE = "none", _("No further action")
        PEER_SUPPORT = "peer_support", _("Extra peer support")
        LINE_MANAGER = "line_manager", _("Line manager made aware")
        OH_REFERRAL = "oh_referral", _("Referral to occupational health")
        NAMED_SERVICE = "named_service", _("Referral to a named service")

    case = models.ForeignKey(TrimCase, on_delete=models.CASCADE, related_name="assessments")
    stage = models.CharField(_("assessment"), max_length=20, choices=Stage.choices)
    held_on = models.DateField(_("held on"))
    band = models.CharField(_("score band"), max_length=10, choices=Band.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # The line manager is made aware only with the person's consent, or when support is urgent.
    line_manager_consent = models.BooleanField(_("the person agreed their line manager is told"), default=False)
    line_manager_urgent = models.BooleanField(_("urgent support needed"), default=False)
    service = models.CharField(_("named service"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "held_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "stage"], name="trimassessment_once_per_stage")]
        verbose_name = _("TRiM assessment")

    def __str__(self):
        # Never the band: this string reaches logs and admin pages.
        return f"TRiM assessment {self.pk}"
