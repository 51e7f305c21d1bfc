"""Core models: organisations and their structure, users with roles, audit events, notifications."""

import datetime
import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.roles import HighRiskRole, Role  # noqa: F401  (imported from here across the project)
from portal.roles import label as role_label


def validate_regex(value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(_("This is not a valid regular expression.")) from exc


class Organisation(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", _("Police force")
        FIRE = "fire", _("Fire and rescue service")
        PROBATION = "probation", _("Probation service")
        HEALTH = "health", _("Health service")
        MILITARY = "military", _("Military")
        VOLUNTARY = "voluntary", _("Voluntary sector organisation")
        OTHER = "other", _("Other partner agency")

    class Nation(models.TextChoices):
        ENGLAND = "england", _("England")
        WALES = "wales", _("Wales")
        SCOTLAND = "scotland", _("Scotland")
        NORTHERN_IRELAND = "ni", _("Northern Ireland")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.POLICE)
    nation = models.CharField(_("nation"), max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    # When occupational health answers. Outside these hours an officer who gave an urgent answer is
    # pointed to the 24-hour crisis lines first (docs/clinical-safety.md, hazard H8). Bank holidays
    # are not modelled: a force that closes OH on them should say so in its support contacts.
    oh_opens_at = models.TimeField(_("occupational health opens at"), default=datetime.time(8, 0))
    oh_closes_at = models.TimeField(_("occupational health closes at"), default=datetime.time(17, 0))
    oh_open_weekends = models.BooleanField(_("occupational health works at weekends"), default=False)
    # Where an urgent notice goes when it cannot be delivered to any OH member's own address
    # (a duty manager or a monitored team mailbox).
    oh_escalation_email = models.EmailField(
        _("second occupational health contact"), blank=True,
        help_text=_("Receives urgent notices that could not be delivered to occupational health staff."))
    # The out-of-hours route for urgent flags (wellbeing/risk/urgent.py, docs/oh.md): the on-call
    # contact is told at once; the second contact if the first has not acknowledged within the
    # deadline. Both must be active OH members covering this organisation (checked in the admin
    # form and again whenever a notice is sent). With no on-call contact, every OH member is told.
    urgent_acknowledge_minutes = models.PositiveSmallIntegerField(
        _("urgent flags: acknowledge within (minutes)"), default=60,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text=_("If the on-call contact has not acknowledged an urgent flag by then, the second contact is "
                    "told."))
    on_call_contact = models.ForeignKey(
        "portal.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("on-call contact for urgent flags"),
        help_text=_("An occupational health member told at once, day or night, by email and in the portal."))
    on_call_second_contact = models.ForeignKey(
        "portal.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("second on-call contact"),
        help_text=_("Told when the on-call contact has not acknowledged an urgent flag in time. If empty, "
                    "every other occupational health member is told."))
    # TRiM timings (docs/trim.md): the initial assessment about 72 hours after the incident, the
    # follow-up about a month later (DOMAIN.md section 2).
    trim_assessment_hours = models.PositiveSmallIntegerField(
        _("TRiM assessment due (hours after the incident)"), default=72,
        validators=[MinValueValidator(24), MaxValueValidator(14 * 24)])
    trim_followup_days = models.PositiveSmallIntegerField(
        _("TRiM follow-up due (days after the incident)"), default=28,
        validators=[MinValueValidator(14), MaxValueValidator(90)])

    # Single sign-on (portal/oidc, docs/onboarding.md): a force whose staff all sign in with its own
    # accounts switches local passwords off for them; partner agencies keep theirs. Only while single
    # sign-on is configured (OIDC_ISSUER): without it, nobody would be able to sign in.
    local_passwords_allowed = models.BooleanField(
        _("local passwords allowed"), default=True,
        help_text=_("Untick when this organisation's people must sign in with their organisation's account "
                    "(single sign-on). People of other organisations keep their passwords."))

    # Call outcome requests (exposure/outcomes.py, docs/exposure.md): how this organisation writes an
    # incident reference. Blank accepts any 3-40 printable characters.
    incident_reference_pattern = models.CharField(
        _("incident reference pattern"), max_length=200, blank=True, validators=[validate_regex],
        help_text=_("A regular expression the whole reference must match, e.g. CAD-\\d{4}-\\d{2}. Leave empty "
                    "to accept any 3 to 40 characters."))
    incident_reference_example = models.CharField(
        _("incident reference example"), max_length=60, blank=True,
        help_text=_("Shown to call handlers as the expected format, e.g. CAD-1234-22."))

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique_in_org")]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class Team(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    supervisors = models.ManyToManyField(
        "portal.User", blank=True, related_name="supervised_teams", verbose_name=_("supervisors")
    )

    class Meta:
        ordering = ["unit__organisation__name", "unit__name", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="team_name_unique_in_unit")]

    def __str__(self):
        return f"{self.name} ({self.unit.name})"

    @property
    def organisation_id(self):
        return self.unit.organisation_id


class User(AbstractUser):
    """A member of staff. Roles are flags because one person may hold several (a sergeant who
    supervises one team is also an officer in another). Admin is Django's is_staff."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    # The HR system's key for the person (issue 19, docs/onboarding.md): the import matches on it,
    # never on a name; unique within an organisation. Empty for people added by hand.
    staff_number = models.CharField(_("staff number"), max_length=40, blank=True, default="")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    # A `portal.roles.Role` code, or "other" (checked by the forms that set it: the admin, HR import).
    high_risk_role = models.CharField(_("high-risk role"), max_length=30, blank=True, default="")
    is_officer = models.BooleanField(_("officer"), default=False, help_text=_("Logs exposures and check-ins."))
    is_supervisor = models.BooleanField(_("supervisor"), default=False, help_text=_("Sees the team dashboard."))
    is_trainer = models.BooleanField(_("trainer"), default=False, help_text=_("Authors and assigns training."))
    is_oh = models.BooleanField(
        _("occupational health"), default=False, help_text=_("Handles escalations; sees individual detail.")
    )
    is_wellbeing_lead = models.BooleanField(
        _("wellbeing lead"), default=False, help_text=_("Sees aggregate reports only, never individuals."))
    # Peer supporters: colleagues trained to listen, whom an officer may ask to talk to (wellbeing/talk).
    is_peer_supporter = models.BooleanField(
        _("peer supporter"), default=False,
        help_text=_("Trained peer supporter: listed for officers of their organisation to ask for a talk."))
    peer_availability = models.CharField(
        _("peer support availability"), max_length=200, blank=True,
        help_text=_("Shown to officers choosing a peer supporter, e.g. “Weekdays, day shifts”."))
    peer_trained_on = models.DateField(_("peer support training completed on"), null=True, blank=True)
    # TRiM (wellbeing/trim, docs/trim.md): trained peers in the force, never OH. A coordinator plans
    # the response to an incident and assigns practitioners; a practitioner holds the assessments.
    is_trim_practitioner = models.BooleanField(
        _("TRiM practitioner"), default=False,
        help_text=_("Trained to hold TRiM assessments; can be assigned cases by a TRiM coordinator."))
    is_trim_coordinator = models.BooleanField(
        _("TRiM coordinator"), default=False,
        help_text=_("Sees new TRiM cases, holds planning meetings and assigns practitioners."))
    trim_trained_on = models.DateField(_("TRiM training completed on"), null=True, blank=True)
    trim_refresher_due_on = models.DateField(_("TRiM refresher due on"), null=True, blank=True)
    # Psychological screening (wellbeing/screening): the first screening is due a set time after this.
    high_risk_role_since = models.DateField(
        _("in the high-risk role since"), null=True, blank=True,
        help_text=_("When the person joined their high-risk role: their first screening is due from this date."))
    granted_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="granted_users",
        verbose_name=_("also works for"),
        help_text=_("Other organisations this person may see in their role, granted by an admin."),
    )
    language = models.CharField(_("language"), max_length=10, default="en-gb")
    employment_ended_on = models.DateField(_("employment ended on"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "staff_number"], condition=~models.Q(staff_number=""),
                                    name="user_staff_number_unique_in_org"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_high_risk_role_display(self) -> str:
        return role_label(self.high_risk_role)

    def clean(self):
        super().clean()
        if self.team_id and self.organisation_id and self.team.unit.organisation_id != self.organisation_id:
            raise ValidationError({"team": _("The team must belong to the person's organisation.")})

    @property
    def is_admin_role(self):
        return self.is_staff

    @property
    def roles(self):
        """The set of role codes this user holds, in a fixed order."""
        flags = [
            ("officer", self.is_officer),
            ("supervisor", self.is_supervisor),
            ("trainer", self.is_trainer),
            ("oh", self.is_oh),
            ("wellbeing_lead", self.is_wellbeing_lead),
            ("peer_supporter", self.is_peer_supporter),
            ("trim_practitioner", self.is_trim_practitioner),
            ("trim_coordinator", self.is_trim_coordinator),
            ("admin", self.is_staff),
        ]
        return [code for code, held in flags if held]


class AuditEvent(models.Model):
    """Append-only record of who did what to whom. Never holds answers or free text.

    The foreign keys carry no database constraint so that erasing a person under the retention
    policy never has to touch (and so never rewrites) the audit trail."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=60)  # indexed in Meta: equality only, so no LIKE index
    subject = models.ForeignKey(  # audit_subject_at serves its lookups
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+",
        db_index=False,
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "-at"], name="audit_subject_at"),
                   models.Index(fields=["action"], name="audit_action")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit events cannot be deleted.")


class Notification(models.Model):
    """An in-app notification (also emailed where the sender asks). Text never carries health
    detail: it points to a page the recipient is allowed to see.

    It is also the email outbox (portal/notify.py): a row that wants an email is written in the
    sender's transaction and stays unsent until a worker has delivered it, so nothing is lost when
    the broker, the worker or the mail server is down; the resend sweep finds it again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(
        max_length=120, blank=True, default="", help_text="Same key for the same user is sent once only."
    )
    # An urgent notice (an urgent flag to OH) that cannot be delivered goes to a second OH contact.
    urgent = models.BooleanField(default=False)
    # The outbox. Error fields hold an exception class and SMTP code only, never an address.
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)  # delivered to the mail server
    email_due_at = models.DateTimeField(null=True, blank=True)  # next attempt not before this
    email_claimed_at = models.DateTimeField(null=True, blank=True)  # a worker is sending it now
    email_attempts = models.PositiveSmallIntegerField(default=0)  # failed attempts to the current address
    email_error = models.CharField(max_length=80, blank=True)
    email_failed_at = models.DateTimeField(null=True, blank=True)  # failed for good (see TaskFailure)
    email_second_contact = models.BooleanField(default=False)  # now addressed to the second OH contact

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["email_due_at"], name="notification_email_pending",
                         condition=models.Q(email_wanted=True, emailed_at__isnull=True, email_failed_at__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self):
        # Not the title: it names a person and may say "urgent", and str() is what the admin shows.
        return f"Notification {self.pk} to user {self.user_id}"


class RecomputePending(models.Model):
    """A person whose risk must be recomputed. Written in the same transaction as the exposure or
    check-in that caused it, so PostgreSQL (not the lossy broker) is the record of pending work:
    if the enqueue after commit fails, the beat sweep finds this row and enqueues it again."""

    officer = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="+")
    since = models.DateTimeField(default=timezone.now, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"recompute pending for {self.officer_id} since {self.since:%Y-%m-%d %H:%M}"


class TaskFailure(models.Model):
    """A background task that failed for good (after its bounded retries). Visible in admin, so a
    task that always fails ends here instead of looping."""

    task_name = models.CharField(max_length=120)
    task_id = models.CharField(max_length=64, blank=True)
    args = models.JSONField(default=list, blank=True)  # ids only, never personal data
    error = models.CharField(max_length=300)
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.task_name} failed at {self.failed_at:%Y-%m-%d %H:%M}"


class Heartbeat(models.Model):
    """When a part of the system last showed it is alive (/readyz, /metrics; portal/heartbeats.py):
    the worker ran its minute task, the beat sent it, the nightly risk sweep finished. A name and a
    time, nothing else."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class Lease(models.Model):
    """A named lease that outlives one transaction (portal/leases.py): the holder's token and when
    it lapses. Unlike a session advisory lock it works through PgBouncer in transaction mode."""

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"lease {self.name}"


class Disclosure(models.Model):
    """One choice an officer made to share more than the default with one audience (issue 21), kept
    for ever as history: who chose what, when, and when it was withdrawn. The choice in force for an
    audience is its one row not yet withdrawn (a constraint); no row means the default. The choices
    themselves, and every lookup of them, are in `portal.access`."""

    officer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="disclosures")
    audience = models.CharField(max_length=20)
    choice = models.CharField(max_length=30)
    # The named peer supporter (audience "peer_supporter" only): someone in the officer's organisation.
    peer_supporter = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="disclosures_to_me")
    chosen_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-chosen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "audience"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="one_current_disclosure_per_audience"),
        ]
        indexes = [models.Index(fields=["audience", "choice", "officer"], name="disclosure_current",
                                condition=models.Q(withdrawn_at__isnull=True))]

    def __str__(self):
        return f"disclosure {self.pk} of user {self.officer_id}: {self.audience}={self.choice}"


class ScimToken(models.Model):
    """A bearer token with which one organisation's identity provider (Microsoft Entra ID) calls the
    SCIM endpoint (portal/scim, docs/onboarding.md). Only a hash is kept: the token is shown once,
    when it is made (`manage.py scim_token ORG_SLUG`). `prefix` is its public first part, to find
    the row and to tell tokens apart in the admin; every request is scoped to `organisation`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="scim_tokens",
                                     verbose_name=_("organisation"))
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)  # sha256 hex of the whole token
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "-created_at"]
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")

    def __str__(self):
        return f"SCIM token {self.prefix} ({self.organisation})"


class ScimGroup(models.Model):
    """A group the identity provider pushed over SCIM. Its display name says what it means in the
    portal (portal/scim/groups.py): "Team: Unit / Team", "Supervises: Unit / Team" or "Role: code";
    membership is not stored here but read from and written to the people themselves."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="scim_groups")
    display_name = models.CharField(max_length=300)
    external_id = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "display_name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "display_name"],
                                               name="scim_group_name_unique_in_org")]

    def __str__(self):
        return f"SCIM group {self.pk} ({self.organisation})"


class HRImportUpload(models.Model):
    """An HR file uploaded on the import page (portal/hr_admin), kept between its preview and the
    admin's confirmation so that what is applied is re-read from the very bytes that were previewed.
    Private: never in the admin, the session or a URL; only its uploader opens it. The bytes are
    cleared once applied and every upload is deleted after a day (`portal.hr_admin.uploads`)."""

    data = models.BinaryField(editable=False)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    full = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)  # the counts applied: numbers only

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"HR import upload {self.pk} ({self.sha256[:12]})"


class CatalogueVersion(models.Model):
    """One row whose `version` changes with every change to the catalogue of what can be logged (the
    roles, their exposure categories and intensity rubrics), made by database triggers whatever made
    the change (`portal/catalogue.py`). A process keeps what it read of the catalogue while this is
    the same."""

    version = models.BigIntegerField()

    def __str__(self):
        return f"catalogue version {self.version}"
