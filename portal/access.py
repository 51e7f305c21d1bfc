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

from portal.models import Disclosure, Team, User

# Area -> the role codes that may enter it. None means any signed-in user (everyone can be
# assigned training, including partner-agency staff who hold no role in the portal).
AREAS: dict[str, set[str] | None] = {
    "exposure": {"officer"},
    "wellbeing": {"officer"},
    "team": {"supervisor"},
    "training": None,
    "training_manage": {"trainer"},
    "oh": {"oh"},
    # Aggregate reports only (the rules report): the wellbeing lead, and OH. Never a person's record.
    "lead": {"wellbeing_lead", "oh"},
    "admin": {"admin"},
    # Asking for help without going through the line (wellbeing/talk): any officer may ask...
    "talk": {"officer"},
    # ...and a request is answered from one queue: a peer supporter's own, and occupational
    # health's for the requests that reach it (asked for, or marked urgent).
    "help_queue": {"peer_supporter", "oh"},
    # Monthly counts of requests and contacts, small numbers suppressed (no person in them).
    "help_counts": {"oh", "wellbeing_lead"},
    # The overall level of the officers who named this peer supporter on their privacy page.
    "peer_levels": {"peer_supporter"},
    # TRiM (wellbeing/trim, docs/trim.md): practitioners see the cases assigned to them, coordinators
    # every case of their organisations; only coordinators plan, assign and read the reports.
    "trim": {"trim_practitioner", "trim_coordinator"},
    "trim_coordinate": {"trim_coordinator"},
    # A supervisor declares an incident for everyone involved, or refers someone.
    "trim_declare": {"supervisor"},
    # An officer's own TRiM cases: dates, their practitioner, accept or decline; and self-referral.
    "trim_own": {"officer"},
}

# Navigation: (area, label, url name), in the order shown.
NAV = [
    ("exposure", _("My shifts"), "exposure:index"),
    ("wellbeing", _("My wellbeing"), "wellbeing:index"),
    ("team", _("My team"), "team:index"),
    ("training", _("My training"), "training:index"),
    ("training_manage", _("Manage training"), "training:manage"),
    ("oh", _("Occupational health"), "oh:index"),
    ("lead", _("Wellbeing reports"), "lead:index"),
    ("help_queue", _("Help requests"), "help:queue"),
    ("trim", _("TRiM cases"), "trim:index"),
    ("admin", _("Administration"), "admin:index"),
    # Last, so it sits at the end of the officer's menu on every page: one click from anywhere.
    ("talk", _("Talk to someone"), "talk:index"),
]

# The start page for someone holding several roles is that of the first role here that they hold.
START_ORDER = [("oh", "oh:index"), ("wellbeing_lead", "lead:index"), ("supervisor", "team:index"),
               ("trainer", "training:manage"), ("peer_supporter", "help:queue"), ("trim_coordinator", "trim:index"),
               ("officer", "exposure:index"), ("trim_practitioner", "trim:index"),
               ("admin", "admin:index")]

# Purposes for which one person's records may be read by another.
OWN = "own"  # the person themselves
TEAM_SUMMARY = "team_summary"  # supervisor: level, reason categories, completion, load; never answers
CLINICAL_DETAIL = "clinical_detail"  # occupational health: the detail, every read audited
TRAINING_RECORDS = "training_records"  # trainer: assignments, completions, feedback; no wellbeing data
PURPOSES = {OWN, TEAM_SUMMARY, CLINICAL_DETAIL, TRAINING_RECORDS}

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


def get_scoped_or_404(user, queryset: QuerySet, pk, purpose: str = OWN, owner_field: str = "officer"):
    """One record `user` may see for `purpose` (their own by default), or 404: a record out of reach
    looks exactly like none."""
    try:
        return scope(user, queryset, purpose, owner_field).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


get_own_or_404 = get_scoped_or_404


def report_organisation_ids(user) -> list[int]:
    """The organisations whose aggregate reports `user` may read (the wellbeing lead and OH: their
    own and any granted); none for anyone else. Aggregates only: no role here sees a person."""
    if not user.is_authenticated or not (user.is_wellbeing_lead or user.is_oh):
        return []
    return organisation_ids(user)


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


def line_chain(person, *, limit: int = 10) -> list[User]:
    """Everyone in `person`'s line management chain: the supervisors of their team, those
    supervisors' own supervisors, and so on up (at most `limit` levels, so a loop in the data ends)."""
    chain: dict[int, User] = {}
    level = supervisors_of(person)
    for _depth in range(limit):
        new = [s for s in level if s.pk not in chain and s.pk != person.pk]
        if not new:
            break
        chain.update((s.pk, s) for s in new)
        team_ids = {s.team_id for s in new if s.team_id}
        by_team = supervisors_by_team(list(team_ids)) if team_ids else {}
        level = [up for team_id in team_ids for up in by_team.get(team_id, [])]
    return list(chain.values())


def oh_staff_by_organisation(organisation_ids) -> dict[int | None, list[User]]:
    """Occupational health staff covering each organisation (their own, or granted to them), for
    many organisations in one query (a None key, no organisation, finds none)."""
    return _role_by_organisation("is_oh", organisation_ids)


def trim_coordinators_by_organisation(organisation_ids) -> dict[int | None, list[User]]:
    """Active TRiM coordinators covering each organisation (own or granted), in one query."""
    return _role_by_organisation("is_trim_coordinator", organisation_ids)


def _role_by_organisation(flag: str, organisation_ids) -> dict[int | None, list[User]]:
    wanted: set[int] = set(organisation_ids) - {None}
    result: dict[int | None, list[User]] = {}
    staff = User.objects.filter(**{flag: True}, is_active=True).filter(
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


def urgent_contacts_eligible(organisation_id) -> QuerySet:
    """Who may be an organisation's on-call (or second) contact for urgent flags: its active
    occupational health members (own or granted), the people who already act on urgent flags and
    may read the detail behind them (CLINICAL_DETAIL, every read audited). Naming someone on call
    grants nothing more (wellbeing/risk/urgent.py re-checks this at every send)."""
    if organisation_id is None:
        return User.objects.none()
    return User.objects.filter(is_oh=True, is_active=True).filter(
        Q(organisation_id=organisation_id) | Q(granted_organisations=organisation_id)).distinct()
# ----------------------------------------------------------------------------- graduated disclosure
# What more than the default each officer has chosen to share, per audience (issue 21). The first
# choice of each audience is its default (no `Disclosure` row in force). Every page and export that
# shows an officer's records to someone else asks the lookups below, so a choice, or its withdrawal,
# takes effect on the next request everywhere. docs/privacy.md describes each one (a test holds it equal).


SUPERVISOR = "supervisor"
OCCUPATIONAL_HEALTH = "oh"
PEER_SUPPORTER = "peer_supporter"
DEFAULT = "default"  # nothing more than the default
CLINICAL_CATEGORY = "clinical_category"  # supervisor: which kind of screen is above its cut-off
PER_CHECKIN = "per_checkin"  # OH: a comment only when shared on that check-in (the default)
ALL_COMMENTS = "all_comments"  # OH: every comment
LEVEL = "level"  # a named peer supporter: the overall level

AUDIENCES = {
    SUPERVISOR: _("Your supervisor"),
    OCCUPATIONAL_HEALTH: _("Occupational health"),
    PEER_SUPPORTER: _("A peer supporter you name"),
}
DISCLOSURE_CHOICES: dict[str, list[tuple[str, object]]] = {
    SUPERVISOR: [
        (DEFAULT, _("Nothing more than the default: only that a welfare conversation is recommended")),
        (CLINICAL_CATEGORY, _("Also which kind of questionnaire scored above its cut-off (for example low "
                              "mood), never my answers or scores")),
    ],
    OCCUPATIONAL_HEALTH: [
        (PER_CHECKIN, _("My comments only when I share them on a check-in")),
        (ALL_COMMENTS, _("All my check-in comments")),
    ],
    PEER_SUPPORTER: [
        (DEFAULT, _("Nothing")),
        (LEVEL, _("My overall level (green, amber or red)")),
    ],
}


def default_choice(audience: str) -> str:
    return DISCLOSURE_CHOICES[audience][0][0]


def current_disclosures(officer) -> dict[str, Disclosure]:
    """The choices in force for `officer`, by audience (an audience left at its default is absent).
    One query."""
    if not getattr(officer, "pk", None):
        return {}
    return {d.audience: d for d in Disclosure.objects.filter(officer=officer, withdrawn_at__isnull=True)
            .select_related("peer_supporter")}


def _shares(audience: str, choice: str, people) -> set[int]:
    """The ids among `people` (a queryset of users, or ids) whose choice for `audience` is `choice`
    now. One query, whatever the number of people."""
    if isinstance(people, QuerySet):
        people = people.order_by().values("pk")
    return set(Disclosure.objects.filter(audience=audience, choice=choice, withdrawn_at__isnull=True,
                                         officer_id__in=people).values_list("officer_id", flat=True))


def clinical_category_shared(people) -> set[int]:
    """Of `people` (already narrowed to what the supervisor may see), the ids of those who chose to
    let their supervisor see which kind of screen is above its cut-off. One query."""
    return _shares(SUPERVISOR, CLINICAL_CATEGORY, people)


def all_comments_for_oh(person) -> bool:
    """Whether `person` chose to let occupational health read every check-in comment."""
    return bool(_shares(OCCUPATIONAL_HEALTH, ALL_COMMENTS, [person.pk]))


def level_shared_with(peer) -> QuerySet:
    """The people who chose to let `peer` (the peer supporter they named) see their overall level:
    active people of the organisations the peer works in, and nobody while `peer` is not (or no
    longer) a peer supporter."""
    if not getattr(peer, "is_authenticated", False) or not getattr(peer, "is_peer_supporter", False):
        return User.objects.none()
    named = Disclosure.objects.filter(audience=PEER_SUPPORTER, choice=LEVEL, withdrawn_at__isnull=True,
                                      peer_supporter=peer).values("officer_id")
    return User.objects.filter(is_active=True, pk__in=named, organisation_id__in=organisation_ids(peer))


def peer_supporter_candidates(officer) -> QuerySet:
    """Whom an officer may name as the peer supporter who sees their level: the same directory
    they choose from on "Talk to someone" (`peer_supporters_for`)."""
    return peer_supporters_for(officer)


# ----------------------------------------------------------------------------- help requests


def peer_supporters_for(officer) -> QuerySet:
    """The directory an officer chooses from: active peer supporters of the officer's organisation,
    never the officer themself and never anyone who supervises them (a request must not reach the
    line, even by the officer's own choice of a supervisor who is also a peer supporter)."""
    if not officer.is_authenticated or not officer.organisation_id:
        return User.objects.none()
    line = [s.pk for s in supervisors_of(officer)]
    return (User.objects.filter(is_active=True, is_peer_supporter=True, organisation_id=officer.organisation_id)
            .exclude(pk=officer.pk).exclude(pk__in=line).order_by("last_name", "first_name", "username"))


def help_requests_visible_to(user, queryset: QuerySet) -> QuerySet:
    """The help requests `user` may read in the queue: a peer supporter those addressed to them;
    occupational health those that reach OH (asked for, or urgent) in the organisations they cover.
    Nobody else: not the officer's supervisor, not a trainer, not another officer (an officer reads
    their own through `scope(user, ..., OWN)`)."""
    if not can_enter(user, "help_queue"):
        return queryset.none()
    visible = Q(pk__in=[])
    if user.is_peer_supporter:
        visible |= Q(peer=user)
    if user.is_oh:
        visible |= Q(to_oh=True, organisation_id__in=organisation_ids(user))
    return queryset.filter(visible)


def get_help_request_or_404(user, queryset: QuerySet, pk):
    try:
        return help_requests_visible_to(user, queryset).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
# ----------------------------------------------------------------------------- TRiM cases
# A case's band, assessments and referral are read in /trim/ only by the coordinators of the
# incident's organisation and the case's practitioner; never by anyone in the person's line
# management (a coordinator above the person, at any level, leaves it to another coordinator), never
# through /trim/ by the person (theirs is /trim/mine/). Nobody else has a way in (docs/trim.md).


def teams_below(user, *, limit: int = 10) -> set[int]:
    """The teams `user` supervises, those supervised by supervisors in them, and so on down: the
    inverse of `line_chain` (`user` is in `line_chain(person)` exactly when `person.team_id` is here)."""
    if not getattr(user, "is_authenticated", False) or not user.is_supervisor:
        return set()
    membership = Team.supervisors.through
    teams = level = set(membership.objects.filter(user=user).values_list("team_id", flat=True))
    for _depth in range(limit):
        bosses = User.objects.filter(team_id__in=level, is_supervisor=True, is_active=True).values("pk")
        level = set(membership.objects.filter(user__in=bosses).values_list("team_id", flat=True)) - teams
        if not level:
            break
        teams = teams | level
    return teams


def trim_cases_visible_to(user, queryset: QuerySet, *, coordinate: bool = False, own_line: bool = False) -> QuerySet:
    """The TRiM cases `user` may read in /trim/ (`coordinate`: those they plan, assign and close, as a
    coordinator). `own_line`: instead, those left to another coordinator because `user` is in the
    person's line (shown to them as a count only)."""
    if not can_enter(user, "trim_coordinate" if coordinate or own_line else "trim"):
        return queryset.none()
    visible = Q(incident__organisation_id__in=organisation_ids(user)) if user.is_trim_coordinator else Q(pk__in=[])
    if user.is_trim_practitioner and not (coordinate or own_line):
        visible |= Q(practitioner=user)
    cases, below = queryset.filter(visible).exclude(person=user), teams_below(user)
    if own_line:
        return cases.filter(person__team_id__in=below)
    return cases.exclude(person__team_id__in=below) if below else cases


def get_trim_case_or_404(user, queryset: QuerySet, pk, *, coordinate: bool = False):
    try:
        return trim_cases_visible_to(user, queryset, coordinate=coordinate).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def trim_practitioner_candidates(person) -> QuerySet:
    """Whom a coordinator may assign as `person`'s practitioner: active practitioners of their
    organisation, never the person themself and never anyone in their line management chain."""
    if not person.organisation_id:
        return User.objects.none()
    return (User.objects.filter(is_active=True, is_trim_practitioner=True, organisation_id=person.organisation_id)
            .exclude(pk=person.pk).exclude(pk__in=[s.pk for s in line_chain(person)])
            .order_by("last_name", "first_name", "username"))
