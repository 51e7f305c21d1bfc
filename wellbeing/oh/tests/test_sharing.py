"""Issue 21, graduated disclosure: the officer's privacy page (choose, withdraw, history, errors)
and what each choice changes for occupational health, at once."""

import io
import json
import re
import zipfile

import pytest

from portal import access, disclosure
from portal import notices as who_sees
from portal.models import AuditEvent, Disclosure
from wellbeing.oh.tests.test_views import open_case
from wellbeing.tests.helpers import make_checkin


@pytest.fixture
def teammate(teammate):
    """The officer's teammate, here also a trained peer supporter (only peer supporters can be named)."""
    teammate.is_peer_supporter = True
    teammate.save(update_fields=["is_peer_supporter"])
    return teammate

pytestmark = pytest.mark.django_db

PRIVATE = "kept-to-myself-walrus"
SAR = {"sar-reference": "SAR-2026-0021", "sar-purpose": "request_by_person"}


def choices(**overrides):
    data = {"supervisor": access.DEFAULT, "oh": access.PER_CHECKIN, "peer_supporter": access.DEFAULT, "peer": ""}
    data.update(overrides)
    return data


def test_the_privacy_page_offers_each_audience_its_choices_with_the_defaults_chosen(login, officer):
    html = login(officer).get("/wellbeing/privacy/").content.decode()
    assert 'action="/wellbeing/privacy/sharing/"' in html
    checked = re.findall(r'<input type="radio" name="(\w+)" value="(\w+)"[^>]* checked>', html)
    assert checked == [(audience, access.default_choice(audience)) for audience in access.DISCLOSURE_CHOICES]
    for audience, options in access.DISCLOSURE_CHOICES.items():
        for code, _label in options:
            assert f'name="{audience}" value="{code}"' in html
    assert "You share nothing beyond the default." in html


def test_saving_choices_dates_and_audits_each_change_and_shows_it(login, officer, teammate):
    client = login(officer)
    response = client.post("/wellbeing/privacy/sharing/", choices(
        supervisor=access.CLINICAL_CATEGORY, peer_supporter=access.LEVEL, peer=str(teammate.pk)))
    assert response.status_code == 302 and response["Location"] == "/wellbeing/privacy/"
    current = access.current_disclosures(officer)
    assert {a: d.choice for a, d in current.items()} == {access.SUPERVISOR: access.CLINICAL_CATEGORY,
                                                          access.PEER_SUPPORTER: access.LEVEL}
    assert current[access.PEER_SUPPORTER].peer_supporter == teammate
    assert AuditEvent.objects.filter(action="disclosure_chosen", actor=officer, subject=officer).count() == 2
    html = client.get("/wellbeing/privacy/").content.decode()
    assert 'id="sharing-history"' in html and "In force" in html
    assert 'name="withdraw" value="supervisor"' in html and 'name="withdraw" value="peer_supporter"' in html
    # the officer's own choices are not someone else looking at their records
    assert "Nobody else has opened your records." in html


def test_withdrawing_from_the_page_restores_the_default_and_keeps_the_history(login, officer):
    client = login(officer)
    client.post("/wellbeing/privacy/sharing/", choices(supervisor=access.CLINICAL_CATEGORY))
    response = client.post("/wellbeing/privacy/sharing/", {"withdraw": access.SUPERVISOR})
    assert response.status_code == 302
    assert access.current_disclosures(officer) == {}
    row = Disclosure.objects.get(officer=officer)
    assert row.withdrawn_at is not None
    assert AuditEvent.objects.filter(action="disclosure_withdrawn", subject=officer).count() == 1
    html = client.get("/wellbeing/privacy/").content.decode()
    assert "You share nothing beyond the default." in html and "In force" not in html
    # withdrawing what is not in force, or an unknown audience, changes nothing and is no error
    assert client.post("/wellbeing/privacy/sharing/", {"withdraw": "everyone"}).status_code == 302
    assert AuditEvent.objects.filter(action="disclosure_withdrawn").count() == 1


def test_a_level_for_no_one_or_a_bad_choice_is_refused_on_the_form(login, officer, foreign_officer):
    client = login(officer)
    response = client.post("/wellbeing/privacy/sharing/", choices(peer_supporter=access.LEVEL))
    html = response.content.decode()
    assert response.status_code == 400 and 'id="error-summary"' in html
    assert "Choose the peer supporter who may see your level" in html and 'href="#id_peer"' in html
    for bad in (choices(peer_supporter=access.LEVEL, peer=str(foreign_officer.pk)),
                choices(supervisor="everything"), choices(peer="<script>alert(1)</script>"), {}):
        response = client.post("/wellbeing/privacy/sharing/", bad)
        assert response.status_code == 400
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Disclosure.objects.exists()


def test_only_an_officer_may_post_choices_and_only_their_own(login, supervisor, oh, officer):
    assert login(supervisor).post("/wellbeing/privacy/sharing/", choices(supervisor=access.CLINICAL_CATEGORY)
                                  ).status_code == 403
    assert login(oh).post("/wellbeing/privacy/sharing/", {"withdraw": "oh"}).status_code == 403
    assert login(officer).get("/wellbeing/privacy/sharing/").status_code == 405
    assert not Disclosure.objects.exists()


def test_the_privacy_page_query_count_does_not_grow_with_choices(login, officer, teammate,
                                                                django_assert_max_num_queries):
    client = login(officer)
    client.post("/wellbeing/privacy/sharing/", choices(supervisor=access.CLINICAL_CATEGORY))
    with django_assert_max_num_queries(11) as few:
        client.get("/wellbeing/privacy/")
    for _ in range(6):
        disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL, peer_supporter=teammate)
        disclosure.withdraw(officer=officer, audience=access.PEER_SUPPORTER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/wellbeing/privacy/")


def test_oh_reads_every_comment_only_while_the_officer_shares_them_all(login, client, oh, officer):
    make_checkin(officer, "pulse", comment=PRIVATE, share=False)
    login(oh)
    open_case(client, officer)
    assert PRIVATE not in client.get(f"/oh/people/{officer.pk}/").content.decode()

    disclosure.choose(officer=officer, audience=access.OCCUPATIONAL_HEALTH, choice=access.ALL_COMMENTS)
    assert PRIVATE in client.get(f"/oh/people/{officer.pk}/").content.decode()
    archive = zipfile.ZipFile(io.BytesIO(client.post(f"/oh/people/{officer.pk}/subject-access-export/", SAR).content))
    assert [c["comment"] for c in json.loads(archive.read("checkins.json"))] == [PRIVATE]

    disclosure.withdraw(officer=officer, audience=access.OCCUPATIONAL_HEALTH)
    assert PRIVATE not in client.get(f"/oh/people/{officer.pk}/").content.decode()
    archive = zipfile.ZipFile(io.BytesIO(client.post(f"/oh/people/{officer.pk}/subject-access-export/", SAR).content))
    assert PRIVATE not in archive.read("checkins.csv").decode()


def test_misleading_result_wording_the_form_and_result_say_who_reads_now(login, officer):
    client = login(officer)
    checkin = make_checkin(officer, "pulse", comment=PRIVATE, share=False)
    assert str(who_sees.NOTICES["checkin_comment"]) in client.get("/wellbeing/checkin/pulse/").content.decode()
    assert "Private to you." in client.get(f"/wellbeing/checkins/{checkin.pk}/").content.decode()
    disclosure.choose(officer=officer, audience=access.OCCUPATIONAL_HEALTH, choice=access.ALL_COMMENTS)
    disclosure.choose(officer=officer, audience=access.SUPERVISOR, choice=access.CLINICAL_CATEGORY)
    form = client.get("/wellbeing/checkin/phq9/").content.decode()
    notices = who_sees.notices_for(officer)
    assert notices["checkin_comment"] in form and notices["checkin"] in form
    assert str(who_sees.NOTICES["checkin_comment"]) not in form and str(who_sees.NOTICES["checkin"]) not in form
    result = client.get(f"/wellbeing/checkins/{checkin.pk}/").content.decode()
    assert "because you chose to share all your comments" in result and "Private to you." not in result


def test_the_officers_own_data_download_holds_their_choices_and_when_they_were_withdrawn(login, officer, teammate):
    disclosure.choose(officer=officer, audience=access.SUPERVISOR, choice=access.CLINICAL_CATEGORY)
    disclosure.withdraw(officer=officer, audience=access.SUPERVISOR)
    disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL, peer_supporter=teammate)
    archive = zipfile.ZipFile(io.BytesIO(login(officer).post("/wellbeing/privacy/export/").content))
    rows = json.loads(archive.read("sharing_choices.json"))
    assert [(r["audience"], r["choice"], r["peer_supporter__username"], r["withdrawn_at"] is None) for r in rows] == [
        ("supervisor", "clinical_category", None, False), ("peer_supporter", "level", teammate.username, True)]
