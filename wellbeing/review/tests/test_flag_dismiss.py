"""Closing a flag as "not applicable" or "false alarm" (issue 21): only the flag's owner, always with
a reason in words, audited by outcome and never by the words."""

import logging

import pytest
from django.core.exceptions import ValidationError

from portal.models import AuditEvent
from wellbeing.models import Flag
from wellbeing.risk import flags as flag_life
from wellbeing.tests.team_helpers import flag

pytestmark = pytest.mark.django_db

WORDS = "Planned surge week for the whole desk, agreed in advance"


def test_the_supervisor_dismisses_their_own_flag_with_a_reason_and_it_counts_as_acknowledged(officer, supervisor):
    own = flag(officer)
    assert flag_life.flag_dismiss(flag=own, role=flag_life.SUPERVISOR, by=supervisor, outcome="not_applicable",
                                  reason_text=f"  {WORDS}  ")
    own.refresh_from_db()
    assert (own.status, own.outcome, own.dismiss_reason) == (Flag.Status.CLOSED, "not_applicable", WORDS)
    assert own.acknowledged_by == supervisor and own.closed_by == supervisor and own.acknowledged_at
    event = AuditEvent.objects.get(action="flag_dismissed")
    assert event.detail == {"reason": "exposure_load_high", "role": "supervisor", "was": "open",
                            "outcome": "not_applicable"}
    assert event.subject_id == officer.pk


def test_a_second_dismissal_changes_nothing(officer, supervisor):
    own = flag(officer)
    assert flag_life.flag_dismiss(flag=own, role=flag_life.SUPERVISOR, by=supervisor, outcome="false_alarm",
                                  reason_text="wrong shift logged")
    assert not flag_life.flag_dismiss(flag=own, role=flag_life.SUPERVISOR, by=supervisor, outcome="false_alarm",
                                      reason_text="again")
    assert Flag.objects.get(pk=own.pk).dismiss_reason == "wrong shift logged"
    assert AuditEvent.objects.filter(action="flag_dismissed").count() == 1


@pytest.mark.parametrize(("outcome", "words", "field"), [
    ("not_applicable", "", "reason"), ("false_alarm", "   ", "reason"), ("referred_gp", "text", "outcome"),
    ("", "text", "outcome"),
])
def test_a_dismissal_needs_a_dismissal_outcome_and_a_reason(officer, supervisor, outcome, words, field):
    own = flag(officer)
    with pytest.raises(ValidationError) as raised:
        flag_life.flag_dismiss(flag=own, role=flag_life.SUPERVISOR, by=supervisor, outcome=outcome, reason_text=words)
    assert field in raised.value.message_dict
    assert Flag.objects.get(pk=own.pk).status == Flag.Status.OPEN


@pytest.mark.parametrize("code", ["screen_over_cutoff", "pulse_falling", "phq9_item9"])
def test_clinical_flag_closed_by_non_clinician_dismissal_the_supervisor_may_not_dismiss_a_clinical_or_urgent_flag(
        officer, supervisor, code):
    clinical = flag(officer, code, urgent=code == "phq9_item9")
    with pytest.raises(flag_life.FlagNotPermitted):
        flag_life.flag_dismiss(flag=clinical, role=flag_life.SUPERVISOR, by=supervisor, outcome="false_alarm",
                               reason_text="not needed")
    assert Flag.objects.get(pk=clinical.pk).status == Flag.Status.OPEN
    assert not AuditEvent.objects.filter(action="flag_dismissed").exists()


def test_clinical_flag_closed_by_non_clinician_dismissal_oh_needs_a_reason_and_only_its_own_flags(
        officer, supervisor, oh):
    clinical, own = flag(officer, "screen_over_cutoff"), flag(officer)
    with pytest.raises(ValidationError):
        flag_life.flag_dismiss(flag=clinical, role=flag_life.OH, by=oh, outcome="false_alarm", reason_text="")
    with pytest.raises(flag_life.FlagNotPermitted):
        flag_life.flag_dismiss(flag=own, role=flag_life.OH, by=oh, outcome="false_alarm", reason_text="no")
    assert flag_life.flag_dismiss(flag=clinical, role=flag_life.OH, by=oh, outcome="false_alarm",
                                  reason_text="entered by mistake, confirmed with them")
    clinical.refresh_from_db()
    assert clinical.status == Flag.Status.CLOSED and clinical.acknowledged_at is None  # OH closes, not acknowledges
    assert AuditEvent.objects.get(action="flag_dismissed").detail["role"] == "oh"


def test_clinical_flag_closed_by_non_clinician_dismissal_not_through_the_plain_close(officer, oh):
    clinical = flag(officer, "screen_over_cutoff")
    with pytest.raises(ValidationError):
        flag_life.flag_close(flag=clinical, role=flag_life.OH, by=oh, outcome="false_alarm")
    assert Flag.objects.get(pk=clinical.pk).status == Flag.Status.OPEN


def test_the_transition_table_gives_dismissal_to_each_owner_only():
    dismiss = {(t.role, t.owner) for t in flag_life.TRANSITIONS if t.action == flag_life.DISMISS}
    assert dismiss == {(flag_life.SUPERVISOR, flag_life.SUPERVISOR), (flag_life.OH, flag_life.OH)}


# ----------------------------------------------------------------------------- pages


def test_the_supervisor_closes_their_flag_as_wrong_from_the_flag_page(login, supervisor, officer, caplog):
    own = flag(officer)
    client = login(supervisor)
    page = client.get(f"/team/flags/{own.pk}/").content.decode()
    assert f'action="/team/flags/{own.pk}/not-applicable/"' in page
    with caplog.at_level(logging.DEBUG):
        response = client.post(f"/team/flags/{own.pk}/not-applicable/",
                               {"dismiss-outcome": "not_applicable", "dismiss-reason": WORDS})
    assert response.status_code == 302
    assert WORDS not in caplog.text
    assert Flag.objects.get(pk=own.pk).outcome == "not_applicable"
    page = client.get(f"/team/flags/{own.pk}/").content.decode()
    assert WORDS in page and "not-applicable/" not in page  # closed: the form is gone
    assert not AuditEvent.objects.filter(detail__icontains="surge").exists()


def test_a_missing_reason_is_a_clear_message_not_a_close(login, supervisor, officer):
    own = flag(officer)
    response = login(supervisor).post(f"/team/flags/{own.pk}/not-applicable/",
                                      {"dismiss-outcome": "false_alarm", "dismiss-reason": "  "})
    assert response.status_code == 400
    assert "Say why the flag does not apply." in response.content.decode()
    assert Flag.objects.get(pk=own.pk).status == Flag.Status.OPEN


def test_clinical_flag_closed_by_non_clinician_dismissal_page_offers_none_and_post_refused(
        login, supervisor, officer):
    clinical = flag(officer, "screen_over_cutoff")
    client = login(supervisor)
    assert "not-applicable/" not in client.get(f"/team/flags/{clinical.pk}/").content.decode()
    response = client.post(f"/team/flags/{clinical.pk}/not-applicable/",
                           {"dismiss-outcome": "false_alarm", "dismiss-reason": "no"})
    assert response.status_code == 403
    assert Flag.objects.get(pk=clinical.pk).status == Flag.Status.OPEN


def test_another_teams_supervisor_gets_404(login, other_supervisor, officer):
    own = flag(officer)
    response = login(other_supervisor).post(f"/team/flags/{own.pk}/not-applicable/",
                                            {"dismiss-outcome": "false_alarm", "dismiss-reason": "no"})
    assert response.status_code == 404


def _open_case(client, person):
    client.post(f"/oh/people/{person.pk}/", {"reason": "escalated_flag"})


def test_oh_closes_a_clinical_flag_as_a_false_alarm_from_the_case_with_a_reason(login, oh, officer):
    clinical = flag(officer, "screen_over_cutoff")
    client = login(oh)
    _open_case(client, officer)
    url = f"/oh/people/{officer.pk}/flags/{clinical.pk}/close/"
    response = client.post(url, {f"close-{clinical.pk}-outcome": "false_alarm", f"close-{clinical.pk}-reason": ""})
    assert response.status_code == 400 and "Say why the flag does not apply." in response.content.decode()
    assert Flag.objects.get(pk=clinical.pk).is_active
    client.post(url, {f"close-{clinical.pk}-outcome": "false_alarm", f"close-{clinical.pk}-reason": WORDS})
    clinical.refresh_from_db()
    assert (clinical.status, clinical.outcome, clinical.dismiss_reason) == ("closed", "false_alarm", WORDS)
    assert WORDS in client.get(f"/oh/people/{officer.pk}/").content.decode()


def test_oh_closes_with_an_ordinary_outcome_as_before(login, oh, officer):
    clinical = flag(officer, "screen_over_cutoff")
    client = login(oh)
    _open_case(client, officer)
    client.post(f"/oh/people/{officer.pk}/flags/{clinical.pk}/close/", {f"close-{clinical.pk}-outcome": "referred_gp"})
    clinical.refresh_from_db()
    assert (clinical.outcome, clinical.dismiss_reason) == ("referred_gp", "")
    assert AuditEvent.objects.filter(action="flag_closed").exists()


def test_clinical_inference_leaked_oh_reason_for_dismissing_never_reaches_the_supervisor(
        login, supervisor, oh, officer):
    clinical, escalated = flag(officer, "screen_over_cutoff"), flag(officer, hours_left=-1)
    assert flag_life.flag_escalate(flag_id=escalated.pk)
    escalated.refresh_from_db()
    for f, words in ((clinical, "OH words about the screen"), (escalated, "OH words after escalation")):
        assert flag_life.flag_dismiss(flag=f, role=flag_life.OH, by=oh, outcome="false_alarm", reason_text=words)
        page = login(supervisor).get(f"/team/flags/{f.pk}/").content.decode()
        assert words not in page and "False alarm" not in page


def test_clinical_inference_leaked_the_officer_context_reaches_the_supervisor_only_after_the_notice(login, officer):
    f = flag(officer, "screen_over_cutoff")
    page = login(officer).get("/wellbeing/flags/").content.decode()
    notice = page.index('Who will see this:')
    assert notice < page.index(f'action="/wellbeing/flags/{f.pk}/context/"')
    assert "your supervisor and with occupational health" in page
