"""The officer's own context on a flag about them (issue 21): their words, shared by their choice
with their supervisor and OH, changed or withdrawn by them, never logged or audited as text."""

import logging

import pytest

from portal import notices
from portal.models import AuditEvent
from wellbeing.models import Flag
from wellbeing.review import services
from wellbeing.tests.team_helpers import flag

pytestmark = pytest.mark.django_db

WORDS = "This was a planned surge week before the festival"


def test_the_officer_sees_who_will_read_it_before_they_share(login, officer):
    f = flag(officer)
    client = login(officer)
    assert f"/wellbeing/flags/{f.pk}/context/" in client.get("/wellbeing/flags/").content.decode()
    page = client.get(f"/wellbeing/flags/{f.pk}/context/").content.decode()
    assert str(notices.NOTICES["flag_context"]) in page
    assert page.index('id="context-notice"') < page.index('name="text"')


def test_the_officer_adds_changes_and_withdraws_their_context(login, officer, caplog):
    f = flag(officer)
    client = login(officer)
    url = f"/wellbeing/flags/{f.pk}/context/"
    with caplog.at_level(logging.DEBUG):
        assert client.post(url, {"text": WORDS}).status_code == 302
    assert WORDS not in caplog.text
    f.refresh_from_db()
    assert f.officer_context == WORDS and f.officer_context_at
    client.post(url, {"text": "A planned surge week"})
    assert Flag.objects.get(pk=f.pk).officer_context == "A planned surge week"
    client.post(url, {"text": "ignored", "withdraw": "1"})
    f.refresh_from_db()
    assert (f.officer_context, f.officer_context_at) == ("", None)
    events = list(AuditEvent.objects.filter(action__startswith="flag_context_").order_by("id"))
    assert [e.action for e in events] == ["flag_context_added", "flag_context_changed", "flag_context_withdrawn"]
    assert all(e.detail == {"reason": "exposure_load_high"} and e.subject_id == officer.pk for e in events)
    assert not AuditEvent.objects.filter(detail__icontains="surge").exists()


def test_the_supervisor_and_oh_see_it_next_to_the_flag_and_no_longer_once_withdrawn(login, officer, supervisor, oh):
    f = flag(officer)
    services.flag_context_set(flag=f, officer=officer, text=WORDS)
    assert WORDS in login(supervisor).get(f"/team/flags/{f.pk}/").content.decode()
    client = login(oh)
    client.post(f"/oh/people/{officer.pk}/", {"reason": "escalated_flag"})
    assert WORDS in client.get(f"/oh/people/{officer.pk}/").content.decode()
    services.flag_context_set(flag=f, officer=officer, text="")
    assert WORDS not in login(supervisor).get(f"/team/flags/{f.pk}/").content.decode()
    assert WORDS not in client.get(f"/oh/people/{officer.pk}/").content.decode()


def test_nobody_else_may_add_context(login, officer, teammate, supervisor):
    f = flag(officer)
    assert login(teammate).post(f"/wellbeing/flags/{f.pk}/context/", {"text": "x"}).status_code == 404
    assert login(supervisor).get(f"/wellbeing/flags/{f.pk}/context/").status_code == 403
    with pytest.raises(PermissionError):
        services.flag_context_set(flag=f, officer=teammate, text="x")
    assert Flag.objects.get(pk=f.pk).officer_context == ""


def test_too_long_context_is_a_clear_message(login, officer):
    f = flag(officer)
    response = login(officer).post(f"/wellbeing/flags/{f.pk}/context/", {"text": "x" * 2001})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert Flag.objects.get(pk=f.pk).officer_context == ""


def test_the_officer_list_shows_only_their_own_flags(login, officer, teammate):
    mine, theirs = flag(officer), flag(teammate)
    page = login(officer).get("/wellbeing/flags/").content.decode()
    assert f"my-flag-{mine.pk}" in page and f"my-flag-{theirs.pk}" not in page


def test_the_officers_own_copy_holds_their_context_and_why_a_flag_was_closed_as_wrong(officer, supervisor):
    import io
    import json
    import zipfile

    from wellbeing.oh.services import OWN_COPY, subject_access_zip
    from wellbeing.risk import flags as flag_life

    f = flag(officer)
    services.flag_context_set(flag=f, officer=officer, text=WORDS)
    flag_life.flag_dismiss(flag=f, role=flag_life.SUPERVISOR, by=supervisor, outcome="not_applicable",
                           reason_text="Surge week agreed")
    archive = zipfile.ZipFile(io.BytesIO(subject_access_zip(person=officer, by=officer, copy=OWN_COPY)))
    (row,) = json.loads(archive.read("flags.json"))
    assert (row["officer_context"], row["dismiss_reason"], row["outcome"]) == (WORDS, "Surge week agreed",
                                                                               "not_applicable")
