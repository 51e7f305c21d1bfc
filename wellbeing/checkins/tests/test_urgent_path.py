"""The urgent path: an answer above 0 on PHQ-9 item 9 (or yes to the PHQ-4 safety question) shows
support at once and flags OH in the same request, with the broker down."""

from unittest import mock

import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from portal.models import Notification, Organisation, RecomputePending
from tests.factories import OfficerFactory, OrganisationFactory
from wellbeing.models import CheckIn, Flag, SupportContact
from wellbeing.tests.helpers import form_data


@pytest.fixture
def own_oh_contact(force):
    return SupportContact.objects.create(organisation=force, name="Testshire Occupational Health",
                                         contact="01632 960 001", order=5)


def test_item_9_above_0_shows_support_and_flags_oh_with_the_broker_down(
        client, officer, oh, supervisor, own_oh_contact, django_capture_on_commit_callbacks):
    client.force_login(officer)
    data = form_data(client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    with mock.patch("wellbeing.tasks.recompute_risk.apply_async", side_effect=OperationalError("broker down")) as enq, \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post("/wellbeing/checkin/phq9/", data)
    assert enq.called  # the enqueue was tried, failed, and did not stop the request
    assert response.status_code == 302 and response["Location"] == "/wellbeing/support/"

    checkin = CheckIn.objects.get()
    assert checkin.urgent is True and checkin.total == 1 and checkin.band == "minimal"
    flag = Flag.objects.get()
    assert (flag.officer, flag.reason_code, flag.urgent, flag.kind) == (officer, "phq9_item9", True, "clinical")
    assert RecomputePending.objects.filter(officer=officer).exists()  # the sweep will enqueue it later
    assert Notification.objects.filter(user=oh, title__startswith="Urgent: a new item", urgent=True).count() == 1
    assert [m.to for m in mail.outbox if m.to == [oh.email]]
    # The supervisor hears only that a welfare contact is recommended, never the answer.
    assert list(Notification.objects.filter(user=supervisor).values_list("title", flat=True)) == [
        "A person in your team needs a welfare contact"]

    page = client.get("/wellbeing/support/").content.decode()
    assert "Thank you for telling us" in page and "We have let occupational health know" in page
    for text in ("Testshire Occupational Health", "01632 960 001", "Samaritans", "116 123", "NHS 111",
                 "select the mental health option", "Shout", "85258", "Police Care UK", "0300 012 0030", "999"):
        assert text in page, text
    assert f"/wellbeing/checkins/{checkin.pk}/" in page
    assert "Thank you for telling us" not in client.get("/wellbeing/support/").content.decode()


def test_yes_to_the_phq4_safety_question_takes_the_same_path(client, officer, oh):
    client.force_login(officer)
    data = form_data(client, "phq4", [0, 0, 0, 0], safety="1")
    response = client.post("/wellbeing/checkin/phq4/", data)
    assert response["Location"] == "/wellbeing/support/"
    assert Flag.objects.get().reason_code == "safety_question"
    assert CheckIn.objects.get().result["safety_question"] is True


def test_a_calm_check_in_raises_no_flag_and_shows_the_result(client, officer, oh):
    client.force_login(officer)
    response = client.post("/wellbeing/checkin/phq9/", form_data(client, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]))
    assert response["Location"].startswith("/wellbeing/checkins/")
    assert not Flag.objects.exists() and not Notification.objects.filter(user=oh).exists()


def test_a_double_click_on_an_urgent_check_in_saves_and_flags_once(client, officer, oh):
    client.force_login(officer)
    data = form_data(client, "phq9", [1] * 9)
    assert client.post("/wellbeing/checkin/phq9/", data)["Location"] == "/wellbeing/support/"
    assert client.post("/wellbeing/checkin/phq9/", data)["Location"] == "/wellbeing/support/"
    assert CheckIn.objects.count() == 1 and Flag.objects.count() == 1
    assert Notification.objects.filter(user=oh).count() == 1


def test_support_contacts_follow_the_organisation_and_its_nation(client, db):
    scottish = OrganisationFactory(slug="scotforce", nation=Organisation.Nation.SCOTLAND)
    other = OrganisationFactory(slug="elsewhere")
    SupportContact.objects.create(organisation=other, name="Elsewhere OH", contact="01632 960 002")
    officer = OfficerFactory(organisation=scottish)
    client.force_login(officer)
    page = client.get("/wellbeing/support/").content.decode()
    assert "Samaritans" in page and "Shout" in page
    assert "NHS 111" not in page  # the England-only route
    assert "Elsewhere OH" not in page


def test_the_support_page_never_goes_empty_if_national_contacts_were_deleted(client, officer, own_oh_contact):
    SupportContact.objects.filter(organisation__isnull=True).delete()
    client.force_login(officer)
    page = client.get("/wellbeing/support/").content.decode()
    for text in ("999", "Samaritans", "116 123", "85258", "Police Care UK", "Testshire Occupational Health"):
        assert text in page, text
