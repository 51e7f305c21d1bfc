"""The out-of-hours route for urgent flags (issue 21, wellbeing/risk/urgent.py), with a fixed clock:
the on-call contact is told at once, the second contact once the deadline passes unacknowledged,
an acknowledgement (by the on-call contact or any OH member) stops the chain, and the beat task
run twice tells nobody twice. Hazards H1 and H8 in docs/clinical-safety.md."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from portal.models import AuditEvent, Notification, Organisation, TaskFailure
from wellbeing.models import Flag
from wellbeing.risk import flags as flag_life
from wellbeing.risk import urgent
from wellbeing.risk.flags import flag_raise
from wellbeing.tasks import urgent_route_sweep as urgent_route_task

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 29, 2, 14, tzinfo=dt_timezone.utc)  # a Sunday, 02:14: OH is closed
OPEN, ACK, CLOSED = Flag.Status.OPEN, Flag.Status.ACKNOWLEDGED, Flag.Status.CLOSED


def told(user, suffix=None):
    notes = Notification.objects.filter(user=user)
    if suffix:
        notes = notes.filter(dedupe_key__endswith=f":{suffix}")
    return list(notes.values_list("title", flat=True))


def raise_urgent(officer, at=T0):
    flag, _ = flag_raise(officer=officer, reason_code="phq9_item9", urgent=True, now=at)
    return flag


# ----------------------------------------------------------------------------- the rule (pure)


def step(status=OPEN, *, urgent_=True, on_call=True, first=None, second_at=None, due=T0, now=T0):
    return urgent.next_step(urgent=urgent_, status=status, on_call=on_call, on_call_notified_at=first,
                            second_contact_notified_at=second_at, acknowledge_by=due, now=now)


def test_out_of_hours_no_one_on_duty_next_step_rule_every_case():
    later = T0 + timedelta(minutes=1)
    assert step(first=None) == urgent.FIRST
    assert step(first=None, on_call=False) is None  # no route: every OH member was told, as before
    assert step(first=T0, due=later) is None  # told, deadline not reached
    assert step(first=T0, due=T0) == urgent.SECOND  # deadline reached (inclusive)
    assert step(first=T0, due=T0 - timedelta(hours=3)) == urgent.SECOND
    assert step(first=T0, second_at=T0) is None  # both told: the chain is done
    assert step(first=T0, due=None) is None
    for status in (ACK, CLOSED, Flag.Status.ESCALATED):  # acknowledged or closed: the chain stopped
        assert step(status, first=None) is None and step(status, first=T0) is None
    assert step(urgent_=False, first=None) is None and step(urgent_=False, first=T0) is None


def test_out_of_hours_no_one_on_duty_contacts_must_still_be_oh_and_second_falls_back_to_others(
        on_call, second, oh):
    staff = [oh, on_call, second]
    route = urgent.route_from(on_call_id=on_call.pk, second_id=second.pk, minutes=30, staff=staff)
    assert (route.on_call, route.second, route.minutes) == (on_call, second, 30)
    assert urgent.second_recipients(route, staff) == [second]
    gone = urgent.route_from(on_call_id=on_call.pk, second_id=second.pk, minutes=0, staff=[oh, on_call])
    assert gone.second is None and gone.minutes == urgent.DEFAULT_MINUTES
    assert urgent.second_recipients(gone, [oh, on_call]) == [oh]  # everyone but the on-call contact
    alone = urgent.route_from(on_call_id=on_call.pk, second_id=None, minutes=60, staff=[on_call])
    assert urgent.second_recipients(alone, [on_call]) == [on_call]  # nobody else: them again
    nobody = urgent.route_from(on_call_id=on_call.pk, second_id=None, minutes=60, staff=[oh])
    assert nobody.on_call is None
    assert urgent.route_from(on_call_id=on_call.pk, second_id=on_call.pk, minutes=60, staff=staff).second is None


# ----------------------------------------------------------------------------- the chain, in time


def test_out_of_hours_no_one_on_duty_the_on_call_contact_is_told_at_once(routed, officer, on_call, second, oh):
    flag = raise_urgent(officer)
    assert told(on_call) == [urgent.ON_CALL_TITLE]
    note = Notification.objects.get(user=on_call)
    assert note.urgent and note.email_wanted and note.link == "/oh/"
    assert told(oh) == [flag_life.OH_URGENT_TITLE]  # every other OH member, as before
    assert told(second) == [flag_life.OH_URGENT_TITLE]  # told as an OH member, not yet as second contact
    flag.refresh_from_db()
    assert flag.on_call_notified_at == T0 and flag.acknowledge_by == T0 + timedelta(hours=1)
    assert urgent.urgent_route_sweep(now=T0 + timedelta(minutes=59)) == 0
    assert told(second, "oncall-second") == []


def test_out_of_hours_no_one_on_duty_second_contact_after_the_deadline_and_only_once(
        routed, officer, on_call, second, oh):
    flag = raise_urgent(officer)
    assert urgent.urgent_route_sweep(now=T0 + timedelta(minutes=60)) == 1
    assert told(second, "oncall-second") == [urgent.SECOND_TITLE]
    assert Notification.objects.get(user=second, dedupe_key__endswith="oncall-second").urgent
    assert told(oh, "oncall-second") == [] and told(on_call, "oncall-second") == []
    for minutes in (61, 62, 600):  # the beat runs again, and again: nothing more
        assert urgent.urgent_route_sweep(now=T0 + timedelta(minutes=minutes)) == 0
    assert Notification.objects.filter(dedupe_key__endswith="oncall-second").count() == 1
    flag.refresh_from_db()
    assert flag.second_contact_notified_at == T0 + timedelta(minutes=60) and flag.status == OPEN
    event = AuditEvent.objects.get(action="flag_on_call_escalated")
    assert event.detail == {"reason": "phq9_item9", "to": "second_contact", "recipients": 1}


@pytest.mark.parametrize("who", ["on_call", "oh"])
def test_out_of_hours_no_one_on_duty_acknowledged_stops_the_chain(routed, officer, on_call, second, oh, who):
    flag = raise_urgent(officer)
    by = {"on_call": on_call, "oh": oh}[who]
    assert flag_life.flag_acknowledge(flag=flag, role=flag_life.OH, by=by, now=T0 + timedelta(minutes=20))
    assert flag.status == ACK and flag.acknowledged_by == by
    assert urgent.urgent_route_sweep(now=T0 + timedelta(hours=2)) == 0
    assert told(second, "oncall-second") == []
    assert AuditEvent.objects.get(action="flag_acknowledged").detail == {
        "reason": "phq9_item9", "role": "oh", "was": "open"}


def test_out_of_hours_no_one_on_duty_closing_also_stops_the_chain(routed, officer, second, oh):
    flag = raise_urgent(officer)
    flag_life.flag_close(flag=flag, role=flag_life.OH, by=oh, outcome="contacted_support")
    assert urgent.urgent_route_sweep(now=T0 + timedelta(hours=2)) == 0
    assert told(second, "oncall-second") == []


def test_out_of_hours_no_one_on_duty_the_deadline_is_the_organisations(routed, officer, second):
    Organisation.objects.filter(pk=routed.pk).update(urgent_acknowledge_minutes=15)
    flag = raise_urgent(officer)
    flag.refresh_from_db()
    assert flag.acknowledge_by == T0 + timedelta(minutes=15)
    assert urgent.urgent_route_sweep(now=T0 + timedelta(minutes=14)) == 0
    assert urgent.urgent_route_sweep(now=T0 + timedelta(minutes=15)) == 1


def test_out_of_hours_no_one_on_duty_without_a_second_contact_every_other_oh_member_is_told(
        force, officer, on_call, oh):
    Organisation.objects.filter(pk=force.pk).update(on_call_contact=on_call)
    raise_urgent(officer)
    assert urgent.urgent_route_sweep(now=T0 + timedelta(hours=1)) == 1
    assert told(oh, "oncall-second") == [urgent.SECOND_TITLE] and told(on_call, "oncall-second") == []
    assert AuditEvent.objects.get(action="flag_on_call_escalated").detail["to"] == "oh"


def test_out_of_hours_no_one_on_duty_a_flag_made_urgent_later_starts_the_chain_then(routed, officer, on_call):
    flag, _ = flag_raise(officer=officer, reason_code="phq9_item9", now=T0 - timedelta(days=1))
    assert told(on_call, "oncall") == []
    flag_raise(officer=officer, reason_code="phq9_item9", urgent=True, now=T0)
    flag.refresh_from_db()
    assert flag.urgent and flag.on_call_notified_at == T0 and flag.acknowledge_by == T0 + timedelta(hours=1)
    assert told(on_call, "oncall") == [urgent.ON_CALL_TITLE]


def test_out_of_hours_no_one_on_duty_a_route_named_after_the_flag_catches_up_once(force, officer, on_call, oh):
    flag = raise_urgent(officer)  # no route yet: every OH member told, as before
    assert told(on_call) == [flag_life.OH_URGENT_TITLE]
    Organisation.objects.filter(pk=force.pk).update(on_call_contact=on_call, urgent_acknowledge_minutes=30)
    now = T0 + timedelta(minutes=5)
    assert urgent.urgent_route_sweep(now=now) == 1
    assert urgent.urgent_route_sweep(now=now) == 0
    assert told(on_call, "oncall") == [urgent.ON_CALL_TITLE]
    flag.refresh_from_db()
    assert flag.on_call_notified_at == now and flag.acknowledge_by == now + timedelta(minutes=30)


def test_out_of_hours_no_one_on_duty_old_flags_are_not_paged_out_again(force, officer, on_call):
    raise_urgent(officer, at=T0 - timedelta(days=3))
    Organisation.objects.filter(pk=force.pk).update(on_call_contact=on_call)
    assert urgent.urgent_route_sweep(now=T0) == 0


def test_out_of_hours_no_one_on_duty_a_contact_who_lost_the_oh_role_is_skipped(routed, officer, on_call, oh):
    on_call.is_oh = False
    on_call.save()
    raise_urgent(officer)
    assert told(on_call) == []  # not OH any more: told nothing about a person's urgent answer
    assert told(oh) == [flag_life.OH_URGENT_TITLE]
    assert Flag.objects.get(officer=officer).on_call_notified_at is None


def test_urgent_not_reaching_clinician_with_no_on_call_contact_every_oh_member_is_told_as_before(
        force, officer, oh, second):
    raise_urgent(officer)
    assert told(oh) == [flag_life.OH_URGENT_TITLE] and told(second) == [flag_life.OH_URGENT_TITLE]
    assert Flag.objects.get(officer=officer).acknowledge_by == T0 + timedelta(hours=1)
    assert urgent.urgent_route_sweep(now=T0 + timedelta(hours=5)) == 0  # no route: nothing more, as before


def test_urgent_not_reaching_clinician_a_second_step_with_nobody_to_tell_is_a_visible_failure(
        routed, officer, on_call, second, oh):
    raise_urgent(officer)
    for user in (on_call, second, oh):
        user.is_active = False
        user.save()
    assert urgent.urgent_route_sweep(now=T0 + timedelta(hours=1)) == 1
    failure = TaskFailure.objects.get(task_name="wellbeing.urgent_route_sweep")
    assert failure.args == [Flag.objects.get(officer=officer).pk]


def test_out_of_hours_no_one_on_duty_the_beat_task_runs_the_sweep_and_twice_sends_nothing_twice(
        routed, officer, second, django_capture_on_commit_callbacks):
    raise_urgent(officer, at=timezone.now() - timedelta(hours=2))  # the task reads the real clock
    with django_capture_on_commit_callbacks(execute=True):
        assert urgent_route_task.delay().get() == 1
        assert urgent_route_task.delay().get() == 0
    assert told(second, "oncall-second") == [urgent.SECOND_TITLE]


def test_out_of_hours_no_one_on_duty_sweep_queries_do_not_grow_with_flags(
        routed, officer, teammate, outsider, oh, django_assert_max_num_queries):
    for person in (officer, teammate, outsider):
        raise_urgent(person)
    for f in Flag.objects.all():
        flag_life.flag_acknowledge(flag=f, role=flag_life.OH, by=oh)
    with django_assert_max_num_queries(2):  # two reads, nothing due
        assert urgent.urgent_route_sweep(now=T0 + timedelta(hours=2)) == 0


def test_out_of_hours_no_one_on_duty_flags_raised_together_are_routed_together(
        routed, officer, teammate, outsider, on_call, django_assert_num_queries):
    one = [flag_life.FlagWanted(officer.pk, "phq9_item9", urgent=True)]
    with django_assert_num_queries(13) as single:  # whatever it is for one flag...
        flag_life.flags_raise_many(one, now=T0)
    many = [flag_life.FlagWanted(p.pk, code, urgent=True) for p in (teammate, outsider)
            for code in ("phq9_item9", "safety_question")]
    with django_assert_num_queries(len(single.captured_queries)):  # ...it is for four
        flag_life.flags_raise_many(many, now=T0)
    assert len(told(on_call, "oncall")) == 5
    assert set(Flag.objects.values_list("on_call_notified_at", "acknowledge_by")) == {(T0, T0 + timedelta(hours=1))}
