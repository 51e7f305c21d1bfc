from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from portal.models import AuditEvent, Notification
from tests.factories import OfficerFactory
from wellbeing.models import Flag
from wellbeing.risk.flags import flag_raise, flags_raise_many, supervisor_label

SUPERVISOR = "A person in your team needs a welfare contact"
OH = "Occupational health: a new item in your queue"
OH_URGENT = "Urgent: a new item in your OH queue needs attention today"


def titles(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_an_operational_flag_goes_to_the_supervisor_with_its_category(officer, supervisor, oh):
    flag, created = flag_raise(officer=officer, reason_code="exposure_load_high")
    assert created and flag.kind == "operational"
    assert titles(supervisor) == [SUPERVISOR]  # the team page shows the category, behind sign-in
    assert titles(oh) == []
    assert AuditEvent.objects.filter(action="flag_raised", subject=officer).count() == 1


def test_a_clinical_flag_reaches_oh_and_the_supervisor_only_as_welfare_contact(officer, supervisor, oh):
    flag, _ = flag_raise(officer=officer, reason_code="screen_over_cutoff")
    assert titles(supervisor) == [SUPERVISOR]
    assert titles(oh) == [OH]
    assert supervisor_label(flag) == "Welfare contact recommended"


def test_an_urgent_flag_reaches_oh_at_once(officer, oh, supervisor):
    flag_raise(officer=officer, reason_code="phq9_item9", urgent=True)
    assert titles(oh) == [OH_URGENT]
    assert Notification.objects.get(user=oh).urgent


def test_the_same_reason_is_flagged_once_while_active(officer, supervisor):
    first, created = flag_raise(officer=officer, reason_code="exposure_load_high")
    second, created_again = flag_raise(officer=officer, reason_code="exposure_load_high")
    assert created and not created_again and first.pk == second.pk
    assert Flag.objects.count() == 1 and len(titles(supervisor)) == 1
    Flag.objects.filter(pk=first.pk).update(status=Flag.Status.CLOSED)
    third, created_third = flag_raise(officer=officer, reason_code="exposure_load_high")
    assert created_third and third.pk != first.pk


def test_nobody_outside_the_team_or_organisation_is_told(officer, outsider, other_supervisor, foreign_oh, oh):
    flag_raise(officer=officer, reason_code="phq9_item9", urgent=True)
    assert titles(other_supervisor) == [] and titles(foreign_oh) == [] and titles(outsider) == []


def test_each_recipient_is_told_in_their_own_language(officer, supervisor, oh):
    supervisor.language = "cy"
    supervisor.save()
    flag_raise(officer=officer, reason_code="screen_over_cutoff")
    with translation.override("cy"):
        welsh = gettext(SUPERVISOR)  # the lead's Welsh, once translated
    assert titles(supervisor) == [welsh]
    assert titles(oh) == [OH]


def test_many_flags_at_once_are_routed_as_one_flag_is(officer, outsider, supervisor, other_supervisor, oh,
                                                      foreign_oh):
    flags = flags_raise_many([(officer.pk, "exposure_load_high", False, None),
                              (officer.pk, "screen_over_cutoff", False, None),
                              (outsider.pk, "phq9_item9", True, None)])
    assert len(flags) == 3 and all(f.pk for f in flags)
    assert titles(supervisor) == [SUPERVISOR, SUPERVISOR]
    assert titles(other_supervisor) == [SUPERVISOR]
    assert sorted(titles(oh)) == [OH, OH_URGENT]
    assert titles(foreign_oh) == []
    assert AuditEvent.objects.filter(action="flag_raised").count() == 3


def test_many_flags_cost_the_same_queries_as_a_few(force, team_a, supervisor, oh):
    def raise_for(n):
        people = [OfficerFactory(organisation=force, team=team_a) for _ in range(n)]
        with CaptureQueriesContext(connection) as queries:
            flags_raise_many([(p.pk, "screen_over_cutoff", False, None) for p in people])
        return len(queries)

    assert raise_for(2) == raise_for(20)
    assert Notification.objects.filter(user=supervisor).count() == 22 and Flag.objects.count() == 22


def test_a_flag_already_active_is_not_raised_twice_and_the_others_still_are(officer, supervisor):
    first, _ = flag_raise(officer=officer, reason_code="exposure_load_high")
    flags = flags_raise_many([(officer.pk, "exposure_load_high", False, None),
                              (officer.pk, "viewing_without_breaks", False, None)])
    assert [f.reason_code for f in flags] == ["viewing_without_breaks"]
    assert Flag.objects.filter(officer=officer, reason_code="exposure_load_high").get() == first
    assert len(titles(supervisor)) == 2
