"""The invented demo organisation. Every name here is made up; none is a real person.

seed_core() builds the organisation, its structure and the people, idempotently, and returns a
DemoContext that each app's own `<app>/demo.py` (a function `seed(ctx)`) uses to add months of
history for its area.

The apps above the core take part through two signals, connected in their AppConfig.ready() (the
core never imports them): `demo_seed` (with `ctx`, inside the seeding transaction; receivers run in
INSTALLED_APPS order, so exposure's shifts exist before wellbeing reads them) and `demo_seeded`
(after it has committed: the risk sweep assesses everyone from the history just seeded).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.dispatch import Signal
from django.utils import timezone

from portal.models import HighRiskRole, Organisation, Team, Unit, User

demo_seed = Signal()
demo_seeded = Signal()

DEMO_USERNAMES = ["demo.officer", "demo.cse", "demo.firearms", "demo.supervisor", "demo.trainer", "demo.oh",
                  "demo.lead", "demo.peer", "demo.trim", "demo.admin"]
# The demo users whose role requires two-factor sign-in; their authenticator secret is
# settings.DEMO_TOTP_SECRET, so anyone trying the demo can get a code (`manage.py demo_totp`).
DEMO_TWO_FACTOR_USERNAMES = ["demo.supervisor", "demo.trainer", "demo.oh", "demo.lead", "demo.peer", "demo.trim",
                             "demo.admin"]

# Invented people for team Alpha (supervised by demo.supervisor): mixed high-risk roles.
ALPHA = [
    ("demo.officer", "Alex", "Morgan", HighRiskRole.CALL_HANDLING),
    ("p.hartley", "Priya", "Hartley", HighRiskRole.CALL_HANDLING),
    ("d.achebe", "Daniel", "Achebe", HighRiskRole.CALL_HANDLING),
    ("demo.cse", "Siân", "Llewellyn", HighRiskRole.CSE_REVIEW),
    ("m.kowalski", "Marta", "Kowalski", HighRiskRole.CSE_REVIEW),
    ("j.fairbairn", "James", "Fairbairn", HighRiskRole.CSE_REVIEW),
    ("demo.firearms", "Ruth", "Osei", HighRiskRole.FIREARMS),
    ("t.brennan", "Tom", "Brennan", HighRiskRole.FIREARMS),
    ("k.nakamura", "Kenji", "Nakamura", HighRiskRole.COUNTER_TERRORISM),
    ("l.pryce", "Lowri", "Pryce", HighRiskRole.COUNTER_TERRORISM),
]
BRAVO = [
    ("h.quinlan", "Hannah", "Quinlan", HighRiskRole.CALL_HANDLING),
    ("o.adeyemi", "Olu", "Adeyemi", HighRiskRole.FIREARMS),
    ("c.macrae", "Callum", "MacRae", HighRiskRole.CSE_REVIEW),
    ("f.demir", "Fatma", "Demir", HighRiskRole.COUNTER_TERRORISM),
]
# Team Charlie brings every role in Specialist Operations to at least five people, as in a real
# force: with fewer, OH's row-level report leaves every row out (the small-number rule,
# portal.exports.SUPPRESS_BELOW) and the demo's export would hold only its header.
CHARLIE = [
    ("e.varga", "Eszter", "Varga", HighRiskRole.CALL_HANDLING),
    ("n.obi", "Nkem", "Obi", HighRiskRole.CSE_REVIEW),
    ("w.garside", "Will", "Garside", HighRiskRole.FIREARMS),
    ("a.lindqvist", "Anna", "Lindqvist", HighRiskRole.FIREARMS),
    ("y.haddad", "Yusuf", "Haddad", HighRiskRole.COUNTER_TERRORISM),
    ("b.carver", "Bronwen", "Carver", HighRiskRole.COUNTER_TERRORISM),
]
FIRE_STAFF = [
    ("fire.b.walsh", "Bethan", "Walsh"),
    ("fire.g.singh", "Gurpreet", "Singh"),
    ("fire.e.thorne", "Ellis", "Thorne"),
]


@dataclass
class DemoContext:
    organisation: Organisation
    partner: Organisation
    alpha: Team
    bravo: Team
    officer: User
    supervisor: User
    trainer: User
    oh: User
    admin: User
    officers: list[User] = field(default_factory=list)  # every officer of every team
    partner_staff: list[User] = field(default_factory=list)
    today: object = None
    rng: random.Random = field(default_factory=lambda: random.Random(20261126))  # noqa: S311 - demo data


def _person(username, first, last, organisation, *, password=None, **fields) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "organisation": organisation,
                  "email": f"{username}@example.invalid", **fields},
    )
    if not created:
        changed = {k: v for k, v in {"first_name": first, "last_name": last, "organisation": organisation,
                                      **fields}.items() if getattr(user, k) != v}
        for k, v in changed.items():
            setattr(user, k, v)
        if changed:
            user.save(update_fields=list(changed))
    if password is None:
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    elif not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def seed_core() -> DemoContext:
    password = settings.DEMO_PASSWORD
    force, _ = Organisation.objects.get_or_create(
        slug="northmoor-police",
        defaults={"name": "Northmoor Constabulary", "kind": Organisation.Kind.POLICE,
                  "nation": Organisation.Nation.ENGLAND},
    )
    # The demo OH service works 08:00 to 18:00 on weekdays (as its support contact says), and
    # undeliverable urgent notices go to an invented duty mailbox.
    Organisation.objects.filter(pk=force.pk).update(
        oh_opens_at=datetime.time(8, 0), oh_closes_at=datetime.time(18, 0),
        oh_escalation_email="oh-duty@northmoor.invalid",
        # Call handlers quote the control room's incident number when they ask for a call's outcome.
        incident_reference_pattern=r"CAD-\d{4}-\d{2}", incident_reference_example="CAD-1234-22")
    fire, _ = Organisation.objects.get_or_create(
        slug="northmoor-fire",
        defaults={"name": "Northmoor Fire and Rescue Service", "kind": Organisation.Kind.FIRE,
                  "nation": Organisation.Nation.ENGLAND},
    )
    ops, _ = Unit.objects.get_or_create(organisation=force, name="Specialist Operations")
    alpha, _ = Team.objects.get_or_create(unit=ops, name="Alpha")
    bravo, _ = Team.objects.get_or_create(unit=ops, name="Bravo")
    charlie, _ = Team.objects.get_or_create(unit=ops, name="Charlie")
    hq, _ = Unit.objects.get_or_create(organisation=force, name="People Services")
    fire_unit, _ = Unit.objects.get_or_create(organisation=fire, name="Operational Crews")
    fire_team, _ = Team.objects.get_or_create(unit=fire_unit, name="Watch Red")

    supervisor = _person("demo.supervisor", "Sam", "Whitfield", force, password=password,
                         is_supervisor=True, is_officer=True, high_risk_role=HighRiskRole.OTHER, team=None)
    bravo_supervisor = _person("g.ellery", "Grace", "Ellery", force, is_supervisor=True)
    alpha.supervisors.add(supervisor)
    bravo.supervisors.add(bravo_supervisor)
    charlie.supervisors.add(bravo_supervisor)

    officers = []
    for team, people in ((alpha, ALPHA), (bravo, BRAVO), (charlie, CHARLIE)):
        for username, first, last, role in people:
            officers.append(_person(
                username, first, last, force, password=password if username in DEMO_USERNAMES else None,
                team=team, high_risk_role=role, is_officer=True,
            ))
    trainer = _person("demo.trainer", "Jordan", "Ashby", force, password=password, is_trainer=True)
    trainer.granted_organisations.add(fire)
    oh, lead, peer, trim = _seed_support_roles(force, password)
    admin = _person("demo.admin", "Chris", "Penhaligon", force, password=password,
                    is_staff=True, is_superuser=True)
    partner_staff = [_person(u, f, last, fire, team=fire_team) for u, f, last in FIRE_STAFF]

    seed_two_factor([supervisor, trainer, oh, lead, peer, trim, admin])

    return DemoContext(
        organisation=force, partner=fire, alpha=alpha, bravo=bravo,
        officer=User.objects.get(username="demo.officer"), supervisor=supervisor, trainer=trainer,
        oh=oh, admin=admin, officers=officers, partner_staff=partner_staff, today=timezone.localdate(),
    )


def _seed_support_roles(force, password):
    """The people an officer can turn to beyond the line: OH (on call), the wellbeing lead, a peer
    supporter (also a TRiM practitioner) and the TRiM coordinator."""
    oh = _person("demo.oh", "Nadia", "Rahman", force, password=password, is_oh=True)
    # The demo's out-of-hours route for urgent flags (wellbeing/risk/urgent.py): demo.oh is on call
    # and must acknowledge within the default hour; with no second contact named, the other OH
    # members (here none, so demo.oh again) are told if nobody acknowledges in time.
    Organisation.objects.filter(pk=force.pk).update(on_call_contact=oh, urgent_acknowledge_minutes=60)
    lead = _person("demo.lead", "Morgan", "Tregear", force, password=password, is_wellbeing_lead=True)
    # A trained peer supporter in People Services (no team, so not anyone's line): officers of the
    # force find them on "Talk to someone".
    peer = _person("demo.peer", "Marcus", "Ellingham", force, password=password, is_peer_supporter=True,
                   peer_availability="Weekdays and late shifts; messages answered within a day",
                   peer_trained_on=datetime.date(2025, 3, 14), is_trim_practitioner=True,
                   trim_trained_on=datetime.date(2025, 6, 12), trim_refresher_due_on=datetime.date(2027, 6, 12))
    # The force's TRiM coordinator, also in People Services (no team: nobody's line).
    trim = _person("demo.trim", "Rhian", "Castell", force, password=password, is_trim_coordinator=True)
    return oh, lead, peer, trim


def seed_two_factor(users) -> None:
    """One confirmed TOTP device per demo user who must use two-factor sign-in, keyed by the
    demo secret (idempotent: an existing demo device is re-keyed if the secret changed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.twofactor import hex_from_base32

    key = hex_from_base32(settings.DEMO_TOTP_SECRET)
    for user in users:
        device = TOTPDevice.objects.filter(user=user, name="Demo authenticator").first()
        if device is None:
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(user=user, name="Demo authenticator", key=key, confirmed=True)
        elif device.key != key or not device.confirmed:
            device.key, device.confirmed = key, True
            device.save(update_fields=["key", "confirmed"])
