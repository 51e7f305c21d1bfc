"""OH's triage queue and case page for hazard H2: every clinical result reaches OH at once, ordered
urgent first, then by severity, then by age, and the case shows what raised each flag."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OfficerFactory
from wellbeing.checkins.services import checkin_record
from wellbeing.models import Flag
from wellbeing.risk.flags import flag_raise
from wellbeing.risk.service import risk_recompute
from wellbeing.tests.helpers import make_checkin

pytestmark = pytest.mark.django_db

# PCL-5 answers meeting every DSM-5 cluster (B1, C1, D2, E2 items at 2) with a total of 12, far
# under the cut-off of 33.
PCL5_RULE_UNDER_CUTOFF = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]


def record(officer, instrument, answers, **extra):
    checkin, _ = checkin_record(officer=officer, instrument=instrument, answers=answers, submission=uuid.uuid4(),
                                **extra)
    risk_recompute(officer_ids=[officer.pk])  # what the task enqueued on commit does
    return checkin


def queue_rows(client):
    html = client.get("/oh/").content.decode()
    return [int(pk) for pk in re.findall(r'class="oh-queue-row" data-flag="(\d+)"', html)], html


def test_clinical_result_not_triaged_a_severe_phq9_reaches_oh_queue_at_once(login, oh, officer, supervisor):
    checkin = record(officer, "phq9", [3, 3, 3, 3, 2, 2, 2, 2, 0])  # 20: severe, item 9 at 0
    f = Flag.objects.get(officer=officer, reason_code="screen_over_cutoff")
    assert (f.kind, f.urgent, f.severity, f.checkin_id) == ("clinical", False, Flag.Severity.SEVERE, checkin.pk)
    ids, html = queue_rows(login(oh))
    assert ids == [f.pk]
    assert "Severe" in html and "raised" in html and "ago" in html


@pytest.mark.parametrize(("instrument", "answers"), [
    ("gad7", [3, 3, 3, 3, 3, 0, 0]),  # 15: severe
    ("pcl5", [2] * 17 + [0] * 3),  # 34: just over the cut-off
    ("phq4", [3, 3, 0, 0]),  # anxiety subscale 6
])
def test_clinical_result_not_triaged_every_positive_screen_is_in_the_queue(login, oh, officer, instrument, answers):
    extra = {"safety": False} if instrument == "phq4" else {}
    checkin = record(officer, instrument, answers, **extra)
    f = Flag.objects.get(officer=officer, reason_code="screen_over_cutoff")
    assert f.checkin_id == checkin.pk
    assert queue_rows(login(oh))[0] == [f.pk]


def test_clinical_result_not_triaged_pcl5_dsm5_rule_met_under_the_cut_off_raises_a_flag(login, oh, officer):
    checkin = record(officer, "pcl5", PCL5_RULE_UNDER_CUTOFF)
    assert checkin.total == 12 and checkin.result["dsm5_provisional"] is True and not checkin.positive
    f = Flag.objects.get(officer=officer, reason_code="screen_over_cutoff")
    assert f.severity == Flag.Severity.CLINICAL and f.checkin_id == checkin.pk
    assessment = officer.risk_assessments.get(is_current=True)
    screen = next(r for r in assessment.reasons if r["code"] == "screen_over_cutoff")
    assert screen["numbers"] == {"instruments": ["pcl5"], "pcl5_dsm5_provisional": True}
    assert queue_rows(login(oh))[0] == [f.pk]


def test_clinical_result_not_triaged_falling_pulse_is_in_the_queue(login, oh, officer):
    now = timezone.now()
    for n, answers in enumerate([[4] * 5] * 4 + [[1] * 5] * 4):
        make_checkin(officer, "pulse", answers, at=now - timedelta(days=8 - n))
    risk_recompute(officer_ids=[officer.pk])
    f = Flag.objects.get(officer=officer, reason_code="pulse_falling")
    assert f.severity == Flag.Severity.CLINICAL
    assert queue_rows(login(oh))[0] == [f.pk]


def test_clinical_result_not_triaged_queue_orders_urgent_then_severity_then_age(login, oh, force):
    now = timezone.now()
    people = [OfficerFactory(organisation=force) for _ in range(6)]

    def raised(person, code, hours_ago, **kw):
        return flag_raise(officer=person, reason_code=code, now=now - timedelta(hours=hours_ago), **kw)[0]

    old_moderate = raised(people[0], "screen_over_cutoff", 50)
    new_severe = raised(people[1], "screen_over_cutoff", 1, severity=Flag.Severity.SEVERE)
    old_severe = raised(people[2], "screen_over_cutoff", 30, severity=Flag.Severity.SEVERE)
    new_urgent = raised(people[3], "phq9_item9", 0.1, urgent=True)
    old_escalated = raised(people[4], "checkins_overdue", 100)
    from wellbeing.risk.flags import flag_escalate

    flag_escalate(flag_id=old_escalated.pk, now=now - timedelta(hours=50))
    raised(people[5], "exposure_load_high", 200)  # the supervisor's, not escalated: not in the queue
    ids, html = queue_rows(login(oh))
    assert ids == [new_urgent.pk, old_severe.pk, new_severe.pk, old_moderate.pk, old_escalated.pk]
    assert "raised 2\xa0days ago" in html and "raised 1\xa0hour ago" in html  # timesince's no-break space


def test_clinical_result_not_triaged_a_more_severe_result_moves_the_active_flag_up(officer, oh):
    first = record(officer, "phq9", [2, 2, 2, 2, 2, 2, 0, 0, 0])  # 12: moderate
    f = Flag.objects.get(officer=officer, reason_code="screen_over_cutoff")
    assert (f.severity, f.checkin_id) == (Flag.Severity.CLINICAL, first.pk)
    second = record(officer, "phq9", [3, 3, 3, 3, 3, 3, 2, 2, 0])  # 22: severe, the same finding
    f.refresh_from_db()
    assert (f.severity, f.checkin_id) == (Flag.Severity.SEVERE, second.pk)
    assert Flag.objects.filter(officer=officer).count() == 1
    record(officer, "phq9", [2, 2, 2, 2, 2, 2, 0, 0, 0])  # back to 12: severity is never lowered
    f.refresh_from_db()
    assert f.severity == Flag.Severity.SEVERE


def test_clinical_result_not_triaged_the_case_links_each_flag_to_its_check_in_and_shows_pcl5_clusters(
        login, oh, officer):
    pcl5 = record(officer, "pcl5", PCL5_RULE_UNDER_CUTOFF)
    for _ in range(12):  # push the PCL-5 onto the second page of check-ins
        make_checkin(officer, "pulse")
    f = Flag.objects.get(officer=officer, reason_code="screen_over_cutoff")
    client = login(oh)
    client.post(f"/oh/people/{officer.pk}/", {"reason": "screening_review"})
    html = client.get(f"/oh/people/{officer.pk}/").content.decode()
    assert f'href="?checkin={pcl5.pk}#checkin-{pcl5.pk}"' in html
    assert f'id="flag-{f.pk}"' in html and "Close with an outcome" in html
    linked = client.get(f"/oh/people/{officer.pk}/?checkin={pcl5.pk}").content.decode()
    assert f'id="checkin-{pcl5.pk}"' in linked
    assert "DSM-5 provisional rule met" in linked
    for text in ("Cluster B: 1 of 5 endorsed (needs 1)", "Cluster C: 1 of 2 endorsed (needs 1)",
                 "Cluster D: 2 of 7 endorsed (needs 2)", "Cluster E: 2 of 6 endorsed (needs 2)"):
        assert text in linked, text


def test_clinical_result_not_triaged_the_queue_costs_the_same_queries_for_more_flags(login, oh, force,
                                                                                    django_assert_num_queries):
    from wellbeing.oh.tests.test_views import QUEUE_QUERIES

    client = login(oh)

    def add(n):
        for _ in range(n):
            person = OfficerFactory(organisation=force)
            checkin = make_checkin(person, "phq9", [3] * 9)
            flag_raise(officer=person, reason_code="screen_over_cutoff", checkin=checkin)
            flag_raise(officer=person, reason_code="phq9_item9", urgent=True, checkin=checkin)

    add(1)
    client.get("/oh/")
    with django_assert_num_queries(QUEUE_QUERIES) as small:
        client.get("/oh/")
    add(8)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/oh/")
