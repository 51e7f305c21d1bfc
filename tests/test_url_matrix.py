"""The authorization matrix: every URL of the site, every kind of person, one policy table.

Each route in POLICY says who may use it. The test signs in as each persona (people of the same
team, another team, another organisation, and every role) and checks each route's answer against
the policy: allowed, 403 for a role that may not enter the area, 404 for someone else's record
(so its existence is never confirmed), or the sign-in page for an anonymous visitor. A route that
has no entry in POLICY fails the suite (shown in `test_a_route_without_a_policy_entry_fails`).
The Django admin (`/admin/...`) is left to its own permission system and checked separately.

TOKEN routes (the SCIM API under /scim/v2/, portal/scim) answer to a bearer token of an
organisation and to nothing else: no session, whatever its role, gets past 401 (the token cases,
and a token seeing only its own organisation, are in portal/scim/tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import TwoFactorClient
from exposure.tests.factories import ExposureFactory
from portal import access
from portal.models import HRImportUpload, Organisation, Team, Unit, User
from training.tests.factories import make_module
from wellbeing.models import LegalHold, WelfareAction

PUBLIC, SIGNED_IN, AREA, OWN, PEOPLE, AUDIT = "public", "signed_in", "area", "own", "people", "audit"
TOKEN = "token"


@dataclass
class Rule:
    kind: str
    area: str | None = None
    method: str = "get"
    # (persona -> kwargs for reverse) for routes with parameters; `owner` names the persona who owns it
    kwargs: Callable[[dict], dict] = field(default=lambda objs: {})
    owner: str | tuple[str, ...] | None = None  # OWN: the persona (or personas) to whom the record is open
    purpose: str | None = None
    subject: str | None = None  # for PEOPLE: the persona whose record it is
    also_ok: tuple = ()  # other outcomes that are right for an allowed person (e.g. sign-out ends at sign-in)


def latest(model_path: str, **filters):
    from django.apps import apps

    model = apps.get_model(model_path)
    return model.objects.filter(**filters).order_by("-pk").first()


POLICY: dict[str, Rule] = {
    # public and account pages
    "home": Rule(SIGNED_IN),
    "healthz": Rule(PUBLIC),
    # the monitoring network's, whoever is signed in (the test client calls from loopback, inside it);
    # from outside, /readyz tells only its status and /metrics answers 404 (portal/tests/test_ops_endpoints.py)
    "readyz": Rule(PUBLIC),
    "metrics": Rule(PUBLIC),
    "accessibility": Rule(PUBLIC),
    "language-set": Rule(PUBLIC, method="post"),
    "login": Rule(PUBLIC),
    "logout": Rule(PUBLIC, method="post", also_ok=("login",)),
    "password_reset": Rule(PUBLIC),
    # single sign-on (portal/oidc): not found while OIDC_ISSUER is unset, as here (portal/tests/test_oidc_*.py
    # cover them switched on); the signed-out page has nothing to offer without a provider sign-in
    "oidc_start": Rule(PUBLIC, also_ok=("hidden",)),
    "oidc_callback": Rule(PUBLIC, also_ok=("hidden",)),
    "oidc_signed_out": Rule(PUBLIC, also_ok=("login",)),
    "password_reset_done": Rule(PUBLIC),
    "password_reset_confirm": Rule(PUBLIC, kwargs=lambda o: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": Rule(PUBLIC),
    "notifications": Rule(SIGNED_IN),
    "notifications-read": Rule(SIGNED_IN, method="post"),
    "password_change": Rule(SIGNED_IN),
    "password_change_done": Rule(SIGNED_IN),
    # someone with no authenticator yet is sent on to set one up
    "two_factor_verify": Rule(SIGNED_IN, also_ok=("second factor pending",)),
    "two_factor_setup": Rule(SIGNED_IN),
    "two_factor_recovery_codes": Rule(SIGNED_IN),
    "security": Rule(SIGNED_IN),
    "sign_out_everywhere": Rule(SIGNED_IN, method="post"),
    "recovery_codes_new": Rule(SIGNED_IN, method="post", also_ok=("second factor pending",)),
    "two_factor_turn_off": Rule(SIGNED_IN, method="post"),
    # exposure: an officer's own shifts only
    "exposure:index": Rule(AREA, "exposure"),
    "exposure:new": Rule(AREA, "exposure"),
    "exposure:nothing-notable": Rule(AREA, "exposure", method="post"),
    "exposure:detail": Rule(OWN, "exposure", kwargs=lambda o: {"pk": o["shift"].pk}, owner="demo.officer"),
    "exposure:edit": Rule(OWN, "exposure", kwargs=lambda o: {"pk": o["shift"].pk}, owner="demo.officer"),
    "exposure:delete": Rule(OWN, "exposure", kwargs=lambda o: {"pk": o["shift"].pk}, owner="demo.officer"),
    "exposure:correction": Rule(OWN, "exposure", method="post", kwargs=lambda o: {"pk": o["shift"].pk},
                                owner="demo.officer"),
    # call outcomes asked for per call (issue 18): on one's own call-handling shift, one's own request
    "exposure:outcome-new": Rule(OWN, "exposure", kwargs=lambda o: {"pk": o["shift"].pk}, owner="demo.officer"),
    "exposure:outcomes": Rule(AREA, "exposure"),
    "exposure:outcome-close": Rule(OWN, "exposure", method="post", kwargs=lambda o: {"pk": o["outcome_request"].pk},
                                   owner="demo.officer"),
    "exposure:viewing": Rule(AREA, "exposure"),
    "exposure:viewing-start": Rule(AREA, "exposure", method="post"),
    "exposure:viewing-preference": Rule(AREA, "exposure", method="post"),
    "exposure:viewing-break": Rule(OWN, "exposure", method="post", kwargs=lambda o: {"pk": o["viewing"].pk},
                                   owner="demo.officer"),
    "exposure:viewing-resume": Rule(OWN, "exposure", method="post", kwargs=lambda o: {"pk": o["viewing"].pk},
                                    owner="demo.officer"),
    "exposure:viewing-stop": Rule(OWN, "exposure", method="post", kwargs=lambda o: {"pk": o["viewing"].pk},
                                  owner="demo.officer"),
    # wellbeing: an officer's own check-ins only
    "wellbeing:index": Rule(AREA, "wellbeing"),
    "wellbeing:checkin": Rule(AREA, "wellbeing", kwargs=lambda o: {"code": "pulse"}),
    "wellbeing:result": Rule(OWN, "wellbeing", kwargs=lambda o: {"pk": o["checkin"].pk}, owner="demo.officer"),
    "wellbeing:sharing": Rule(OWN, "wellbeing", method="post", kwargs=lambda o: {"pk": o["checkin"].pk},
                              owner="demo.officer"),
    "wellbeing:support": Rule(AREA, "wellbeing"),
    # the officer's own flags and their own context on one (issue 21)
    "wellbeing:flags": Rule(AREA, "wellbeing"),
    "wellbeing:flag-context": Rule(OWN, "wellbeing", kwargs=lambda o: {"pk": o["team_flag"].pk}, owner="demo.officer"),
    # supervisor and OH areas
    "team:index": Rule(AREA, "team"),
    "team:trends": Rule(AREA, "team"),
    "team:flags": Rule(AREA, "team"),
    "team:outcomes": Rule(AREA, "team"),
    "team:export": Rule(AREA, "team"),
    # deployments without a defined task (issue 18): the list, and the mark on one of them
    "team:deployments": Rule(AREA, "team"),
    "team:deployment-done": Rule(PEOPLE, "team", method="post", purpose=access.TEAM_SUMMARY, subject="demo.officer",
                                 kwargs=lambda o: {"pk": o["deployment"].pk}),
    "team:person": Rule(PEOPLE, "team", method="get", purpose=access.TEAM_SUMMARY, subject="demo.officer",
                  kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk}),
    "team:flag": Rule(PEOPLE, "team", method="get", purpose=access.TEAM_SUMMARY, subject="demo.officer",
                  kwargs=lambda o: {"pk": o["team_flag"].pk}),
    "team:flag-acknowledge": Rule(PEOPLE, "team", method="post", purpose=access.TEAM_SUMMARY, subject="demo.officer",
                  kwargs=lambda o: {"pk": o["team_flag"].pk}),
    "team:flag-close": Rule(PEOPLE, "team", method="post", purpose=access.TEAM_SUMMARY, subject="demo.officer",
                  kwargs=lambda o: {"pk": o["team_flag"].pk}),
    "team:flag-dismiss": Rule(PEOPLE, "team", method="post", purpose=access.TEAM_SUMMARY, subject="demo.officer",
                  kwargs=lambda o: {"pk": o["team_flag"].pk}),
    "team:outcome-shared": Rule(PEOPLE, "team", method="post", purpose=access.TEAM_SUMMARY, subject="demo.officer",
                  kwargs=lambda o: {"pk": o["outcome"].pk}),
    "team:outcome-request": Rule(PEOPLE, "team", method="get", purpose=access.TEAM_SUMMARY, subject="demo.officer",
                  kwargs=lambda o: {"pk": o["outcome_request"].pk}),
    "team:follow-up-done": Rule(PEOPLE, "team", method="post", purpose=access.TEAM_SUMMARY, subject="demo.officer",
                  kwargs=lambda o: {"pk": o["follow_up"].pk}),
    "oh:index": Rule(AREA, "oh"),
    "oh:people": Rule(AREA, "oh"),
    "oh:reports": Rule(AREA, "oh"),
    "oh:report-export": Rule(AREA, "oh"),
    "oh:case": Rule(PEOPLE, "oh", purpose=access.CLINICAL_DETAIL, subject="demo.officer",
                    kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk}),
    "oh:referral-add": Rule(PEOPLE, "oh", method="post", purpose=access.CLINICAL_DETAIL, subject="demo.officer",
                            kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk}),
    "oh:referral-outcome": Rule(PEOPLE, "oh", method="post", purpose=access.CLINICAL_DETAIL, subject="demo.officer",
                                kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk,
                                                  "referral_pk": o["referral"].pk}),
    "oh:note-add": Rule(PEOPLE, "oh", method="post", purpose=access.CLINICAL_DETAIL, subject="demo.officer",
                        kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk}),
    "oh:flag-acknowledge": Rule(PEOPLE, "oh", method="post", purpose=access.CLINICAL_DETAIL, subject="demo.officer",
                                kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk, "flag_pk": o["flag"].pk}),
    "oh:flag-close": Rule(PEOPLE, "oh", method="post", purpose=access.CLINICAL_DETAIL, subject="demo.officer",
                          kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk, "flag_pk": o["flag"].pk}),
    "oh:hold-place": Rule(PEOPLE, "oh", method="post", purpose=access.CLINICAL_DETAIL, subject="demo.officer",
                          kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk}),
    "oh:hold-lift": Rule(PEOPLE, "oh", method="post", purpose=access.CLINICAL_DETAIL, subject="demo.officer",
                         kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk, "hold_pk": o["hold"].pk}),
    "oh:subject-access-export": Rule(PEOPLE, "oh", method="post", purpose=access.CLINICAL_DETAIL,
                                     subject="demo.officer",
                                     kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk}),
    # the audit log: admins, and OH staff an admin has given the audit permission ("OH lead")
    "oh:audit": Rule(AUDIT),
    # aggregate reports: the wellbeing lead and OH, totals only (issue 21)
    "lead:index": Rule(AREA, "lead"),
    "lead:rules-export": Rule(AREA, "lead"),
    "wellbeing:privacy": Rule(AREA, "wellbeing"),
    # the officer's own copy of everything held about them (POST only)
    "wellbeing:privacy-sharing": Rule(AREA, "wellbeing", method="post"),
    "wellbeing:privacy-export": Rule(AREA, "wellbeing", method="post"),
    # talk to someone: an officer's own requests; the help queue shows a peer supporter only the
    # requests addressed to them (the demo request is demo.officer's to demo.peer, not to OH: OH,
    # the supervisor and everyone else get 404 on it, or 403 if their role has no queue)
    "talk:index": Rule(AREA, "talk"),
    "talk:sent": Rule(OWN, "talk", kwargs=lambda o: {"pk": o["help_request"].pk}, owner="demo.officer"),
    "help:queue": Rule(AREA, "help_queue"),
    "help:counts": Rule(AREA, "help_counts"),
    # the levels of the people who named this peer supporter (an empty list for anyone else's)
    "help:levels": Rule(AREA, "peer_levels"),
    "help:detail": Rule(OWN, "help_queue", kwargs=lambda o: {"pk": o["help_request"].pk}, owner="demo.peer"),
    "help:accept": Rule(OWN, "help_queue", method="post", kwargs=lambda o: {"pk": o["help_request"].pk},
                        owner="demo.peer"),
    "help:contact": Rule(OWN, "help_queue", method="post", kwargs=lambda o: {"pk": o["help_request"].pk},
                         owner="demo.peer"),
    "help:close": Rule(OWN, "help_queue", method="post", kwargs=lambda o: {"pk": o["help_request"].pk},
                       owner="demo.peer"),
    # TRiM: practitioners and coordinators (wellbeing/trim). The demo case is demo.officer's, planned
    # by demo.trim (the coordinator) and assigned to demo.peer (its practitioner): both read it and
    # record its assessments; only the coordinator plans, assigns and closes (demo.peer: 403); the
    # other force's coordinator gets 404; everyone else 403 (no TRiM role).
    "trim:index": Rule(AREA, "trim"),
    # the coordinator's reports: totals only, small numbers suppressed (an export with no format is 400)
    "trim:reports": Rule(AREA, "trim_coordinate"),
    "trim:report-export": Rule(AREA, "trim_coordinate"),
    "trim:incident": Rule(OWN, "trim_coordinate", kwargs=lambda o: {"pk": o["trim_case"].incident_id},
                          owner="demo.trim"),
    "trim:case": Rule(OWN, "trim", kwargs=lambda o: {"pk": o["trim_case"].pk}, owner=("demo.trim", "demo.peer")),
    "trim:case-assign": Rule(OWN, "trim_coordinate", kwargs=lambda o: {"pk": o["trim_case"].pk}, owner="demo.trim"),
    "trim:assessment": Rule(OWN, "trim", kwargs=lambda o: {"pk": o["trim_case"].pk, "stage": "follow_up"},
                            owner=("demo.trim", "demo.peer")),
    "trim:case-close": Rule(OWN, "trim_coordinate", method="post", kwargs=lambda o: {"pk": o["trim_case"].pk},
                            owner="demo.trim"),
    # TRiM opening (wellbeing/trim/open_*): supervisors declare and refer; officers see their own cases
    "trim:declare": Rule(AREA, "trim_declare"),
    "trim:declared": Rule(OWN, "trim_declare", kwargs=lambda o: {"pk": o["trim_incident"].pk},
                          owner="demo.supervisor"),
    "trim:refer": Rule(AREA, "trim_declare"),
    "trim:mine": Rule(AREA, "trim_own"),
    "trim:refer-self": Rule(AREA, "trim_own"),
    "trim:accept": Rule(OWN, "trim_own", method="post", kwargs=lambda o: {"pk": o["trim_case"].pk},
                        owner="demo.officer"),
    "trim:decline": Rule(OWN, "trim_own", method="post", kwargs=lambda o: {"pk": o["trim_case"].pk},
                         owner="demo.officer"),
    # screening (wellbeing/screening): the officer's own; completion only for supervisors and the
    # wellbeing lead; OH's list, and one person's record (404 outside OH's organisations)
    "screening:mine": Rule(AREA, "wellbeing"),
    "screening:team": Rule(AREA, "team"),
    "screening:lead": Rule(AREA, "lead"),
    "screening:oh-list": Rule(AREA, "oh"),
    "screening:oh-record": Rule(PEOPLE, "oh", purpose=access.CLINICAL_DETAIL, subject="demo.officer",
                                kwargs=lambda o: {"pk": o["screening"].pk}),
    # the HR import (portal/hr_admin): admins; an upload is its uploader's alone (404 to anyone else)
    "hr_import:upload": Rule(AREA, "admin"),
    "hr_import:template_csv": Rule(AREA, "admin"),
    "hr_import:template_xlsx": Rule(AREA, "admin"),
    "hr_import:preview": Rule(OWN, "admin", kwargs=lambda o: {"pk": o["hr_upload"].pk}, owner="demo.admin"),
    "hr_import:done": Rule(OWN, "admin", kwargs=lambda o: {"pk": o["hr_upload"].pk}, owner="demo.admin"),
    # training: everyone's own; trainers manage within their organisations
    "training:index": Rule(AREA, "training"),
    "training:module": Rule(OWN, "training", kwargs=lambda o: {"pk": o["assignment"].pk}, owner="demo.officer"),
    "training:lesson": Rule(OWN, "training", kwargs=lambda o: {"pk": o["assignment"].pk, "order": 1},
                            owner="demo.officer"),
    "training:quiz": Rule(OWN, "training", kwargs=lambda o: {"pk": o["assignment"].pk}, owner="demo.officer"),
    "training:feedback": Rule(OWN, "training", kwargs=lambda o: {"pk": o["completion"].pk}, owner="demo.officer"),
    "training:certificate": Rule(OWN, "training", kwargs=lambda o: {"code": o["completion"].code},
                                 owner="demo.officer"),
    # the invitation link an enrolled person follows before they can sign in (an invalid one says so)
    "training:invitation": Rule(PUBLIC, kwargs=lambda o: {"uidb64": "MQ", "token": "set-password"}),
    "training:manage": Rule(AREA, "training_manage"),
    "training:module_new": Rule(AREA, "training_manage"),
    # A shipped module is read-only for every trainer (its page shows, and any trainer may copy it);
    # a module owned by an organisation is changed only by that organisation's trainers, so the
    # editing routes are checked on the demo force's own module: 404 to another force's trainer.
    "training:module_copy": Rule(AREA, "training_manage", method="post", kwargs=lambda o: {"pk": o["module"].pk}),
    "training:module_edit": Rule(PEOPLE, "training_manage", purpose=access.TRAINING_RECORDS,
                                 kwargs=lambda o: {"pk": o["own_module"].pk}, subject="demo.officer"),
    "training:module_status": Rule(PEOPLE, "training_manage", method="post", purpose=access.TRAINING_RECORDS,
                                   kwargs=lambda o: {"pk": o["own_module"].pk}, subject="demo.officer"),
    "training:lesson_new": Rule(PEOPLE, "training_manage", purpose=access.TRAINING_RECORDS,
                                kwargs=lambda o: {"pk": o["own_module"].pk}, subject="demo.officer"),
    "training:lesson_edit": Rule(PEOPLE, "training_manage", purpose=access.TRAINING_RECORDS,
                                 kwargs=lambda o: {"pk": o["own_module"].pk, "order": 1}, subject="demo.officer"),
    "training:lesson_delete": Rule(PEOPLE, "training_manage", method="post", purpose=access.TRAINING_RECORDS,
                                   kwargs=lambda o: {"pk": o["own_module"].pk, "order": 1}, subject="demo.officer"),
    "training:quiz_edit": Rule(PEOPLE, "training_manage", purpose=access.TRAINING_RECORDS,
                               kwargs=lambda o: {"pk": o["own_module"].pk}, subject="demo.officer"),
    "training:assign": Rule(AREA, "training_manage"),
    "training:rules": Rule(AREA, "training_manage"),
    "training:rule_toggle": Rule(PEOPLE, "training_manage", method="post", purpose=access.TRAINING_RECORDS,
                                 kwargs=lambda o: {"pk": o["rule"].pk}, subject="demo.officer"),
    "training:enrol": Rule(AREA, "training_manage"),
    "training:people": Rule(AREA, "training_manage"),
    "training:person": Rule(PEOPLE, "training_manage", purpose=access.TRAINING_RECORDS,
                            kwargs=lambda o: {"pk": o["people"]["demo.officer"].pk}, subject="demo.officer"),
    "training:reports": Rule(AREA, "training_manage"),
    "training:export": Rule(AREA, "training_manage", kwargs=lambda o: {"report": "completion", "fmt": "csv"}),
    # SCIM provisioning (portal/scim): a bearer token of an organisation, never a session: 401 for all
    "scim:root": Rule(TOKEN),
    "scim:users": Rule(TOKEN),
    "scim:users-search": Rule(TOKEN, method="post"),
    "scim:groups": Rule(TOKEN),
    "scim:groups-search": Rule(TOKEN, method="post"),
    "scim:service-provider-config": Rule(TOKEN),
    "scim:resource-types": Rule(TOKEN),
    "scim:schemas": Rule(TOKEN),
}

PERSONAS = ["demo.officer", "p.hartley", "h.quinlan", "fire.b.walsh", "demo.supervisor", "g.ellery",
            "demo.trainer", "demo.oh", "demo.lead", "demo.peer", "demo.trim", "demo.admin", "other.officer",
            "other.trainer", "other.oh", "other.peer", "other.trim"]


def site_routes(patterns=None, prefix="", namespace=None):
    """(route, name) for every URL pattern outside the Django admin."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            ns = p.namespace or namespace
            yield from site_routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else (p.name or "")
            yield prefix + str(p.pattern), name


def routes_missing_a_policy(routes) -> list[str]:
    return sorted({f"{route} ({name or 'unnamed'})" for route, name in routes if name not in POLICY})


def test_every_route_has_a_policy_entry():
    assert routes_missing_a_policy(site_routes()) == []


def test_a_route_without_a_policy_entry_fails():
    added = [*site_routes(), ("reports/secret/", "reports:secret")]
    assert routes_missing_a_policy(added) == ["reports/secret/ (reports:secret)"]


def expected(rule: Rule, persona: User | None, people: dict) -> str:
    if rule.kind == TOKEN:
        return "token wanted"
    if rule.kind == PUBLIC:
        return "ok"
    if persona is None:
        return "login"
    if rule.kind == SIGNED_IN:
        return "ok"
    if rule.kind == AUDIT:
        return "ok" if persona.is_staff or (persona.is_oh and persona.has_perm("portal.view_auditevent")) else "denied"
    if not access.can_enter(persona, rule.area):
        return "denied"
    if rule.kind == AREA:
        return "ok"
    if rule.kind == OWN:
        owners = (rule.owner,) if isinstance(rule.owner, str) else rule.owner
        return "ok" if persona.username in owners else "hidden"
    visible = access.people_visible_to(persona, rule.purpose).filter(pk=people[rule.subject].pk).exists()
    return "ok" if visible else "hidden"


def outcome(response) -> str:
    status = response.status_code
    if status == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    if status == 302 and response["Location"].startswith("/accounts/two-factor/"):
        return "second factor pending"
    if status in (200, 302, 400):
        return "ok"
    return {401: "token wanted", 403: "denied", 404: "hidden"}.get(status, f"status {status}")


@pytest.fixture
def world(db):
    with override_settings(DEBUG=True, DEMO_PASSWORD="matrix-demo-password"):
        call_command("seed_demo", verbosity=0)
    other = Organisation.objects.create(name="Otherland Police", slug="otherland")
    team = Team.objects.create(unit=Unit.objects.create(organisation=other, name="Ops"), name="Zulu")
    User.objects.create(username="other.officer", organisation=other, team=team, is_officer=True,
                        high_risk_role="call_handling")
    User.objects.create(username="other.trainer", organisation=other, is_trainer=True)
    User.objects.create(username="other.oh", organisation=other, is_oh=True)
    User.objects.create(username="other.peer", organisation=other, is_peer_supporter=True)
    User.objects.create(username="other.trim", organisation=other, is_trim_coordinator=True)
    people = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    officer = people["demo.officer"]
    from exposure.models import ViewingSession
    from wellbeing.risk.flags import flag_raise
    from wellbeing.trim import opening as trim_opening

    viewing = ViewingSession.objects.filter(officer=officer).first() or ViewingSession.objects.create(
        officer=officer)
    objects = {
        "people": people,
        "shift": latest("exposure.ShiftLog", officer=officer),
        "viewing": viewing,
        "checkin": latest("wellbeing.CheckIn", officer=officer),
        "assignment": latest("training.Assignment", person=officer),
        "completion": latest("training.Completion", person=officer),
        "module": latest("training.Module", organisation__isnull=True),
        "own_module": make_module(people["demo.trainer"], slug="matrix-own-module"),
        "rule": latest("training.AutoAssignmentRule", organisation=officer.organisation),
        "referral": latest("wellbeing.Referral", person=officer),
        "help_request": latest("wellbeing.HelpRequest", officer=officer, peer=people["demo.peer"]),
        "trim_case": latest("wellbeing.TrimCase", person=officer, practitioner=people["demo.peer"]),
        "flag": latest("wellbeing.Flag", officer=officer),
        # The supervisor acknowledges and closes only operational flags (clinical ones are OH's and
        # answer 403 to everyone but OH: wellbeing/risk/tests/test_clinical_safety_flags.py), so the
        # team routes are checked on an operational one.
        "team_flag": flag_raise(officer=officer, reason_code="critical_incident_followup")[0],
        "hold": LegalHold.objects.create(person=officer, reason="matrix test", placed_by=people["demo.oh"]),
        "outcome": latest("exposure.Exposure", officer=officer, outcome_wanted=True),
        "outcome_request": latest("exposure.OutcomeRequest", officer=officer, status="open"),
        "trim_incident": trim_opening.declare_incident(people["demo.supervisor"], "Matrix incident",
                                                       officer.date_joined, [officer]).incident,
        "follow_up": WelfareAction.objects.create(
            officer=officer, recorded_by=people["demo.supervisor"], kind=WelfareAction.Kind.WELFARE_CONVERSATION,
            follow_up_on=officer.date_joined.date()),
        "screening": latest("wellbeing.Screening", person=officer),
        # demo.officer handles calls; a firearms deployment of theirs without a defined task stands in
        # for one (the route's rule is about whose it is, not which role logged it)
        "deployment": ExposureFactory(officer=officer, role="firearms", defined_task=False, days_ago=2),
        "hr_upload": HRImportUpload.objects.create(
            data=b"staff_number,given_name,family_name,email,organisation\r\n", filename="matrix.csv", sha256="0" * 64,
            uploaded_by=people["demo.admin"]),
    }
    missing = [k for k, v in objects.items() if v is None]
    assert not missing, f"the demo data lacks {missing}"
    return objects


def test_every_route_answers_every_persona_as_the_policy_says(world):
    problems = []
    for _route, name in site_routes():
        rule = POLICY[name]
        url = reverse(name, kwargs=rule.kwargs(world))
        for username in [None, *PERSONAS]:
            persona = world["people"].get(username) if username else None
            client = TwoFactorClient()  # signs in with the second factor done, as a real user would
            if persona is not None:
                client.force_login(persona)
            response = getattr(client, rule.method)(url)
            want, got = expected(rule, persona, world["people"]), outcome(response)
            if want == "ok" and got in rule.also_ok:
                continue
            if want != got:
                problems.append(f"{name} as {username or 'anonymous'}: expected {want}, got {got}")
    assert problems == [], "\n".join(problems)
