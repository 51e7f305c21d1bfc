"""Who may see what: the one place that decides.

Every view asks this module whether a user may enter an area and which people and records they
may see; no view filters by role on its own. The plain-language notices shown on officers' forms
are built from the same rules, so what a form promises and what the code does cannot drift apart.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Team, User

# Area -> the role codes that may enter it. None means any signed-in user (everyone can be
# assigned training, including partner-agency staff who hold no role in the portal).
AREAS: dict[str, set[str] | None] = {
    "exposure": {"officer"},
    "wellbeing": {"officer"},
    "team": {"supervisor"},
    "training": None,
    "training_manage": {"trainer"},
    "oh": {"oh"},
    "admin": {"admin"},
}

# Navigation: (area, label, url name), in the order shown.
NAV = [
    ("exposure", _("My shifts"), "exposure:index"),
    ("wellbeing", _("My wellbeing"), "wellbeing:index"),
    ("team", _("My team"), "team:index"),
    ("training", _("My training"), "training:index"),
    ("training_manage", _("Manage training"), "training:manage"),
    ("oh", _("Occupational health"), "oh:index"),
    ("admin", _("Administration"), "admin:index"),
]

# The start page for someone holding several roles is that of the first role here that they hold.
START_ORDER = [("oh", "oh:index"), ("supervisor", "team:index"), ("trainer", "training:manage"),
               ("officer", "exposure:index"), ("admin", "admin:index")]

# Purposes for which one person's records may be read by another.
OWN = "own"  # the person themselves
TEAM_SUMMARY = "team_summary"  # supervisor: level, reason categories, completion, load; never answers
CLINICAL_DETAIL = "clinical_detail"  # occupational health: the detail, every read audited
TRAINING_RECORDS = "training_records"  # trainer: assignments, completions, feedback; no wellbeing data
PURPOSES = {OWN, TEAM_SUMMARY, CLINICAL_DETAIL, TRAINING_RECORDS}

# Who sees what an officer enters, in words. Used on every form an officer fills in.
NOTICES = {
    "exposure": _(
        "You and occupational health can see the detail you enter here. Your supervisor sees only "
        "your overall exposure load and its categories, never the detail or your notes."
    ),
    "checkin": _(
        "Your answers and scores are seen only by you and occupational health. Your supervisor never "
        "sees them; if something suggests you may need support, they see only that a welfare "
        "conversation is recommended."
    ),
    "checkin_comment": _(
        "Your comment stays private to you unless you tick the box to share it with occupational health."
    ),
    "training": _(
        "Your trainers see your assignments, progress and quiz results; your feedback reaches them "
        "only in totals and comments without your name. They never see "
        "your shifts or check-ins."
    ),
}


def can_enter(user, area: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    allowed = AREAS[area]
    if allowed is None:
        return True
    return bool(allowed.intersection(user.roles))


def area_required(area: str):
    """View decorator: sign-in required, then 403 unless the user's roles open the area."""
    if area not in AREAS:
        raise ValueError(f"unknown area {area!r}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not can_enter(request.user, area):
                raise PermissionDenied(_("Your role does not give access to this area."))
            return view(request, *args, **kwargs)

        wrapped.access_area = area  # type: ignore[attr-defined]  # a marker on the view function
        return wrapped

    return decorator


def nav_items(user) -> list[dict]:
    return [{"area": a, "label": label, "url": reverse(name)} for a, label, name in NAV if can_enter(user, a)]


def start_url(user) -> str:
    roles = set(user.roles)
    for role, name in START_ORDER:
        if role in roles:
            return reverse(name)
    return reverse("training:index")


def organisation_ids(user) -> list[int]:
    """The organisations a user works in: their own and any an admin has granted."""
    ids = list(user.granted_organisations.values_list("id", flat=True))
    if user.organisation_id:
        ids.append(user.organisation_id)
    return ids


def people_visible_to(user, purpose: str) -> QuerySet:
    """The people whose records `user` may read for `purpose`. Empty when the role gives none."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    people = User.objects.filter(is_active=True)
    if not user.is_authenticated:
        return people.none()
    if purpose == OWN:
        return people.filter(pk=user.pk)
    if purpose == TEAM_SUMMARY and user.is_supervisor:
        return people.filter(team__supervisors=user, organisation_id__in=organisation_ids(user)).distinct()
    if purpose == CLINICAL_DETAIL and user.is_oh:
        return people.filter(organisation_id__in=organisation_ids(user))
    if purpose == TRAINING_RECORDS and user.is_trainer:
        return people.filter(organisation_id__in=organisation_ids(user))
    return people.none()


def get_person_or_404(user, person_pk, purpose: str) -> User:
    """One person, or 404 if `user` may not see them for `purpose` (never 403: a 403 would confirm
    that the person exists)."""
    try:
        return people_visible_to(user, purpose).get(pk=person_pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def scope(user, queryset: QuerySet, purpose: str = OWN, owner_field: str = "officer") -> QuerySet:
    """Narrow any queryset of records owned by a person (through `owner_field`) to what `user`
    may see for `purpose`."""
    if purpose == OWN:
        return queryset.filter(**{owner_field: user}) if user.is_authenticated else queryset.none()
    return queryset.filter(**{f"{owner_field}__in": people_visible_to(user, purpose)})


def get_own_or_404(user, queryset: QuerySet, pk, owner_field: str = "officer"):
    """One record of the user's own, or 404 (another person's record looks exactly like none)."""
    try:
        return scope(user, queryset, OWN, owner_field).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def supervisors_by_team(team_ids) -> dict[int | None, list[User]]:
    """Who supervises each team (active supervisors only), for many teams in one query. Keyed by
    team id; the key type admits None so that an officer with no team can look up and find none."""
    membership = Team.supervisors.through
    result: dict[int | None, list[User]] = {}
    rows = membership.objects.filter(team_id__in=set(team_ids), user__is_supervisor=True,
                                     user__is_active=True).select_related("user").order_by("user_id")
    for row in rows:
        result.setdefault(row.team_id, []).append(row.user)
    return result


def supervisors_of(person) -> list[User]:
    """Who supervises `person`: the supervisors of their team."""
    return supervisors_by_team([person.team_id]).get(person.team_id, []) if person.team_id else []


def oh_staff_by_organisation(organisation_ids) -> dict[int | None, list[User]]:
    """Occupational health staff covering each organisation (their own, or granted to them), for
    many organisations in one query (a None key, no organisation, finds none)."""
    wanted: set[int] = set(organisation_ids)
    result: dict[int | None, list[User]] = {}
    staff = User.objects.filter(is_oh=True, is_active=True).filter(
        Q(organisation_id__in=wanted) | Q(granted_organisations__in=wanted)
    ).distinct().prefetch_related("granted_organisations").order_by("pk")
    for user in staff:
        covered = wanted & ({user.organisation_id} | {o.pk for o in user.granted_organisations.all()})
        for organisation_id in sorted(covered):
            result.setdefault(organisation_id, []).append(user)
    return result


def oh_staff_for(person) -> list[User]:
    """Occupational health staff who cover `person`'s organisation (own or granted)."""
    if not person.organisation_id:
        return []
    return oh_staff_by_organisation([person.organisation_id]).get(person.organisation_id, [])
