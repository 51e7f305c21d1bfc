"""What keeps the admin to configuration (issue 15, item 5).

1. Deleting anything in the admin never removes, or lists, a person's records. Django's delete
   confirmation page lists every object a deletion would cascade to, by str(); deleting a person
   would silently cascade to their check-ins, flags, risk assessments, welfare actions, OH
   casework, exposures and training records. Every ModelAdmin on our site (ours and third-party
   ones, see PortalAdminSite.register) gets `RecordSafeDeleteMixin`: a deletion that would reach
   any record in RECORD_MODELS is refused, the page shows only counts per kind of record, and it
   says to deactivate the person instead (untick "active"), so retention (wellbeing/oh/services.py)
   stays the one way records are erased. Audit events are never cascaded (their foreign keys are
   DO_NOTHING without a constraint) and cannot be deleted anywhere (portal.models.AuditEvent, the
   PostgreSQL triggers).

2. Role and permission changes made in the admin write one audit event each: who changed which
   role flags, groups, permissions, granted organisations or supervised teams, for whom. Ids and
   booleans only, never names or free text.
"""

from __future__ import annotations

from collections import Counter

from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal import audit

# "app_label.modelname" of every record about a person (health data, casework, training history,
# the audit trail). A deletion that would cascade to any of them is refused in the admin.
RECORD_MODELS = frozenset({
    "portal.auditevent",
    "exposure.shiftlog", "exposure.exposure", "exposure.correctionnote",
    "wellbeing.checkin", "wellbeing.flag", "wellbeing.riskassessment", "wellbeing.welfareaction",
    "wellbeing.referral", "wellbeing.ohcasenote", "wellbeing.legalhold",
    "wellbeing.helprequest", "wellbeing.helpcontact", "wellbeing.screening",
    "training.assignment", "training.quizattempt", "training.completion", "training.feedback",
})


def records_reached(objs, using: str) -> Counter:
    """How many records of each RECORD_MODELS kind deleting `objs` would delete (cascades included),
    keyed by the model's plural verbose name. Never the objects themselves."""
    collector = NestedObjects(using=using)
    collector.collect(objs)
    reached = Counter()
    for model, instances in collector.data.items():
        if model._meta.label_lower in RECORD_MODELS and instances:
            reached[str(capfirst(model._meta.verbose_name_plural))] += len(instances)
    for obj in collector.protected:
        if obj._meta.label_lower in RECORD_MODELS:
            reached[str(capfirst(obj._meta.verbose_name_plural))] += 1
    return reached


class RecordSafeDeleteMixin:
    """Refuses, with counts only, any admin deletion (one object or "delete selected") that would
    reach a person's records; otherwise Django's own confirmation page."""

    def get_deleted_objects(self, objs, request):
        reached = records_reached(objs, router.db_for_write(self.model))
        if not reached:
            return super().get_deleted_objects(objs, request)
        protected = [_("%(kind)s: %(count)d") % {"kind": kind, "count": count}
                     for kind, count in sorted(reached.items())]
        protected.append(_("Records about people are kept until the retention policy erases them. To stop "
                           "someone signing in, untick “active” on their page instead (deactivate them)."))
        return [], {}, set(), protected


# ----------------------------------------------------------------------------- role changes

ROLE_FLAGS = ("is_officer", "is_supervisor", "is_trainer", "is_oh", "is_wellbeing_lead", "is_peer_supporter",
              "is_trim_practitioner", "is_trim_coordinator", "is_staff", "is_superuser", "is_active")
ROLE_SETS = ("groups", "user_permissions", "granted_organisations", "supervised_teams")


def role_snapshot(user) -> dict:
    """A person's role flags and the ids of everything that gives them rights."""
    if user is None or user.pk is None:
        return {**dict.fromkeys(ROLE_FLAGS, False), **{name: set() for name in ROLE_SETS}}
    return {
        **{flag: bool(getattr(user, flag)) for flag in ROLE_FLAGS},
        **{name: set(getattr(user, name).values_list("pk", flat=True)) for name in ROLE_SETS},
    }


def role_changes(before: dict, after: dict) -> dict:
    """{"is_oh": [false, true], "groups": {"added": [3], "removed": []}, ...}: what differs."""
    changes = {}
    for flag in ROLE_FLAGS:
        if before[flag] != after[flag]:
            changes[flag] = [before[flag], after[flag]]
    for name in ROLE_SETS:
        added, removed = sorted(after[name] - before[name]), sorted(before[name] - after[name])
        if added or removed:
            changes[name] = {"added": added, "removed": removed}
    return changes


def audit_role_change(*, user, before: dict, created: bool = False) -> None:
    """One audit event if the admin changed any of `user`'s roles or rights (none otherwise)."""
    changes = role_changes(before, role_snapshot(user))
    if changes:
        audit.record("admin_roles_changed", subject=user, obj=user,
                     detail={"created": created, "changes": changes})


def audit_team_supervisors(*, team, before: set) -> None:
    """One audit event if the admin changed who supervises `team`."""
    after = set(team.supervisors.values_list("pk", flat=True))
    added, removed = sorted(after - before), sorted(before - after)
    if added or removed:
        audit.record("admin_team_supervisors_changed", obj=team,
                     detail={"team": team.pk, "added": added, "removed": removed})
