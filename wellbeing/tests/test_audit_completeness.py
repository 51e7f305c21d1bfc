"""Issue 15 item 6, audit completeness: (a) every list page showing other people's data writes one
content-free audit event per render; (b) a page that records "viewed your record" cannot be
triggered by another site (Sec-Fetch-Site); (c) OH referrals, notes and legal holds need a reason
from a fixed list, recorded in their audit event; (d) an OH lead's audit log shows only events
about people in the organisations they cover."""

import json

import pytest
from django.contrib.auth.models import Permission

from portal.models import AuditEvent
from wellbeing.models import LegalHold, OHCaseNote, Referral
from wellbeing.risk.tests.test_notification_titles import names_in
from wellbeing.tests.helpers import make_checkin
from wellbeing.tests.team_helpers import flag

pytestmark = pytest.mark.django_db


def make_lead(user):
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent", content_type__app_label="portal"))
    return user


def list_events():
    return list(AuditEvent.objects.filter(action="list_viewed").order_by("id"))


# ----------------------------------------------------------------------------- (a) list pages

LIST_PAGES = [
    ("supervisor", "/team/", "team_dashboard"),
    ("supervisor", "/team/?sort=name&level=amber&flagged=on", "team_dashboard"),
    ("supervisor", "/team/trends/", "team_trends"),
    ("supervisor", "/team/flags/", "team_flags"),
    ("supervisor", "/team/outcomes/", "team_outcomes"),
    ("supervisor", "/team/deployments/", "team_deployments"),
    ("oh", "/oh/", "oh_queue"),
    ("oh", "/oh/people/", "oh_people"),
    ("oh", "/oh/audit/", "audit_log"),
    ("supervisor", "/screening/team/", "team_screening"),
    ("oh", "/screening/oh/", "oh_screening"),
]


@pytest.mark.parametrize(("persona", "url", "page"), LIST_PAGES)
def test_audit_completeness_every_list_page_writes_one_content_free_event_per_render(
        request, login, officer, teammate, team_a, persona, url, page):
    user = make_lead(request.getfixturevalue(persona)) if persona == "oh" else request.getfixturevalue(persona)
    flag(officer, "screen_over_cutoff")
    flag(teammate, "checkins_overdue")
    make_checkin(officer, "phq9", [2] * 9, comment="words nobody may log")
    client = login(user)
    before = len(list_events())
    assert client.get(url).status_code == 200
    events = list_events()[before:]
    assert len(events) == 1
    event = events[0]
    assert event.actor == user and event.subject is None and event.detail["page"] == page
    assert isinstance(event.detail["rows"], int)
    text = json.dumps(event.detail) + event.reason
    for person in (officer, teammate):
        assert not names_in(text, person, ("username", "last_name", "first_name"))
    assert "words nobody may log" not in text
    assert client.get(url).status_code == 200
    assert len(list_events()) == before + 2  # one per render


def test_audit_completeness_list_events_carry_the_team_and_filters_as_codes(login, supervisor, officer, team_a):
    login(supervisor).get("/team/", {"team": team_a.pk, "sort": "name", "level": "amber", "flagged": "on"})
    detail = list_events()[-1].detail
    assert detail | {} == {"page": "team_dashboard", "rows": 0, "team": team_a.pk, "sort": "name", "level": "amber",
                           "flagged": True, "page_number": 1}


def test_audit_completeness_a_name_searched_for_is_never_recorded(login, oh, officer):
    # a surname nobody else drawn by the factories can share, so exactly one row matches
    officer.last_name = "Quarrington-Vesey"
    officer.save(update_fields=["last_name"])
    response = login(oh).get("/oh/people/", {"q": officer.last_name})
    assert response.status_code == 200
    event = list_events()[-1]
    assert event.detail["searched"] is True and event.detail["rows"] == 1
    assert not names_in(json.dumps(event.detail), officer, ("last_name",))


# ----------------------------------------------------------------------------- (b) cross-site reads


def record_urls(officer):
    from exposure.tests.factories import ExposureFactory

    team_flag = flag(officer, "checkins_overdue")
    call = ExposureFactory(officer=officer, role="call_handling")
    outcome_request = call.shift.outcome_requests.create(officer=officer, category=call.category,
                                                         reference="CAD-1000-26")
    return [("supervisor", f"/team/outcomes/requests/{outcome_request.pk}/", "outcome_request_viewed"),
            ("supervisor", f"/team/people/{officer.pk}/", "team_person_viewed"),
            ("supervisor", f"/team/flags/{team_flag.pk}/", "team_flag_viewed"),
            ("oh", f"/oh/people/{officer.pk}/", "oh_case_view")]


@pytest.mark.parametrize("site", ["cross-site", "same-site", "Cross-Site"])
def test_audit_completeness_another_site_cannot_open_a_record_and_forge_a_view(
        request, login, officer, supervisor, oh, site):
    for persona, url, action in record_urls(officer):
        client = login(request.getfixturevalue(persona))
        if persona == "oh":
            client.post(url, {"reason": "screening_review"})  # a reason given earlier in the session
        response = client.get(url, HTTP_SEC_FETCH_SITE=site)
        assert response.status_code == 403, url
        assert b"Open this page from the portal" in response.content
        assert str(officer).encode() not in response.content
        assert not AuditEvent.objects.filter(action=action).exists(), url
        refused = AuditEvent.objects.filter(action="cross_site_refused").latest("id")
        assert refused.reason == url and refused.subject is None
        # the portal's own links, a typed or bookmarked address, and browsers without the header
        for allowed in ({"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_SEC_FETCH_SITE": "none"}, {}):
            assert client.get(url, **allowed).status_code == 200, (url, allowed)
        assert AuditEvent.objects.filter(action=action, subject=officer).count() == 3, url


def test_audit_completeness_every_get_that_records_a_view_refuses_other_sites():
    """Every view that writes an audit event naming a subject on GET is guarded (a new one must be)."""
    from wellbeing.oh import views as oh_views
    from wellbeing.screening import views as screening_views
    from wellbeing.team import outcome_views, person_views
    from wellbeing.team import views as team_views

    for view in (oh_views.case, person_views.person, team_views.flag_detail, screening_views.oh_record,
                 outcome_views.outcome_request):
        inner = view
        while hasattr(inner, "__wrapped__"):
            if inner.__code__.co_name == "wrapped" and "from_elsewhere" in inner.__code__.co_names:
                break
            inner = inner.__wrapped__
        else:
            pytest.fail(f"{view.__name__} is not guarded by same_origin_reads")


# ----------------------------------------------------------------------------- (c) reasons for OH writes

WRITES = [
    ("referrals", {"referral-kind": "trim", "referral-referred_on": "2026-01-01"}, "referral-purpose", "case_plan",
     "oh_referral_recorded", Referral),
    ("notes", {"note-text": "Spoke on the phone about the rota."}, "note-purpose", "contact_record", "oh_note_added",
     OHCaseNote),
    ("holds", {"hold-reason": "Claim CL-1"}, "hold-purpose", "claim", "legal_hold_placed", LegalHold),
]


@pytest.mark.parametrize(("path", "data", "field", "code", "action", "model"), WRITES)
def test_audit_completeness_oh_writes_need_a_reason_from_the_list_recorded_in_the_event(
        login, oh, officer, path, data, field, code, action, model):
    client = login(oh)
    client.post(f"/oh/people/{officer.pk}/", {"reason": "follow_up"})
    for bad in ({}, {field: "because I wanted to"}):
        response = client.post(f"/oh/people/{officer.pk}/{path}/", data | bad)
        assert response.status_code == 400
        assert b"Choose why you are recording this." in response.content or \
            b"Choose one of the reasons listed." in response.content
        assert not model.objects.exists() and not AuditEvent.objects.filter(action=action).exists()
    assert client.post(f"/oh/people/{officer.pk}/{path}/", data | {field: code}).status_code == 302
    event = AuditEvent.objects.get(action=action)
    assert (event.subject, event.reason) == (officer, code)
    # the officer reads the reason in plain words
    assert b"Opened your occupational health case" in login(officer).get("/wellbeing/privacy/").content


# ----------------------------------------------------------------------------- (d) the audit log's scope


def test_audit_completeness_an_oh_lead_sees_only_events_about_people_they_cover(
        login, oh, admin_user, officer, foreign_officer, supervisor):
    AuditEvent.objects.create(action="oh_case_view", actor=oh, subject=officer, reason="referral")
    # caused by someone of OH's organisation, about a person of another: not theirs to review
    AuditEvent.objects.create(action="granted_elsewhere", actor=supervisor, subject=foreign_officer)
    AuditEvent.objects.create(action="login_failed", detail={"username": "someone"})  # no subject
    AuditEvent.objects.create(action="team_exported", actor=supervisor)  # no subject
    shown = {e["event"].action for e in login(make_lead(oh)).get("/oh/audit/").context["events"]}
    assert "oh_case_view" in shown  # (and the lead's own sign-in, whose subject is the lead)
    assert not shown & {"granted_elsewhere", "login_failed", "team_exported", "list_viewed"}
    shown = {e["event"].action for e in login(admin_user).get("/oh/audit/").context["events"]}
    assert {"oh_case_view", "granted_elsewhere", "login_failed", "team_exported"} <= shown


def test_audit_completeness_reason_codes_are_unique_so_the_officer_reads_the_right_words():
    from wellbeing.oh import forms as oh_forms

    lists = [oh_forms.CASE_REASONS, oh_forms.REFERRAL_REASONS, oh_forms.NOTE_REASONS, oh_forms.HOLD_REASONS,
             oh_forms.SUBJECT_ACCESS_REASONS]
    codes = [code for choices in lists for code, _label in choices]
    assert len(codes) == len(set(codes))
