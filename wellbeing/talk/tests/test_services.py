"""Sending and answering help requests: who receives them (never the line), what goes with them
(only what the officer chose), and what the notifications say (nothing about health)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal import access
from portal.models import AuditEvent, Notification
from portal.tests.factories import UserFactory
from wellbeing.models import HelpContact, HelpRequest
from wellbeing.risk.tests.test_notification_titles import CLINICAL_WORDS, names_in
from wellbeing.talk import services
from wellbeing.tests.factories import RiskAssessmentFactory
from wellbeing.tests.helpers import make_checkin

NOTHING, LEVEL, CHECKINS = HelpRequest.Shares.NOTHING, HelpRequest.Shares.LEVEL, HelpRequest.Shares.CHECKINS


def send(officer, peer=None, *, to_oh=False, shares=NOTHING, urgent=False, **kwargs):
    return services.help_request_send(officer=officer, peer=peer, to_oh=to_oh, shares=shares, urgent=urgent,
                                      **kwargs)


def test_the_directory_lists_active_peers_of_the_officers_organisation_only(
        officer, peer, other_peer, foreign_peer, supervisor):
    UserFactory(username="gone_peer", organisation=officer.organisation, is_peer_supporter=True, is_active=False)
    assert list(access.peer_supporters_for(officer).order_by("username")) == [other_peer, peer]
    # a peer supporter does not see themself in the directory
    assert peer not in access.peer_supporters_for(peer)


def test_help_request_misrouted_the_officers_own_supervisor_is_never_in_the_directory(officer, supervisor, peer):
    supervisor.is_peer_supporter = True
    supervisor.save()
    assert supervisor not in access.peer_supporters_for(officer)
    with pytest.raises(services.NotAllowed):
        send(officer, supervisor)
    assert not HelpRequest.objects.exists()


def test_a_peer_from_another_organisation_cannot_be_chosen(officer, foreign_peer):
    with pytest.raises(services.NotAllowed):
        send(officer, foreign_peer)


def test_a_request_to_a_peer_reaches_the_peer_alone(officer, peer, oh, supervisor):
    request = send(officer, peer)
    assert (request.peer, request.to_oh, request.urgent, request.status) == (peer, False, False, "open")
    assert services.recipients(request) == [peer]
    assert set(Notification.objects.values_list("user_id", flat=True)) == {peer.pk}


def test_help_request_misrouted_an_urgent_request_to_a_peer_also_reaches_oh(officer, peer, oh, supervisor):
    request = send(officer, peer, urgent=True)
    assert request.to_oh is True
    assert set(Notification.objects.values_list("user_id", flat=True)) == {peer.pk, oh.pk}
    assert Notification.objects.get(user=oh).urgent is True  # undeliverable: the second OH contact
    assert Notification.objects.get(user=peer).urgent is False
    assert request in access.help_requests_visible_to(oh, HelpRequest.objects.all())


def test_help_request_misrouted_the_database_refuses_an_urgent_request_without_oh(officer, peer):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        HelpRequest.objects.create(officer=officer, organisation=officer.organisation, peer=peer, urgent=True)


def test_a_request_to_oh_reaches_oh_of_the_officers_organisation(officer, oh, foreign_oh, supervisor):
    request = send(officer, to_oh=True)
    assert (request.peer, request.to_oh) == (None, True)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {oh.pk}


def test_help_request_misrouted_the_supervisor_is_never_notified_and_never_sees_it(
        officer, peer, oh, supervisor, trainer, teammate):
    for urgent in (False, True):
        for shares in (NOTHING, LEVEL, CHECKINS):
            send(officer, peer, shares=shares, urgent=urgent)
    send(officer, to_oh=True)
    assert not Notification.objects.filter(user__in=[supervisor, trainer, teammate]).exists()
    for person in (supervisor, trainer, teammate):
        assert not access.help_requests_visible_to(person, HelpRequest.objects.all()).exists()


def test_nothing_sends_nothing_but_the_wish_to_talk(officer, peer):
    RiskAssessmentFactory(officer=officer, level="red", is_current=True)
    make_checkin(officer, "phq9", [2] * 8 + [0])
    request = send(officer, peer)
    assert (request.shared_level, request.shared_checkins) == ("", [])


def test_level_sends_the_current_level_only(officer, peer):
    RiskAssessmentFactory(officer=officer, level="green", is_current=False)
    RiskAssessmentFactory(officer=officer, level="amber", is_current=True)
    make_checkin(officer, "phq9", [2] * 8 + [0])
    request = send(officer, peer, shares=LEVEL)
    assert (request.shared_level, request.shared_checkins) == ("amber", [])


def test_checkins_send_categories_never_answers_scores_or_comments(officer, peer):
    now = timezone.now()
    make_checkin(officer, "phq9", [2] * 8 + [0], at=now - timedelta(days=2), comment="a private comment", share=True)
    make_checkin(officer, "pulse", at=now - timedelta(days=120))  # older than the recent window
    request = send(officer, peer, shares=CHECKINS)
    assert request.shared_level == ""
    assert request.shared_checkins == [{"instrument": "phq9", "on": timezone.localdate(now - timedelta(days=2))
                                        .isoformat(), "band": "moderately_severe", "positive": True}]


def test_an_urgent_check_in_is_sent_without_a_band(officer, peer):
    make_checkin(officer, "phq9", [0] * 8 + [1])
    (row,) = send(officer, peer, shares=CHECKINS).shared_checkins
    assert row["band"] == "" and row["instrument"] == "phq9"


def test_notifications_and_emails_carry_no_health_content_and_name_nobody(
        officer, peer, oh, django_capture_on_commit_callbacks):
    RiskAssessmentFactory(officer=officer, level="red", is_current=True)
    make_checkin(officer, "phq9", [3] * 8 + [0], comment="I have not slept")
    with django_capture_on_commit_callbacks(execute=True):
        send(officer, peer, shares=LEVEL, urgent=True)
        send(officer, peer, shares=CHECKINS)
    assert len(mail.outbox) == 3  # the peer twice, OH once (the urgent one)
    texts = [f"{m.subject}\n{m.body}" for m in mail.outbox]
    texts += [f"{n.title}\n{n.body}" for n in Notification.objects.all()]
    for text in texts:
        lowered = text.lower()
        found = [w for w in (*CLINICAL_WORDS, "red", "amber", "level", "moderate", "slept", "severe")
                 if w in lowered]
        found += names_in(text, officer, parts=("first_name", "last_name", "username"))
        assert found == [], text


def test_accept_record_contact_and_close_write_codes_and_audit(officer, peer):
    request = send(officer, peer)
    contact = services.help_contact_record(request=request, by=peer, on=timezone.localdate(), kind="video")
    request.refresh_from_db()
    assert (request.status, request.accepted_by) == ("accepted", peer)  # a contact accepts an open request
    assert (contact.kind, contact.recorded_by) == ("video", peer)
    assert services.help_request_accept(request=request, by=peer) is False  # already accepted
    assert services.help_request_close(request=request, by=peer) is True
    assert services.help_request_close(request=request, by=peer) is False
    assert request.status == "closed" and request.closed_at is not None
    actions = list(AuditEvent.objects.filter(subject_id=officer.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["help_request_sent", "help_request_accepted", "help_contact_recorded", "help_request_closed"]
    assert HelpContact.objects.count() == 1


def test_the_persons_own_copy_holds_every_request_and_ohs_copy_only_those_that_reached_oh(officer, peer, oh):
    from wellbeing.oh.selectors import subject_access_tables

    to_peer, to_oh = send(officer, peer), send(officer, to_oh=True)
    services.help_contact_record(request=to_peer, by=peer, on=timezone.localdate(), kind="phone")
    services.help_contact_record(request=to_oh, by=oh, on=timezone.localdate(), kind="video")
    own = subject_access_tables(officer, private_comments=True)
    oh_copy = subject_access_tables(officer)
    ids = lambda table: [row[0] for row in table[1]]  # noqa: E731
    assert ids(own["help_requests"]) == [to_peer.pk, to_oh.pk]
    assert ids(oh_copy["help_requests"]) == [to_oh.pk]
    assert [row[3] for row in own["help_contacts"][1]] == ["phone", "video"]
    assert [row[3] for row in oh_copy["help_contacts"][1]] == ["video"]
