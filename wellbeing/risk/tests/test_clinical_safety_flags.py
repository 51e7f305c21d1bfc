"""Who may do what to which flag (`wellbeing.risk.flags`, one state machine), proved for the hazards it
controls: H1 an urgent answer not reaching a clinician, H3 an urgent or clinical flag acknowledged,
closed or escalated by someone not clinically responsible, H4 a clinical inference ("urgent")
reaching a supervisor. Names start with the hazard's slug (docs/clinical-safety.md)."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import AuditEvent
from wellbeing.checkins.services import checkin_record
from wellbeing.models import Flag, WelfareAction
from wellbeing.risk import flags as flag_life
from wellbeing.risk.flags import flag_escalate, flag_raise
from wellbeing.tasks import escalate_overdue_flags
from wellbeing.team import services as team_services
from wellbeing.tests.team_helpers import assess, flag

pytestmark = pytest.mark.django_db

CLINICAL_FLAGS = [("phq9_item9", True), ("safety_question", True), ("screen_over_cutoff", False),
                  ("pulse_falling", False)]


def urgent_checkin(officer):
    import uuid

    checkin, _ = checkin_record(officer=officer, instrument="phq9", answers=[0, 0, 0, 0, 0, 0, 0, 0, 1],
                                submission=uuid.uuid4())
    return checkin, Flag.objects.get(officer=officer, reason_code="phq9_item9")


def queue_ids(client):
    html = client.get("/oh/").content.decode()
    return [int(pk) for pk in re.findall(r'class="oh-queue-row" data-flag="(\d+)"', html)]


# ----------------------------------------------------------------------------- the state machine


@pytest.mark.parametrize(("kind", "urgent", "status", "owner"), [
    ("operational", False, "open", "supervisor"), ("operational", False, "acknowledged", "supervisor"),
    ("operational", False, "escalated", "oh"), ("operational", False, "closed", "supervisor"),
    ("clinical", False, "open", "oh"), ("clinical", False, "acknowledged", "oh"),
    ("clinical", True, "open", "oh"), ("clinical", False, "escalated", "oh"),
])
def test_clinical_flag_closed_by_non_clinician_ownership_and_every_permission(kind, urgent, status, owner):
    f = Flag(kind=kind, urgent=urgent, status=status, reason_code="x")
    assert flag_life.flag_owner(f) == owner
    allowed = {(role, action) for role in ("supervisor", "oh", "system")
               for action in ("acknowledge", "record_action", "close", "escalate")
               if flag_life.flag_permitted(f, role, action)}
    active = status != "closed"
    if owner == "oh":
        # the supervisor may only record a welfare conversation; only OH closes; nobody escalates;
        # OH acknowledges an open flag (it stops an urgent flag's on-call chain, issue 21)
        want = {("supervisor", "record_action"), ("oh", "close")} if active else set()
        assert allowed == want | ({("oh", "acknowledge")} if status == "open" else set())
    else:
        want = {"open": {("supervisor", "acknowledge"), ("supervisor", "record_action"), ("supervisor", "close"),
                         ("system", "escalate")},
                "acknowledged": {("supervisor", "record_action"), ("supervisor", "close")},
                "closed": set()}[status]
        assert allowed == want


@pytest.mark.parametrize(("code", "urgent"), CLINICAL_FLAGS)
def test_clinical_flag_closed_by_non_clinician_services_refuse_the_supervisor(officer, supervisor, code, urgent):
    f = flag(officer, code, urgent=urgent)
    with pytest.raises(flag_life.FlagNotPermitted):
        flag_life.flag_acknowledge(flag=f, role=flag_life.SUPERVISOR, by=supervisor)
    WelfareAction.objects.create(officer=officer, flag=f, recorded_by=supervisor, kind="welfare_conversation")
    with pytest.raises(flag_life.FlagNotPermitted):
        flag_life.flag_close(flag=f, role=flag_life.SUPERVISOR, by=supervisor)
    with pytest.raises(flag_life.FlagNotPermitted):
        team_services.welfare_action_record(officer=officer, by=supervisor, kind="other", flag=f, close_flag=True)
    f.refresh_from_db()
    assert f.status == Flag.Status.OPEN and f.acknowledged_at is None and f.closed_at is None
    assert WelfareAction.objects.count() == 1  # the refused call recorded nothing
    assert not AuditEvent.objects.filter(action__in=["flag_acknowledged", "flag_closed"]).exists()


@pytest.mark.parametrize(("code", "urgent"), CLINICAL_FLAGS)
def test_clinical_flag_closed_by_non_clinician_post_endpoints_answer_403_with_a_reason(login, officer, supervisor,
                                                                                      code, urgent):
    f = flag(officer, code, urgent=urgent)
    client = login(supervisor)
    for url, data in [(f"/team/flags/{f.pk}/acknowledge/", {}), (f"/team/flags/{f.pk}/close/", {})]:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "This flag is with occupational health" in response.content.decode()
    f.refresh_from_db()
    assert f.status == Flag.Status.OPEN
    assert AuditEvent.objects.filter(action="access_denied").count() == 2


def test_clinical_flag_closed_by_non_clinician_a_welfare_conversation_is_recorded_but_closes_nothing(
        login, oh, officer, supervisor):
    _checkin, f = urgent_checkin(officer)
    client = login(supervisor)
    # "close_flag" is not a field of the form on OH's flags: a forged one is ignored
    response = client.post(f"/team/flags/{f.pk}/", {"kind": "welfare_conversation", "close_flag": "on"})
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.status == Flag.Status.OPEN and f.acknowledged_at is None
    action = WelfareAction.objects.get()
    assert action.flag == f
    # ...and OH sees it on the case page, against the flag
    oh_client = login(oh)
    oh_client.post(f"/oh/people/{officer.pk}/", {"reason": "escalated_flag"})
    html = oh_client.get(f"/oh/people/{officer.pk}/").content.decode()
    assert "Welfare conversation" in html and f'href="#flag-{f.pk}"' in html


@pytest.mark.parametrize(("code", "urgent"), CLINICAL_FLAGS)
def test_clinical_flag_closed_by_non_clinician_the_flag_page_offers_no_control(login, officer, supervisor, code,
                                                                              urgent):
    f = flag(officer, code, urgent=urgent)
    html = login(supervisor).get(f"/team/flags/{f.pk}/").content.decode()
    assert f"/team/flags/{f.pk}/acknowledge/" not in html and f"/team/flags/{f.pk}/close/" not in html
    assert 'name="close_flag"' not in html and "Close the flag" not in html
    assert "With occupational health" in html
    assert 'name="kind"' in html  # a welfare conversation can still be recorded


def test_clinical_flag_closed_by_non_clinician_the_escalation_task_leaves_clinical_flags_to_oh(officer, supervisor):
    past = timezone.now() - timedelta(days=3)
    clinical, _ = flag_raise(officer=officer, reason_code="screen_over_cutoff", now=past)
    operational, _ = flag_raise(officer=officer, reason_code="checkins_overdue", now=past)
    assert escalate_overdue_flags() == 1
    assert flag_escalate(flag_id=clinical.pk) is False
    clinical.refresh_from_db()
    operational.refresh_from_db()
    assert clinical.status == Flag.Status.OPEN and clinical.escalated_at is None
    assert operational.status == Flag.Status.ESCALATED


def test_clinical_flag_closed_by_non_clinician_an_escalated_flag_stays_in_oh_queue_until_oh_closes_it(
        login, oh, officer, supervisor):
    raised, _ = flag_raise(officer=officer, reason_code="checkins_overdue", now=timezone.now() - timedelta(days=3))
    assert escalate_overdue_flags() == 1
    client = login(supervisor)
    assert client.post(f"/team/flags/{raised.pk}/acknowledge/").status_code == 403
    client.post(f"/team/flags/{raised.pk}/", {"kind": "welfare_conversation", "close_flag": "on"})
    raised.refresh_from_db()
    assert raised.status == Flag.Status.ESCALATED
    assert queue_ids(login(oh)) == [raised.pk]
    assert flag_life.flag_close(flag=raised, role=flag_life.OH, by=oh, outcome="contacted_support")
    assert queue_ids(login(oh)) == []


def test_clinical_flag_closed_by_non_clinician_oh_closes_only_with_an_outcome(login, oh, officer):
    _checkin, f = urgent_checkin(officer)
    client = login(oh)
    client.post(f"/oh/people/{officer.pk}/", {"reason": "escalated_flag"})
    response = client.post(f"/oh/people/{officer.pk}/flags/{f.pk}/close/", {})
    assert response.status_code == 400 and "Choose the outcome before closing the flag." in response.content.decode()
    response = client.post(f"/oh/people/{officer.pk}/flags/{f.pk}/close/", {f"close-{f.pk}-outcome": "whatever"})
    assert response.status_code == 400 and "Choose one of the outcomes listed." in response.content.decode()
    f.refresh_from_db()
    assert f.status == Flag.Status.OPEN
    response = client.post(f"/oh/people/{officer.pk}/flags/{f.pk}/close/",
                           {f"close-{f.pk}-outcome": "referred_gp"})
    assert response.status_code == 302
    f.refresh_from_db()
    assert (f.status, f.outcome, f.closed_by) == (Flag.Status.CLOSED, "referred_gp", oh)
    event = AuditEvent.objects.get(action="flag_closed")
    assert event.detail == {"reason": "phq9_item9", "role": "oh", "was": "open", "outcome": "referred_gp"}


def test_clinical_flag_closed_by_non_clinician_oh_cannot_close_a_supervisors_open_flag(login, oh, officer):
    f = flag(officer)
    client = login(oh)
    client.post(f"/oh/people/{officer.pk}/", {"reason": "escalated_flag"})
    assert f"/flags/{f.pk}/close/" not in client.get(f"/oh/people/{officer.pk}/").content.decode()
    response = client.post(f"/oh/people/{officer.pk}/flags/{f.pk}/close/", {f"close-{f.pk}-outcome": "referred_gp"})
    assert response.status_code == 403
    assert Flag.objects.get(pk=f.pk).status == Flag.Status.OPEN


def test_clinical_flag_closed_by_non_clinician_operational_flags_stay_the_supervisors(login, officer, supervisor):
    f = flag(officer)
    client = login(supervisor)
    html = client.get(f"/team/flags/{f.pk}/").content.decode()
    assert f"/team/flags/{f.pk}/acknowledge/" in html and 'name="close_flag"' in html
    client.post(f"/team/flags/{f.pk}/", {"kind": "welfare_conversation", "close_flag": "on"})
    assert Flag.objects.get(pk=f.pk).status == Flag.Status.CLOSED


# ----------------------------------------------------------------------------- H1


def test_urgent_not_reaching_clinician_the_flag_tops_oh_queue_above_older_escalations(login, oh, officer, teammate,
                                                                                        supervisor):
    older, _ = flag_raise(officer=teammate, reason_code="checkins_overdue", now=timezone.now() - timedelta(days=4))
    assert escalate_overdue_flags() == 1
    older_screen, _ = flag_raise(officer=teammate, reason_code="screen_over_cutoff",
                                 now=timezone.now() - timedelta(days=2))
    checkin, urgent = urgent_checkin(officer)
    assert (urgent.urgent, urgent.severity, urgent.checkin_id) == (True, Flag.Severity.URGENT, checkin.pk)
    assert queue_ids(login(oh)) == [urgent.pk, older_screen.pk, older.pk]


def test_urgent_not_reaching_clinician_a_supervisor_cannot_take_it_out_of_oh_queue(login, oh, officer, supervisor):
    _checkin, urgent = urgent_checkin(officer)
    client = login(supervisor)
    client.post(f"/team/flags/{urgent.pk}/acknowledge/")
    client.post(f"/team/flags/{urgent.pk}/", {"kind": "welfare_conversation", "close_flag": "on"})
    client.post(f"/team/flags/{urgent.pk}/close/")
    assert queue_ids(login(oh)) == [urgent.pk]


def test_urgent_not_reaching_clinician_a_later_urgent_answer_raises_an_active_flag_to_the_top(officer, oh):
    screen, _ = flag_raise(officer=officer, reason_code="screen_over_cutoff")
    assert screen.severity == Flag.Severity.CLINICAL
    same, created = flag_raise(officer=officer, reason_code="screen_over_cutoff", urgent=True)
    assert not created and same.pk == screen.pk
    screen.refresh_from_db()
    assert screen.urgent and screen.severity == Flag.Severity.URGENT
    assert AuditEvent.objects.filter(action="flag_severity_raised", object_id=str(screen.pk)).count() == 1


# ----------------------------------------------------------------------------- H4

SUPERVISOR_PAGES = ["/team/", "/team/?level=red", "/team/?sort=level&flagged=on", "/team/flags/", "/team/trends/",
                    "/team/export.csv"]


def test_clinical_inference_leaked_no_supervisor_page_says_urgent(login, officer, teammate, supervisor):
    assess(officer, "urgent", ("phq9_item9",))
    assess(teammate, "red")
    _checkin, urgent = urgent_checkin(officer)
    client = login(supervisor)
    pages = [*SUPERVISOR_PAGES, f"/team/flags/{urgent.pk}/", f"/team/people/{officer.pk}/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "urgent" not in response.getvalue().decode().lower(), url


def test_clinical_inference_leaked_an_urgent_level_reads_red_in_rows_charts_and_export(login, officer, supervisor):
    assess(officer, "urgent", ("phq9_item9",))
    client = login(supervisor)
    body = b"".join(client.get("/team/export.csv").streaming_content).decode("utf-8-sig")
    export = list(csv.reader(io.StringIO(body)))
    assert export[1][1:3] == ["Red", "Welfare contact recommended"]
    person = client.get(f"/team/people/{officer.pk}/").content.decode()
    charts = json.loads(re.search(r'id="team-chart-data" type="application/json">(.*?)</script>', person,
                                  re.S).group(1))
    levels = charts["charts"][0]
    assert levels["yTicks"]["labels"] == ["Green", "Amber", "Red"] and levels["series"][0]["y"][0] == 2
    trends = client.get("/team/trends/").content.decode()
    data = json.loads(re.search(r'id="team-chart-data" type="application/json">(.*?)</script>', trends,
                                re.S).group(1))
    names = [s["name"] for s in data["charts"][2]["series"]]
    assert names == ["Green", "Amber", "Red", "Not assessed"]
    assert data["charts"][2]["series"][2]["y"][-1] == 1


def test_clinical_inference_leaked_no_urgent_filter_for_supervisors(login, officer, supervisor):
    assess(officer, "urgent", ("phq9_item9",))
    response = login(supervisor).get("/team/?level=urgent")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert 'value="urgent"' not in response.content.decode()


def test_clinical_inference_leaked_supervisor_pages_give_dates_not_times(login, officer, supervisor):
    _checkin, urgent = urgent_checkin(officer)
    assess(officer, "urgent", ("phq9_item9",))
    client = login(supervisor)
    raised = timezone.localtime(urgent.raised_at)
    flag_page = client.get(f"/team/flags/{urgent.pk}/").content.decode()
    inbox = client.get("/team/flags/").content.decode()
    for html in (flag_page, inbox):
        assert raised.strftime("%H:%M") not in html
        assert "ago" not in html and "left to acknowledge" not in html
    person = client.get(f"/team/people/{officer.pk}/").content.decode()
    charts = json.loads(re.search(r'id="team-chart-data" type="application/json">(.*?)</script>', person,
                                  re.S).group(1))
    assert all("T" not in x for x in charts["charts"][0]["x"] + charts["charts"][0]["xRange"])


def test_clinical_inference_leaked_urgent_and_other_clinical_flags_order_alike_for_supervisors(
        login, officer, teammate, supervisor):
    # The dashboard order must not single out the urgent one: both are "welfare contact".
    from wellbeing.team.selectors import team_rows

    assess(officer, "urgent", ("phq9_item9",))
    assess(teammate, "red", ("screen_over_cutoff",))
    flag(teammate, "screen_over_cutoff", hours_left=40)
    flag(officer, "phq9_item9", urgent=True, hours_left=40)
    rows = team_rows(supervisor.supervised_teams.get().members.all())
    assert [r.level for r in rows] == ["red", "red"]
    assert rows[0].attention[:4] == rows[1].attention[:4]
    assert not hasattr(rows[0].flags[0], "urgent")


def test_clinical_inference_leaked_the_admin_does_not_list_flags(admin_user, officer):
    from django.contrib import admin

    flag(officer, "phq9_item9", urgent=True)
    assert Flag not in admin.site._registry


def test_urgent_not_reaching_clinician_an_organisation_without_oh_is_a_visible_failure(client, admin_user, officer):
    """Nobody holds the OH role in the officer's force: the urgent flag cannot reach a clinician by
    any notice, so it is recorded at once where an administrator looks, by id only."""
    from portal.models import TaskFailure, User

    assert not User.objects.filter(is_oh=True).exists()
    checkin, urgent = urgent_checkin(officer)
    failure = TaskFailure.objects.get(task_name="wellbeing.flag_route")
    assert failure.args == [urgent.pk] and "nobody's queue" in failure.error
    assert officer.get_full_name() not in failure.error and "phq9" not in failure.error
    client.force_login(admin_user)
    page = client.get("/admin/portal/taskfailure/").content.decode()
    assert "wellbeing.flag_route" in page and "give someone the OH role now" in page


def test_urgent_not_reaching_clinician_an_organisation_with_oh_records_no_failure(officer, oh):
    from portal.models import TaskFailure

    urgent_checkin(officer)
    assert not TaskFailure.objects.exists()


def test_clinical_inference_leaked_the_notification_admin_shows_delivery_not_titles(client, admin_user, officer, oh):
    from portal.models import Notification

    urgent_checkin(officer)
    note = Notification.objects.get(user=oh)
    assert note.title.startswith("Urgent")
    client.force_login(admin_user)
    for url in ("/admin/portal/notification/", f"/admin/portal/notification/{note.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert note.title not in page and "Urgent" not in page, url


def test_urgent_not_reaching_clinician_many_unrouted_flags_log_a_count_not_every_id(officer, caplog):
    from portal.models import TaskFailure
    from wellbeing.risk.flags import _record_unrouted
    from wellbeing.tests.factories import FlagFactory

    flags = [FlagFactory(officer=officer, reason_code="screen_over_cutoff", status=Flag.Status.CLOSED)
             for _ in range(25)]
    with caplog.at_level("ERROR", logger="wellbeing.risk.flags"):
        _record_unrouted(flags)
    assert TaskFailure.objects.filter(task_name="wellbeing.flag_route").count() == 25  # one visible row each
    [record] = [r for r in caplog.records if r.name == "wellbeing.risk.flags"]
    count, shown = record.args
    assert count == 25 and shown == [flag.pk for flag in flags[:10]]
