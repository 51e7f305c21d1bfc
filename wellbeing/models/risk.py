from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wellbeing.risk import engine as risk
from wellbeing.risk.reasons import CLINICAL, OPERATIONAL


class RuleSet(models.Model):
    """A version of the risk rules (owned by OH, edited by an admin). Never changed once saved:
    editing creates the next version, so every assessment can say which rules produced it."""

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    rules = models.JSONField(_("rules"))

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"Rules v{self.version}"


class Level(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")
    URGENT = "urgent", _("Urgent")


LEVEL_ORDER = {Level.GREEN: 0, Level.AMBER: 1, Level.RED: 2, Level.URGENT: 3}


class RiskAssessment(models.Model):
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="risk_assessments",
                                db_index=False)  # assessment_officer_latest serves its lookups
    computed_at = models.DateTimeField(default=timezone.now)
    level = models.CharField(max_length=10, choices=Level.choices)
    score = models.FloatField()
    # [{"code", "kind", "text", "numbers": {...}}]: codes and numbers only, never answers or free text
    reasons = models.JSONField(default=list)
    # The exposure load as pages show it: {"band", "own_ratio", "role_ratio"} (`exposure.load`).
    # Pages word these and never work the load out again; empty on assessments made before it.
    exposure = models.JSONField(default=dict, blank=True)
    rules_version = models.PositiveIntegerField()
    inputs_digest = models.CharField(max_length=64, help_text="Hash of the result; an equal result writes nothing.")
    # Hash of the level, the reasons with their levels and the rules version (risk.Assessment.finding).
    # A new finding is a new row; the same finding with new numbers refreshes this row in place.
    finding_digest = models.CharField(max_length=64, blank=True, default="")
    refreshed_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When the numbers were last brought up to date (same finding).")
    # The officer's latest assessment. A flag rather than "newest by date" so that reading everyone's
    # current level is an index lookup, however many nights of history have piled up.
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["officer", "-computed_at"], name="assessment_officer_latest")]
        constraints = [
            models.UniqueConstraint(fields=["officer"], condition=models.Q(is_current=True),
                                    name="assessment_one_current_per_officer")
        ]

    def __str__(self):
        return f"{self.officer_id} {self.level} at {self.computed_at:%Y-%m-%d %H:%M}"


class Flag(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ESCALATED = "escalated", _("Escalated to occupational health")
        CLOSED = "closed", _("Closed")

    class Kind(models.TextChoices):
        OPERATIONAL = OPERATIONAL, _("Operational")
        CLINICAL = CLINICAL, _("Clinical")

    class Severity(models.IntegerChoices):
        # Values from `wellbeing.risk.engine` (the pure rules compute them); higher is seen first by OH.
        OPERATIONAL = risk.SEVERITY_OPERATIONAL, _("Operational")
        OPERATIONAL_RED = risk.SEVERITY_OPERATIONAL_RED, _("Operational, red")
        CLINICAL = risk.SEVERITY_CLINICAL, _("Moderate")
        HIGH = risk.SEVERITY_HIGH, _("High")
        SEVERE = risk.SEVERITY_SEVERE, _("Severe")
        URGENT = risk.SEVERITY_URGENT, _("Urgent")

    class Outcome(models.TextChoices):
        # How OH closed a flag: choices only, never free text (it is reported and exported).
        CONTACTED_SUPPORT = "contacted_support", _("Contacted, support arranged")
        CONTACTED_NO_ACTION = "contacted_no_action", _("Contacted, no further action")
        REFERRED_CLINICIAN = "referred_clinician", _("Referred to an OH clinician")
        REFERRED_EAP = "referred_eap", _("Referred to the employee assistance programme")
        REFERRED_GP = "referred_gp", _("Referred to their GP")
        NOT_CONTACTED = "not_contacted", _("Could not contact after repeated attempts")
        # The flag was wrong (issue 21): closed with a required reason in words (`dismiss_reason`),
        # by the flag's owner (`wellbeing.risk.flags.flag_dismiss`); counted in the rules report.
        NOT_APPLICABLE = "not_applicable", _("Not applicable")
        FALSE_ALARM = "false_alarm", _("False alarm")

    ACTIVE = [Status.OPEN, Status.ACKNOWLEDGED, Status.ESCALATED]
    DISMISSALS = [Outcome.NOT_APPLICABLE, Outcome.FALSE_ALARM]

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags",
                                db_index=False)  # flag_officer_status serves its lookups
    reason_code = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledge_by = models.DateTimeField(help_text="Escalates to occupational health if not acknowledged by then.")
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The check-in that raised it: the urgent answer, or the latest positive screen the engine used.
    checkin = models.ForeignKey("wellbeing.CheckIn", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.OPERATIONAL)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The out-of-hours route of an urgent flag (wellbeing/risk/urgent.py): when the organisation's
    # on-call contact was told, and when the second contact was (each claimed once, by UPDATE).
    on_call_notified_at = models.DateTimeField(null=True, blank=True)
    second_contact_notified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    # Free text, so never logged, audited, exported in reports or put in a URL: why the flag was
    # closed as not applicable or a false alarm (OH sees it; the supervisor sees their own).
    dismiss_reason = models.TextField(_("why the flag does not apply"), blank=True, max_length=2000)
    # The officer's own words about the flag, shared by their choice with their supervisor and OH,
    # edited or withdrawn by them at any time. Never logged or audited as text.
    officer_context = models.TextField(_("your context"), blank=True, max_length=2000)
    officer_context_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-urgent", "-severity", "raised_at"]
        constraints = [
            # One active flag per person and reason: re-raising the same reason is a no-op.
            models.UniqueConstraint(
                fields=["officer", "reason_code"],
                condition=models.Q(status__in=["open", "acknowledged", "escalated"]),
                name="flag_one_active_per_reason",
            )
        ]
        indexes = [
            models.Index(fields=["status", "acknowledge_by"], name="flag_status_due"),
            models.Index(fields=["officer", "status"], name="flag_officer_status"),
            # OH's triage queue: active flags, urgent first, then the most severe, then the oldest.
            models.Index(fields=["-urgent", "-severity", "raised_at", "id"], name="flag_triage",
                         condition=models.Q(status__in=["open", "acknowledged", "escalated"])),
        ]

    def __str__(self):
        # Never the reason, urgency or severity: this string reaches logs and admin pages.
        return f"flag {self.pk} for {self.officer_id} ({self.status})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE


class RoleBaseline(models.Model):
    """The median decayed exposure load of officers in one role, refreshed by the nightly sweep, so
    a single officer's recompute can compare them with their peers without scanning everyone."""

    role = models.CharField(max_length=30, unique=True)
    median_load = models.FloatField()
    officers = models.PositiveIntegerField()
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.role}: median {self.median_load:.2f} over {self.officers}"
