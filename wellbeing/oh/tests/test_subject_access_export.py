"""Issue 15 item 1, subject access export: the officer downloads their own copy (with the comments
they kept private) from their privacy page; OH's copy for a formal request needs the request
reference and a reason from a fixed list, both audited, and leaves out private comments."""

import io
import json
import zipfile

import pytest

from portal.models import AuditEvent
from wellbeing.tests.helpers import make_checkin

pytestmark = pytest.mark.django_db

SHARED = "shared words about the week"
PRIVATE = "private words kept to myself"
SAR = {"sar-reference": "SAR-2026-0142", "sar-purpose": "request_by_person"}


def checkins_in(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("checkins.json"))


@pytest.fixture
def comments(officer):
    make_checkin(officer, "pulse", comment=SHARED, share=True)
    make_checkin(officer, "pulse", comment=PRIVATE, share=False)


def test_subject_access_export_the_officer_downloads_their_own_copy_with_private_comments(
        login, officer, comments):
    client = login(officer)
    page = client.get("/wellbeing/privacy/").content.decode()
    assert 'action="/wellbeing/privacy/export/"' in page and 'method="post"' in page
    response = client.post("/wellbeing/privacy/export/")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert {c["comment"] for c in checkins_in(response)} == {SHARED, PRIVATE}
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert json.loads(archive.read("profile.json"))["username"] == officer.username
    event = AuditEvent.objects.get(action="own_data_export")
    assert (event.actor, event.subject, event.reason) == (officer, officer, "own_copy")
    assert event.detail["copy"] == "own" and event.detail["tables"]["checkins"] == 2
    assert PRIVATE not in json.dumps(event.detail)
    # the officer's own download is not listed as someone else looking at their records
    assert b"Nobody else has opened your records." in client.get("/wellbeing/privacy/").content


def test_subject_access_export_the_officers_copy_is_post_only_and_only_their_own(login, officer, oh, teammate,
                                                                                   comments):
    client = login(officer)
    assert client.get("/wellbeing/privacy/export/").status_code == 405
    assert not AuditEvent.objects.filter(action="own_data_export").exists()
    # no id in the route: a teammate's download holds only the teammate's records
    assert checkins_in(login(teammate).post("/wellbeing/privacy/export/")) == []
    assert login(oh).post("/wellbeing/privacy/export/").status_code == 403


def test_subject_access_export_by_oh_leaves_out_comments_the_officer_did_not_share(login, oh, officer, comments):
    response = login(oh).post(f"/oh/people/{officer.pk}/subject-access-export/", SAR)
    rows = checkins_in(response)
    assert len(rows) == 2
    assert {c["comment"] for c in rows} == {SHARED, ""}
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert PRIVATE not in archive.read("checkins.csv").decode()


def test_subject_access_export_by_oh_records_the_request_reference_and_reason(login, oh, officer, comments):
    login(oh).post(f"/oh/people/{officer.pk}/subject-access-export/", SAR)
    event = AuditEvent.objects.get(action="subject_access_export")
    assert (event.actor, event.subject, event.reason) == (oh, officer, "request_by_person")
    assert event.detail["reference"] == "SAR-2026-0142" and event.detail["copy"] == "oh"
    # the officer reads the reason in plain words on their privacy page
    assert b"Subject access request made by the person" in login(officer).get("/wellbeing/privacy/").content


@pytest.mark.parametrize("data", [
    {},
    {"sar-purpose": "request_by_person"},
    {"sar-reference": "SAR-2026-0142"},
    {"sar-reference": "SAR-2026-0142", "sar-purpose": "curiosity"},
    {"sar-reference": "SAR 2026 0142", "sar-purpose": "request_by_person"},
    {"sar-reference": "has anxiety", "sar-purpose": "request_by_person"},
    {"sar-reference": "<script>", "sar-purpose": "request_by_person"},
    {"sar-reference": "-SAR", "sar-purpose": "request_by_person"},
    {"sar-reference": "S" * 41, "sar-purpose": "request_by_person"},
])
def test_subject_access_export_by_oh_refuses_a_missing_or_bad_reference_or_reason_on_the_form(
        login, oh, officer, data):
    client = login(oh)
    client.post(f"/oh/people/{officer.pk}/", {"reason": "self_referral"})
    response = client.post(f"/oh/people/{officer.pk}/subject-access-export/", data)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="id_sar-reference"' in html and "invalid-feedback" in html
    assert not AuditEvent.objects.filter(action="subject_access_export").exists()


def test_subject_access_export_by_oh_accepts_a_forty_character_reference(login, oh, officer):
    reference = "SAR-" + "1" * 36
    assert checkins_in(login(oh).post(f"/oh/people/{officer.pk}/subject-access-export/",
                                      {"sar-reference": reference, "sar-purpose": "ico_inquiry"})) == []
    assert AuditEvent.objects.get(action="subject_access_export").detail["reference"] == reference


def test_subject_access_export_holds_outcome_requests_with_reference_and_answer_in_the_own_copy_only(
        client, login, oh, officer, supervisor):
    from exposure.models import OutcomeRequest
    from exposure.tests.factories import ExposureFactory

    call = ExposureFactory(officer=officer, role="call_handling")
    OutcomeRequest.objects.create(officer=officer, shift=call.shift, category=call.category, reference="CAD-7777-26",
                                  status="shared", answer="Home and well.", answered_by=supervisor)
    own = zipfile.ZipFile(io.BytesIO(login(officer).post("/wellbeing/privacy/export/").content))
    [row] = json.loads(own.read("outcome_requests.json"))
    assert (row["reference"], row["answer"], row["status"]) == ("CAD-7777-26", "Home and well.", "shared")
    client.logout()
    oh_copy = zipfile.ZipFile(io.BytesIO(login(oh).post(f"/oh/people/{officer.pk}/subject-access-export/",
                                                        SAR).content))
    [row] = json.loads(oh_copy.read("outcome_requests.json"))
    assert row["status"] == "shared" and "reference" not in row and "answer" not in row
    assert "CAD-7777-26" not in oh_copy.read("outcome_requests.csv").decode()
