"""Asking for help without going through the line: an officer's request to talk to a peer
supporter or occupational health, and the contacts made about it.

Dates, kinds and codes only. There is no free-text field anywhere here: what is said in a talk
stays with the people who had it (a peer supporter's notes never enter the portal). What the
officer chose to send is copied at the moment they sent it (their level, or the categories of
their recent check-ins), so the recipient sees exactly what the officer agreed to and no more."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HelpRequest(models.Model):
    class Shares(models.TextChoices):
        NOTHING = "nothing", _("Nothing: just that I would like to talk")
        LEVEL = "level", _("My current level (green, amber, red)")
        CHECKINS = "checkins", _("My recent check-ins (the questionnaire, the date and the result band; never my "
                                 "answers)")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a reply")
        ACCEPTED = "accepted", _("Accepted")
        CLOSED = "closed", _("Closed")

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_requests")
    organisation = models.ForeignKey("portal.Organisation", on_delete=models.PROTECT, related_name="+")
    # A peer supporter, or nobody (a request to occupational health only).
    peer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="help_requests_received")
    # Occupational health sees it: asked for, or marked urgent (never to a peer alone).
    to_oh = models.BooleanField(default=False)
    urgent = models.BooleanField(_("urgent"), default=False)
    shares = models.CharField(_("what goes with the request"), max_length=10, choices=Shares.choices,
                              default=Shares.NOTHING)
    shared_level = models.CharField(max_length=10, blank=True)  # a Level code, when shared
    # [{"instrument": "phq9", "on": "2026-11-20", "band": "mild", "positive": false}, ...] when shared
    shared_checkins = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["peer", "status"], name="helprequest_peer_status"),
            models.Index(fields=["organisation", "to_oh", "status"], name="helprequest_oh_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(peer__isnull=False) | models.Q(to_oh=True),
                                   name="helprequest_has_a_recipient"),
            models.CheckConstraint(condition=models.Q(urgent=False) | models.Q(to_oh=True),
                                   name="helprequest_urgent_reaches_oh"),
        ]

    def __str__(self):
        # Never who asked or what was shared: this string can reach logs and admin pages.
        return f"help request {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CLOSED


class HelpContact(models.Model):
    """A contact made about a help request: the date and the kind, nothing of what was said."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone call")
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")
        MESSAGE = "message", _("Message")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField(_("date of contact"))
    kind = models.CharField(_("kind of contact"), max_length=10, choices=Kind.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.kind} contact on {self.on:%Y-%m-%d}"
