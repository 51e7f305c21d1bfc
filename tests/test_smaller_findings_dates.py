"""Issue 15, item 10 (dates): a date at either end of what a date input accepts (0001-01-01,
9999-12-31), in every date field of every form, is a message on the form, never a server error."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from exposure.tests import helpers as exposure_helpers
from training.tests.factories import make_module
from wellbeing.models import Referral
from wellbeing.risk.flags import flag_raise

MESSAGE = "Enter a date between 1900 and 2100."
EXTREMES = ["0001-01-01", "9999-12-31"]


def _case(client, oh, person):
    client.force_login(oh)
    assert client.post(f"/oh/people/{person.pk}/", {"reason": "screening_review"}).status_code == 302
    return client


def _shift(client, officer, oh, trainer, supervisor, admin_user, day):
    client.force_login(officer)
    return client.post("/exposure/log/", exposure_helpers.call_handling(shift_date=day))


def _history(client, officer, oh, trainer, supervisor, admin_user, day, field):
    client.force_login(officer)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert client.post("/exposure/log/", exposure_helpers.call_handling(shift_date=yesterday)).status_code == 302
    return client.get("/exposure/", {field: day})  # the filter shows once there is a shift


def _referral(client, officer, oh, trainer, supervisor, admin_user, day):
    return _case(client, oh, officer).post(f"/oh/people/{officer.pk}/referrals/", {
        "referral-kind": "trim", "referral-referred_on": day})


def _outcome(client, officer, oh, trainer, supervisor, admin_user, day):
    referral = Referral.objects.create(person=officer, kind="trim", referred_on=timezone.localdate())
    return _case(client, oh, officer).post(f"/oh/people/{officer.pk}/referrals/{referral.pk}/outcome/", {
        f"outcome-{referral.pk}-outcome": "completed", f"outcome-{referral.pk}-outcome_on": day})


def _cohort(client, officer, oh, trainer, supervisor, admin_user, day, field):
    client.force_login(oh)
    return client.get("/oh/reports/export/", {"report": "checkins", "format": "csv", field: day})


def _audit_filter(client, officer, oh, trainer, supervisor, admin_user, day, field):
    client.force_login(admin_user)  # or an OH lead
    return client.get("/oh/audit/", {field: day})


def _follow_up_on_flag(client, officer, oh, trainer, supervisor, admin_user, day):
    flag, _ = flag_raise(officer=officer, reason_code="checkins_overdue")
    client.force_login(supervisor)
    return client.post(f"/team/flags/{flag.pk}/", {"kind": "peer_support", "follow_up_on": day})


def _follow_up_on_person(client, officer, oh, trainer, supervisor, admin_user, day):
    client.force_login(supervisor)
    return client.post(f"/team/people/{officer.pk}/", {"kind": "peer_support", "follow_up_on": day})


def _due_on(client, officer, oh, trainer, supervisor, admin_user, day):
    module = make_module(trainer)
    client.force_login(trainer)
    return client.post("/training/manage/assign/", {"module": module.pk, "target": "person",
                                                    "person": officer.pk, "due_on": day})


def _employment_ended_on(client, officer, oh, trainer, supervisor, admin_user, day):
    from portal.tests.test_admin_configuration_only import _change_form_data

    client.force_login(admin_user)
    url = f"/admin/portal/user/{officer.pk}/change/"
    data = _change_form_data(client, url)
    data["employment_ended_on"] = day
    return client.post(url, data)


FORMS = {
    "exposure shift date": _shift,
    "exposure history from": lambda *a: _history(*a, field="date_from"),
    "exposure history to": lambda *a: _history(*a, field="date_to"),
    "OH referral date": _referral,
    "OH referral outcome date": _outcome,
    "OH cohort export from": lambda *a: _cohort(*a, field="date_from"),
    "OH cohort export to": lambda *a: _cohort(*a, field="date_to"),
    "OH audit log from": lambda *a: _audit_filter(*a, field="date_from"),
    "OH audit log to": lambda *a: _audit_filter(*a, field="date_to"),
    "welfare follow-up on a flag": _follow_up_on_flag,
    "welfare follow-up on a person": _follow_up_on_person,
    "training due date": _due_on,
    "admin: employment ended on": _employment_ended_on,
}


@pytest.mark.parametrize("day", EXTREMES)
@pytest.mark.parametrize("form", list(FORMS))
def test_smaller_findings_out_of_range_dates_are_form_errors(client, officer, oh, trainer, supervisor, admin_user,
                                                             form, day):
    response = FORMS[form](client, officer, oh, trainer, supervisor, admin_user, day)
    assert response.status_code in (200, 400), (form, response.status_code)
    assert escape(MESSAGE) in response.content.decode(), form


def test_smaller_findings_dates_inside_the_range_still_work(client, officer):
    client.force_login(officer)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert client.post("/exposure/log/", exposure_helpers.call_handling(shift_date=day)).status_code == 302
