"""Every change of a flag's status goes through `wellbeing.risk.flags` with the role as a parameter,
and each is audited under one name per transition, the role in its detail (issue 16)."""

import pytest
from django.core.exceptions import ValidationError

from portal.models import AuditEvent
from wellbeing.models import Flag, WelfareAction
from wellbeing.oh.labels import action_label
from wellbeing.risk import flags as flag_life
from wellbeing.tests.team_helpers import flag

pytestmark = pytest.mark.django_db


def details(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id").values_list("detail", flat=True))


def test_the_supervisor_and_oh_close_through_one_function_audited_the_same_way(officer, supervisor, oh):
    own = flag(officer)
    assert flag_life.flag_acknowledge(flag=own, role=flag_life.SUPERVISOR, by=supervisor)
    with pytest.raises(ValidationError):  # the supervisor closes once something was done
        flag_life.flag_close(flag=own, role=flag_life.SUPERVISOR, by=supervisor)
    WelfareAction.objects.create(officer=officer, flag=own, recorded_by=supervisor, kind="welfare_conversation")
    assert flag_life.flag_close(flag=own, role=flag_life.SUPERVISOR, by=supervisor)
    clinical = flag(officer, "screen_over_cutoff")
    with pytest.raises(ValidationError):  # OH closes with an outcome
        flag_life.flag_close(flag=clinical, role=flag_life.OH, by=oh)
    assert flag_life.flag_close(flag=clinical, role=flag_life.OH, by=oh, outcome="referred_gp")
    assert not flag_life.flag_close(flag=clinical, role=flag_life.OH, by=oh, outcome="referred_gp")  # once
    assert details("flag_acknowledged") == [{"reason": "exposure_load_high", "role": "supervisor", "was": "open"}]
    assert details("flag_closed") == [
        {"reason": "exposure_load_high", "role": "supervisor", "was": "acknowledged"},
        {"reason": "screen_over_cutoff", "role": "oh", "was": "open", "outcome": "referred_gp"},
    ]
    assert not AuditEvent.objects.filter(action="oh_flag_closed").exists()


def test_the_role_decides_not_the_caller(officer, supervisor, oh):
    clinical, own = flag(officer, "screen_over_cutoff"), flag(officer, reason_code := "exposure_load_high")
    with pytest.raises(flag_life.FlagNotPermitted):
        flag_life.flag_acknowledge(flag=clinical, role=flag_life.SUPERVISOR, by=supervisor)
    with pytest.raises(flag_life.FlagNotPermitted):
        flag_life.flag_close(flag=own, role=flag_life.OH, by=oh, outcome="referred_gp")
    assert Flag.objects.get(pk=own.pk).reason_code == reason_code
    assert not AuditEvent.objects.filter(action__in=["flag_acknowledged", "flag_closed"]).exists()


def test_an_escalation_is_audited_with_the_system_as_its_role(officer, oh):
    f = flag(officer, hours_left=-1)
    assert flag_life.flag_escalate(flag_id=f.pk)
    assert details("flag_escalated") == [{"reason": "exposure_load_high", "role": "system", "was": "open"}]


def test_closes_recorded_under_the_old_oh_name_still_read_the_same():
    assert action_label("oh_flag_closed") == action_label("flag_closed") == "Closed a flag"
