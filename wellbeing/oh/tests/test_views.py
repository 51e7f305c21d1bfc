"""Occupational health pages: access, the queue, the case (reason first, every view audited),
casework writes, and the subject access export."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from portal.models import AuditEvent, Notification
from tests.factories import OfficerFactory
from wellbeing.models import Flag, LegalHold, OHCaseNote, Referral, RiskAssessment
from wellbeing.risk.flags import flag_escalate, flag_raise
from wellbeing.tests.helpers import make_checkin
from wellbeing.tests.risk_data import add_exposure

pytestmark = pytest.mark.django_db


def open_case(client, person, reason="screening_review"):
    response = client.post(f"/oh/people/{person.pk}/", {"reason": reason})
    assert response.status_code == 302
    return response


def escalated_flag(person, *, days_ago=3, reason="checkins_overdue"):
    """An operational flag nobody acknowledged in time (clinical flags are OH's from the start and
    are never escalated)."""
    now = timezone.now()
    flag, _ = flag_raise(officer=person, reason_code=reason, now=now - timedelta(days=days_ago))
    flag_escalate(flag_id=flag.pk, now=now - timedelta(days=days_ago) + timedelta(hours=49))
    flag.refresh_from_db()
    return flag


# ----------------------------------------------------------------------------- access

OH_PAGES = ["/oh/", "/oh/people/", "/oh/reports/", "/oh/reports/export/?report=summary&format=csv"]


@pytest.mark.parametrize("url", OH_PAGES)
@pytest.mark.parametrize("persona", ["officer", "supervisor", "trainer", "admin_user"])
def test_other_roles_get_403_in_the_oh_area(request, login, url, persona):
    assert login(request.getfixturevalue(persona)).get(url).status_code == 403


@pytest.mark.parametrize("url", OH_PAGES)
def test_oh_can_open_every_oh_page(login, oh, url):
    assert login(oh).get(url).status_code == 200


def case_urls(person, flag=None, referral=None, hold=None):
    urls = [("get", f"/oh/people/{person.pk}/"), ("post", f"/oh/people/{person.pk}/"),
            ("post", f"/oh/people/{person.pk}/referrals/"), ("post", f"/oh/people/{person.pk}/notes/"),
            ("post", f"/oh/people/{person.pk}/holds/"), ("post", f"/oh/people/{person.pk}/subject-access-export/")]
    if flag:
        urls.append(("post", f"/oh/people/{person.pk}/flags/{flag.pk}/close/"))
    if referral:
        urls.append(("post", f"/oh/people/{person.pk}/referrals/{referral.pk}/outcome/"))
    if hold:
        urls.append(("post", f"/oh/people/{person.pk}/holds/{hold.pk}/lift/"))
    return urls


def test_oh_of_another_organisation_gets_404_for_every_case_url(login, foreign_oh, officer, oh):
    flag = escalated_flag(officer)
    referral = Referral.objects.create(person=officer, kind="trim", referred_on=timezone.localdate())
    hold = LegalHold.objects.create(person=officer, reason="claim")
    client = login(foreign_oh)
    before = AuditEvent.objects.count()
    for method, url in case_urls(officer, flag, referral, hold):
        data = {"reason": "referral", "referral-kind": "trim", "referral-referred_on": "2026-01-01",
                "note-text": "x", "hold-reason": "y"}
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, url
    assert AuditEvent.objects.count() == before
    assert not OHCaseNote.objects.exists() and Referral.objects.count() == 1
    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.ESCALATED


def test_a_record_of_someone_else_cannot_be_reached_through_a_visible_person(login, oh, officer, teammate):
    flag = escalated_flag(teammate)
    referral = Referral.objects.create(person=teammate, kind="trim", referred_on=timezone.localdate())
    client = login(oh)
    assert client.post(f"/oh/people/{officer.pk}/flags/{flag.pk}/close/").status_code == 404
    assert client.post(f"/oh/people/{officer.pk}/referrals/{referral.pk}/outcome/", {}).status_code == 404


# ----------------------------------------------------------------------------- queue


def test_the_queue_lists_urgent_first_then_escalated_flags_oldest_first_with_who_was_told(
        login, oh, officer, teammate, outsider, supervisor):
    # Updated: the queue used to be oldest first, so a fresh urgent flag sat under older ones.
    newer = escalated_flag(officer, days_ago=2)
    older = escalated_flag(teammate, days_ago=5)
    urgent, _ = flag_raise(officer=outsider, reason_code="phq9_item9", urgent=True)
    flag_raise(officer=officer, reason_code="exposure_load_high")  # open, operational: the supervisor's
    html = login(oh).get("/oh/").content.decode()
    # names as the page writes them (a generated name may hold an apostrophe)
    assert html.index(escape(outsider)) < html.index(escape(teammate)) < html.index(escape(officer))
    assert html.count("Open case") == 3
    told = Notification.objects.filter(dedupe_key=f"flag:{older.pk}:escalated").get()
    assert escape(told.user) in html and escape(supervisor) in html
    assert f"/oh/people/{newer.officer_id}/?from=queue" in html and urgent.pk


def test_the_queue_does_not_show_people_of_another_organisation(login, oh, foreign_officer):
    escalated_flag(foreign_officer)
    assert str(foreign_officer) not in login(oh).get("/oh/").content.decode()


def test_the_queue_query_count_does_not_grow_with_flags(login, oh, force, django_assert_num_queries):
    client = login(oh)
    people = [OfficerFactory(organisation=force) for _ in range(6)]
    escalated_flag(people[0])
    client.get("/oh/")
    with django_assert_num_queries(QUEUE_QUERIES) as small:
        client.get("/oh/")
    for p in people[1:]:
        escalated_flag(p)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/oh/")


QUEUE_QUERIES = 12  # session, user, two-factor, permissions, count, page, notifications, the list_viewed audit
# event (issue 15 item 6), base page, TRiM follow-ups overdue (two: issue 20)


# ----------------------------------------------------------------------------- case


def test_the_case_asks_for_a_reason_first_and_records_nothing_until_given(login, oh, officer):
    make_checkin(officer, "phq9", [1] * 9)
    before = AuditEvent.objects.filter(action="oh_case_view").count()
    response = login(oh).get(f"/oh/people/{officer.pk}/")
    assert response.status_code == 200
    assert b"Why are you opening this case?" in response.content
    assert b"Check-ins" not in response.content
    assert AuditEvent.objects.filter(action="oh_case_view").count() == before


def test_a_bad_reason_is_refused_next_to_the_field(login, oh, officer):
    response = login(oh).post(f"/oh/people/{officer.pk}/", {"reason": "curiosity"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not AuditEvent.objects.filter(action="oh_case_view").exists()


def test_opening_a_case_shows_the_detail_and_audits_the_view_with_its_reason(login, oh, officer):
    make_checkin(officer, "phq9", [2] * 9, comment="shared words about my week", share=True)
    make_checkin(officer, "pulse", comment="private words nobody else reads")
    add_exposure(officer, days_ago=2, critical_incident=True)
    from wellbeing.tests.factories import RiskAssessmentFactory

    # as the risk engine stores a reason: its code, kind, level, numbers and severity (no text)
    RiskAssessmentFactory(officer=officer, level="amber", score=1.5, rules_version=3, codes=("screen_over_cutoff",))
    escalated_flag(officer)
    client = login(oh)
    open_case(client, officer, "escalated_flag")
    response = client.get(f"/oh/people/{officer.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Little interest or pleasure" in html  # PHQ-9 item text beside the answer
    assert "shared words about my week" in html
    assert "private words nobody else reads" not in html
    # each reason as OH reads it (from the reasons table), and the rules version
    assert "<li>Screen positive (at or over its cut-off, or the PCL-5 DSM-5 rule met) <span" in html
    assert "(screen_over_cutoff)</span>" in html
    assert ">3<" in html
    assert "Escalated to occupational health" in html
    event = AuditEvent.objects.filter(action="oh_case_view").get()
    assert (event.actor, event.subject, event.reason) == (oh, officer, "escalated_flag")


def test_every_render_of_the_case_writes_an_audit_event(login, oh, officer):
    client = login(oh)
    open_case(client, officer)
    for _ in range(3):
        client.get(f"/oh/people/{officer.pk}/?checkins=2")
    assert AuditEvent.objects.filter(action="oh_case_view", subject=officer, actor=oh).count() == 3


def test_the_reason_lapses_after_thirty_minutes(login, oh, officer):
    client = login(oh)
    open_case(client, officer)
    session = client.session
    code, opened = session["oh_case_reasons"][str(officer.pk)]
    session["oh_case_reasons"][str(officer.pk)] = [code, (timezone.now() - timedelta(minutes=31)).isoformat()]
    session.save()
    assert b"Why are you opening this case?" in client.get(f"/oh/people/{officer.pk}/").content


def test_the_reason_is_per_person(login, oh, officer, teammate):
    client = login(oh)
    open_case(client, officer)
    assert b"Why are you opening this case?" in client.get(f"/oh/people/{teammate.pk}/").content


def test_the_case_query_count_does_not_grow_with_records(login, oh, officer, django_assert_num_queries):
    client = login(oh)
    open_case(client, officer)
    make_checkin(officer, "phq9", [1] * 9)
    add_exposure(officer, days_ago=1)
    client.get(f"/oh/people/{officer.pk}/")
    with django_assert_num_queries(CASE_QUERIES) as small:
        client.get(f"/oh/people/{officer.pk}/")
    for d in range(8):
        make_checkin(officer, "pulse")
        add_exposure(officer, days_ago=d + 2)
        escalated_flag(officer, reason=["pulse_falling", "checkins_overdue"][d % 2]) if d < 2 else None
        Referral.objects.create(person=officer, kind="counselling", referred_on=timezone.localdate())
        OHCaseNote.objects.create(person=officer, author=oh, text=f"note {d}")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(f"/oh/people/{officer.pk}/")


CASE_QUERIES = 22  # with welfare actions (once the WelfareAction model landed), whether all comments are shared,
# the person's screenings and TRiM cases (issue 20)


# ----------------------------------------------------------------------------- casework


def test_recording_a_referral_and_its_outcome(login, oh, officer):
    flag = escalated_flag(officer)
    client = login(oh)
    open_case(client, officer)
    response = client.post(f"/oh/people/{officer.pk}/referrals/", {
        "referral-kind": "trim", "referral-referred_on": timezone.localdate().isoformat(), "flag": flag.pk,
        "referral-purpose": "case_plan"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.person, referral.kind, referral.flag, referral.recorded_by) == (officer, "trim", flag, oh)
    response = client.post(f"/oh/people/{officer.pk}/referrals/{referral.pk}/outcome/", {
        f"outcome-{referral.pk}-outcome": "completed",
        f"outcome-{referral.pk}-outcome_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "completed"
    actions = list(AuditEvent.objects.filter(subject=officer).values_list("action", flat=True))
    assert "oh_referral_recorded" in actions and "oh_referral_outcome" in actions


def test_a_future_referral_date_is_refused_and_the_typed_values_kept(login, oh, officer):
    client = login(oh)
    open_case(client, officer)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(f"/oh/people/{officer.pk}/referrals/",
                           {"referral-kind": "counselling", "referral-referred_on": future})
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be in the future" in html and future in html
    assert not Referral.objects.exists()


def test_an_outcome_needs_its_date(login, oh, officer):
    referral = Referral.objects.create(person=officer, kind="trim", referred_on=timezone.localdate())
    client = login(oh)
    open_case(client, officer)
    response = client.post(f"/oh/people/{officer.pk}/referrals/{referral.pk}/outcome/",
                           {f"outcome-{referral.pk}-outcome": "declined"})
    assert response.status_code == 400 and b"Give the date of the outcome" in response.content


def test_a_case_note_is_saved_and_its_text_never_reaches_the_audit_log(login, oh, officer, logscan):
    client = login(oh)
    open_case(client, officer)
    text = "Discussed sleep and the night rota at length today."
    logscan.secret(text, "free text (test)")
    client.post(f"/oh/people/{officer.pk}/notes/", {"note-text": text, "note-purpose": "contact_record"})
    note = OHCaseNote.objects.get()
    assert note.text == text and note.author == oh
    event = AuditEvent.objects.get(action="oh_note_added")
    assert text not in json.dumps(event.detail) and text not in event.reason
    assert logscan.leaks() == []


def test_closing_an_escalated_flag_is_claimed_once(login, oh, officer):
    flag = escalated_flag(officer)
    client = login(oh)
    open_case(client, officer)
    outcome = {f"close-{flag.pk}-outcome": "contacted_no_action"}
    client.post(f"/oh/people/{officer.pk}/flags/{flag.pk}/close/", outcome)
    client.post(f"/oh/people/{officer.pk}/flags/{flag.pk}/close/", outcome)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.CLOSED and flag.closed_by == oh and flag.outcome == "contacted_no_action"
    assert AuditEvent.objects.filter(action="flag_closed", detail__role="oh").count() == 1
    assert str(officer) not in client.get("/oh/").content.decode()


def test_placing_and_lifting_a_legal_hold(login, oh, officer):
    client = login(oh)
    client.post(f"/oh/people/{officer.pk}/holds/", {"hold-reason": "Employment tribunal ET/123",
                                                   "hold-purpose": "tribunal"})
    hold = LegalHold.objects.get()
    assert hold.is_active and hold.placed_by == oh
    client.post(f"/oh/people/{officer.pk}/holds/{hold.pk}/lift/")
    hold.refresh_from_db()
    assert not hold.is_active
    assert {"legal_hold_placed", "legal_hold_lifted"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_writes_need_post(login, oh, officer):
    client = login(oh)
    for url in [f"/oh/people/{officer.pk}/notes/", f"/oh/people/{officer.pk}/subject-access-export/"]:
        assert client.get(url).status_code == 405


# ----------------------------------------------------------------------------- subject access


SAR = {"sar-reference": "SAR-2026-0142", "sar-purpose": "request_by_person"}


def test_the_subject_access_export_holds_everything_and_is_audited(login, oh, officer):
    make_checkin(officer, "phq9", [1] * 9, comment="=comment shared with OH", share=True)
    add_exposure(officer, days_ago=3)
    escalated_flag(officer)
    Referral.objects.create(person=officer, kind="trim", referred_on=timezone.localdate())
    OHCaseNote.objects.create(person=officer, author=oh, text="A note the person may ask to read.")
    response = login(oh).post(f"/oh/people/{officer.pk}/subject-access-export/", SAR)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    for table in ["checkins", "shifts", "exposures", "flags", "referrals", "oh_case_notes", "access_history",
                  "risk_assessments", "notifications", "legal_holds"]:
        assert {f"{table}.csv", f"{table}.json"} <= names, table
    profile = json.loads(archive.read("profile.json"))
    assert profile["username"] == officer.username and "password" not in profile
    checkins = json.loads(archive.read("checkins.json"))
    assert checkins[0]["answers"] == [1] * 9
    assert "'=comment shared with OH" in archive.read("checkins.csv").decode()  # neutralised in the CSV
    assert "A note the person may ask to read." in archive.read("oh_case_notes.csv").decode()
    # an assessment's numbers are as of its last refresh: the person gets that time too
    assessment = RiskAssessment.objects.create(officer=officer, level="green", score=0.4, rules_version=1,
                                               inputs_digest="x", refreshed_at=timezone.now())
    response = login(oh).post(f"/oh/people/{officer.pk}/subject-access-export/", SAR)
    assessments = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("risk_assessments.json"))
    assert [a["id"] for a in assessments] == [assessment.pk] and assessments[0]["refreshed_at"]
    event = AuditEvent.objects.filter(action="subject_access_export").first()
    assert (event.actor, event.subject) == (oh, officer) and event.detail["tables"]["checkins"] == 1


def test_every_read_of_someone_elses_detail_is_audited(login, oh, officer):
    """Each OH view that shows one person's detail writes an event naming them."""
    client = login(oh)
    reads = [lambda: (open_case(client, officer), client.get(f"/oh/people/{officer.pk}/")),
             lambda: client.post(f"/oh/people/{officer.pk}/subject-access-export/", SAR)]
    for read in reads:
        before = AuditEvent.objects.filter(subject=officer, actor=oh).count()
        read()
        assert AuditEvent.objects.filter(subject=officer, actor=oh).count() == before + 1


def test_the_referral_date_defaults_to_today_in_the_date_pickers_format(login, oh, officer):
    client = login(oh)
    open_case(client, officer)
    html = client.get(f"/oh/people/{officer.pk}/").content.decode()
    assert f'name="referral-referred_on" value="{timezone.localdate().isoformat()}"' in html
