"""OH's case page shows the person's TRiM cases (dates, stage, practitioner, escalations, the
assessments with band and action), audited with the page read; OH's queue lists follow-ups escalated
to OH and still not held. Only OH of the person's organisations."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from portal.models import AuditEvent
from wellbeing.models import TrimAssessment, TrimCase
from wellbeing.oh.tests.test_views import open_case
from wellbeing.trim.tests.factories import TrimAssessmentFactory, TrimCaseFactory, TrimPractitionerFactory

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)


@pytest.fixture
def trim_case(officer, force):
    practitioner = TrimPractitionerFactory(organisation=force, first_name="Pria", last_name="Practise")
    case = TrimCaseFactory(person=officer, practitioner=practitioner, stage=TrimCase.Stage.IN_PROGRESS,
                           incident__title="Collision on the zebra road",
                           assessment_escalated_at=AT + timedelta(days=2),
                           followup_escalated_at=AT + timedelta(days=36))
    TrimAssessmentFactory(case=case, held_on=date(2026, 3, 6), band=TrimAssessment.Band.RAISED,
                          action=TrimAssessment.Action.NAMED_SERVICE, service="Zebra counselling")
    return case


def test_oh_case_page_lists_the_persons_trim_cases(login, oh, officer, trim_case):
    client = login(oh)
    open_case(client, officer)
    html = client.get(f"/oh/people/{officer.pk}/").content.decode()
    assert 'id="trim"' in html and "Collision on the zebra road" in html
    assert "Pria Practise" in html and trim_case.get_stage_display() in html
    assert "3 Mar 2026" in html and "5 Mar 2026" in html  # occurred, escalated
    assert "overdue: sent to occupational health 8 Apr 2026" in html
    assert '<td data-label="Score band" class="trim-band">Raised</td>' in html
    assert "Referral to a named service: Zebra counselling" in html


def test_oh_case_page_read_of_trim_is_audited(login, oh, officer, trim_case):
    client = login(oh)
    open_case(client, officer)
    client.get(f"/oh/people/{officer.pk}/")
    event = AuditEvent.objects.filter(action="oh_case_view", subject=officer).latest("pk")
    assert event.detail["trim_cases"] == [trim_case.pk]


def test_oh_case_page_without_trim_shows_an_empty_state(login, oh, officer):
    client = login(oh)
    open_case(client, officer)
    assert "No TRiM case." in client.get(f"/oh/people/{officer.pk}/").content.decode()


def test_oh_of_another_organisation_cannot_open_the_case(login, foreign_oh, officer, trim_case):
    assert login(foreign_oh).get(f"/oh/people/{officer.pk}/").status_code == 404


def test_oh_case_page_trim_queries_do_not_grow_with_cases(login, oh, officer, trim_case,
                                                          django_assert_max_num_queries):
    client = login(oh)
    open_case(client, officer)
    with django_assert_max_num_queries(60) as first:
        client.get(f"/oh/people/{officer.pk}/")
    for _ in range(4):
        case = TrimCaseFactory(person=officer, practitioner=trim_case.practitioner)
        TrimAssessmentFactory(case=case)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(f"/oh/people/{officer.pk}/")


def test_escalated_followup_notice_links_to_the_oh_case_page(officer, oh, force):
    from portal.models import Notification
    from wellbeing.trim.escalation import escalation_sweep

    case = TrimCaseFactory(person=officer, stage=TrimCase.Stage.IN_PROGRESS)
    TrimAssessmentFactory(case=case)
    escalation_sweep(now=case.followup_due_at + timedelta(days=8))
    note = Notification.objects.get(user=oh, dedupe_key=f"trim:{case.pk}:late:follow_up")
    assert note.link == reverse("oh:case", args=[officer.pk])


def test_oh_queue_lists_overdue_trim_followups(login, oh, officer, teammate, trim_case):
    held = TrimCaseFactory(person=teammate, followup_escalated_at=AT + timedelta(days=36))
    TrimAssessmentFactory(case=held, stage=TrimAssessment.Stage.FOLLOW_UP)
    TrimCaseFactory(person=teammate, stage=TrimCase.Stage.CLOSED, followup_escalated_at=AT)
    html = login(oh).get("/oh/").content.decode()
    assert "TRiM follow-ups overdue" in html
    assert f'href="/oh/people/{officer.pk}/"' in html
    assert f'href="/oh/people/{teammate.pk}/"' not in html
    assert "Zebra counselling" not in html and "Raised" not in html.split("TRiM follow-ups overdue")[1]


def test_oh_queue_leaves_out_trim_followups_of_other_organisations(login, foreign_oh, trim_case):
    assert "TRiM follow-ups overdue" not in login(foreign_oh).get("/oh/").content.decode()
