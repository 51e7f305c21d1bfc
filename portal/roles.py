"""High-risk roles as data (issue 18): the roles an officer may hold and log shifts in.

A role is a row an admin adds in the admin: its name, the kinds of field its shift form asks for,
its check-in interval and the weights of its doses. Its exposure categories are `exposure.
ExposureCategory` rows with its code. The four shipped roles (call handling, CSE review, firearms,
counter-terrorism) are seeded rows (migration portal 0019) and keep their own hand-made forms; a
role an admin adds gets a form built from its field kinds (exposure/role_forms.py).

The model lives in the core app, beside `User.high_risk_role`, because every app lists roles
(exposure, check-ins, training, HR import) and the core is the one they all read. Rows are keyed by
`code`, the same string the role columns have always held, so no stored row changes."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal import catalogue
from portal.language import in_active_language


class HighRiskRole(models.TextChoices):
    """The codes of the four shipped roles (and "other"), for code that treats one of them specially
    (the CSE viewing timer, call outcomes, debriefs). Lists of roles people see come from `Role`."""

    CALL_HANDLING = "call_handling", _("Call handling (999/101)")
    CSE_REVIEW = "cse_review", _("CSE digital review")
    FIREARMS = "firearms", _("Firearms")
    COUNTER_TERRORISM = "counter_terrorism", _("Counter-terrorism")
    OTHER = "other", _("Other")


# The kinds of field a generated shift form can ask for: the small set the portal knows.
COUNTS = "counts"
MINUTES = "minutes"
DEPLOYMENT = "deployment"
CRITICAL = "critical"
FIELD_KINDS = [
    (COUNTS, _("How many of each exposure category")),
    (MINUTES, _("Minutes spent exposed (for example viewing material)")),
    (DEPLOYMENT, _("A deployment: its kind, whether there was a defined task, a briefing and a debrief")),
    (CRITICAL, _("A critical-incident mark")),
]
FIELD_KIND_CODES = [code for code, _label in FIELD_KINDS]

# "Other" is a value a person may hold (HR may say so) without a role of its own to log.
OTHER = HighRiskRole.OTHER.value
SHIPPED = frozenset(HighRiskRole.values) - {OTHER}


def validate_field_kinds(value) -> None:
    if not isinstance(value, list) or any(kind not in FIELD_KIND_CODES for kind in value):
        raise ValidationError(_("Choose field kinds from the list."))


class Role(models.Model):
    """A high-risk role. Its weights are judgements for occupational health to review, like the
    constants in exposure/dose.py that the shipped roles are seeded with."""

    code = models.SlugField(
        _("code"), max_length=30, unique=True,
        help_text=_("A short name in lower case with underscores, for example collision_investigator. "
                    "Stored on every shift logged in this role: it cannot change once the role is in use."))
    name = models.CharField(_("name"), max_length=120)
    name_cy = models.CharField(
        _("name in Welsh"), max_length=120, blank=True,
        help_text=_("Shown to people who use the portal in Welsh. Left empty, they see the English name."))
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="roles",
        verbose_name=_("organisation"), help_text=_("Leave empty for a role every organisation uses."))
    field_kinds = models.JSONField(
        _("what the shift form asks"), default=list, blank=True, validators=[validate_field_kinds])
    questionnaire_every_days = models.PositiveSmallIntegerField(
        _("questionnaires every (days)"), null=True, blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_("How often people in this role are asked the regular questionnaires. Leave empty "
                    "for the check-in schedule's own intervals."))
    default_minutes = models.PositiveSmallIntegerField(
        _("minutes each counted event weighs"), default=30, validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Used when no minutes are logged: each call, item or incident counts as this many minutes."))
    defined_task_factor = models.FloatField(
        _("defined-task factor"), default=0.8, validators=[MinValueValidator(0.1), MaxValueValidator(1.0)],
        help_text=_("A dose is multiplied by this when the officer had a defined task (1 for no effect)."))
    critical_incident_factor = models.FloatField(
        _("critical-incident factor"), default=2.0, validators=[MinValueValidator(1.0), MaxValueValidator(10.0)],
        help_text=_("A dose is multiplied by this when it is marked as a critical incident."))
    mitigation_step = models.FloatField(
        _("reduction per mitigation"), default=0.1, validators=[MinValueValidator(0.0), MaxValueValidator(0.5)])
    mitigation_floor = models.FloatField(
        _("lowest mitigation factor"), default=0.6, validators=[MinValueValidator(0.1), MaxValueValidator(1.0)])
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("Untick to stop offering the role; shifts logged in it stay."))
    order = models.PositiveSmallIntegerField(_("order"), default=50)

    class Meta:
        app_label = "portal"
        ordering = ["order", "name"]
        verbose_name = _("high-risk role")
        verbose_name_plural = _("high-risk roles")

    def __str__(self):
        return self.name

    @property
    def shipped(self) -> bool:
        return self.code in SHIPPED

    @property
    def display_name(self) -> str:
        """The shipped roles keep their translated names (the Welsh is in the catalogue)."""
        if self.shipped:
            return str(HighRiskRole(self.code).label)
        return in_active_language(self.name, self.name_cy)

    def has_kind(self, kind: str) -> bool:
        return kind in (self.field_kinds or [])

    def clean(self):
        super().clean()
        if self.code == OTHER:
            raise ValidationError({"code": _("“other” is kept for people without a loggable role.")})


def offered(organisation_id: int | None = None):
    """Active roles for an organisation (its own and everyone's), in their order. Without an
    organisation, every active role."""
    roles = Role.objects.filter(active=True)
    if organisation_id is not None:
        roles = roles.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))
    return roles.order_by("order", "name")


def offered_kept(organisation_id: int | None = None) -> list[Role]:
    """`offered` as a list, from this process's copy of the catalogue while it is current
    (`portal.catalogue`): the shift form reads it on every request. The list is the caller's, the
    roles in it shared (read-only)."""
    return list(catalogue.kept(("offered", organisation_id), lambda: list(offered(organisation_id))))


def choices(organisation_id: int | None = None) -> list[tuple[str, str]]:
    """(code, name in the reader's language) of the roles offered: every list of roles people see."""
    return [(r.code, r.display_name) for r in offered(organisation_id)]


def holdable_choices(organisation_id: int | None = None) -> list[tuple[str, str]]:
    """The values a person's high-risk role may take: the roles offered and "Other"."""
    return [*choices(organisation_id), (OTHER, str(HighRiskRole.OTHER.label))]


def admin_choices() -> list[tuple[str, str]]:
    """Every role (inactive ones too, so a stored value stays valid) and "Other", for admin forms."""
    return [("", "---------"), *((r.code, r.display_name) for r in Role.objects.order_by("order", "name")),
            (OTHER, str(HighRiskRole.OTHER.label))]


def codes_with_kind(kind: str):
    """A subquery of the codes of roles whose form asks `kind` (one SQL query with its caller's)."""
    return Role.objects.filter(field_kinds__icontains=f'"{kind}"').values("code")


def asks_deployment(code: str) -> bool:
    """Whether the role's form asks about deployments (and so whether a supervisor may be told of a
    deployment without a defined task). The shipped roles are answered without a query."""
    if code in SHIPPED or not code or code == OTHER:
        return code in (HighRiskRole.FIREARMS, HighRiskRole.COUNTER_TERRORISM)
    return Role.objects.filter(code=code, field_kinds__icontains=f'"{DEPLOYMENT}"').exists()


def values(organisation_id: int | None = None) -> set[str]:
    return {code for code, _name in choices(organisation_id)}


# Names of added roles by language, read at most once a minute per process (labels of stored rows
# on lists would otherwise cost a query each); a change to a role clears them at once here.
_NAMES: dict[str, tuple[float, dict[str, str]]] = {}
NAMES_FOR_SECONDS = 60


def label(code: str) -> str:
    """The name of the role with this code, for labelling a stored row (inactive roles too). The
    shipped roles need no query; an unknown code is shown as it is."""
    if not code:
        return ""
    if code in HighRiskRole.values:
        return str(HighRiskRole(code).label)
    language = get_language() or ""
    read_at, found = _NAMES.get(language, (0.0, {}))
    if code not in found or time.monotonic() - read_at > NAMES_FOR_SECONDS:
        found = {r.code: r.display_name for r in Role.objects.all()}
        _NAMES[language] = (time.monotonic(), found)
    return found.get(code, code)


@receiver(post_save, sender=Role)
@receiver(post_delete, sender=Role)
def _forget_names(**kwargs) -> None:
    _NAMES.clear()
