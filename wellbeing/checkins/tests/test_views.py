"""Completing a check-in through the form: scoring, bad input, double submits and replays."""

import re
from unittest import mock

import pytest
from django.core import signing

from portal.models import RecomputePending
from wellbeing.checkins.forms import TOKEN_SALT
from wellbeing.models import CheckIn, Flag
from wellbeing.tests.helpers import form_data, make_checkin


@pytest.fixture
def client_as(client, officer):
    client.force_login(officer)
    return client


def test_the_form_shows_the_instruments_instructions_scale_and_every_item(client_as):
    html = client_as.get("/wellbeing/checkin/phq9/").content.decode()
    assert "Over the last 2 weeks, how often have you been bothered by any of the following problems?" in html
    for label in ("Not at all", "Several days", "More than half the days", "Nearly every day"):
        assert label in html
    for n in range(1, 10):
        assert f'name="q{n}"' in html
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in html
    assert "only by you and occupational health" in html  # who sees this, from portal.notices.NOTICES


def test_completing_a_phq9_stores_answers_score_version_and_requests_a_recompute(
        client_as, officer, django_capture_on_commit_callbacks):
    data = form_data(client_as, "phq9", [2, 2, 1, 1, 1, 1, 1, 1, 0], comment="Rough week")
    with mock.patch("wellbeing.tasks.recompute_risk.apply_async") as enqueue, \
            django_capture_on_commit_callbacks(execute=True):
        response = client_as.post("/wellbeing/checkin/phq9/", data)
    checkin = CheckIn.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/wellbeing/checkins/{checkin.pk}/"
    assert (checkin.officer, checkin.answers, checkin.total, checkin.band, checkin.positive, checkin.urgent) == (
        officer, [2, 2, 1, 1, 1, 1, 1, 1, 0], 10, "moderate", True, False)
    assert checkin.instrument_version == "en-GB.1"
    assert checkin.comment == "Rough week" and checkin.share_comment_with_oh is False
    enqueue.assert_called_once_with(args=[officer.pk], retry=False)
    page = client_as.get(response["Location"]).content.decode()
    assert "Your score: 10 out of 27" in page and "Moderate" in page
    assert "This is a screen, not a diagnosis." in page
    assert "Samaritans" in page and "116 123" in page
    assert "trend-chart-phq9" in page and "Show PHQ-9 scores as a table" in page


def test_a_missing_item_is_named_next_to_the_question_and_nothing_typed_is_lost(client_as):
    data = form_data(client_as, "gad7", [1, 2, 3, None, 0, 1, 2], comment="keep me")
    response = client_as.post("/wellbeing/checkin/gad7/", data)
    html = response.content.decode()
    assert response.status_code == 200 and CheckIn.objects.count() == 0
    assert "Choose an answer for question 4." in html
    assert 'id="error-summary"' in html and 'href="#id_q4_0"' in html
    assert re.search(r'id="id_q3_3"[^>]*checked', html) and not re.search(r'id="id_q4_\d"[^>]*checked', html)
    assert "keep me" in html


@pytest.mark.parametrize("value", ["4", "-1", "x", "1.5", ""])
def test_an_out_of_range_answer_is_refused_with_a_message(client_as, value):
    data = form_data(client_as, "phq9", [0] * 9)
    data["q9"] = value
    response = client_as.post("/wellbeing/checkin/phq9/", data)
    assert response.status_code == 200 and CheckIn.objects.count() == 0
    assert "question 9" in response.content.decode()


def test_an_unknown_instrument_is_404(client_as):
    assert client_as.get("/wellbeing/checkin/wemwbs/").status_code == 404
    assert client_as.post("/wellbeing/checkin/wemwbs/", {}).status_code == 404


def test_a_token_for_another_questionnaire_is_refused_and_the_answers_kept(client_as):
    data = form_data(client_as, "gad7", [0] * 7)  # a GAD-7 token ...
    data.update({f"q{n}": "1" for n in range(1, 10)})
    response = client_as.post("/wellbeing/checkin/phq9/", data)  # ... posted to the PHQ-9
    html = response.content.decode()
    assert response.status_code == 200 and CheckIn.objects.count() == 0
    assert "does not match the questionnaire" in html
    assert html.count("checked") >= 9


def test_a_forged_or_missing_token_is_refused(client_as):
    data = form_data(client_as, "pulse", [3, 3, 3, 3, 3])
    data["submission"] = data["submission"][:-3] + "abc"
    assert "could not check this form" in client_as.post("/wellbeing/checkin/pulse/", data).content.decode()
    del data["submission"]
    assert "could not check this form" in client_as.post("/wellbeing/checkin/pulse/", data).content.decode()
    assert CheckIn.objects.count() == 0


def test_a_token_issued_to_someone_else_is_refused(client_as, teammate):
    token = signing.dumps({"u": teammate.pk, "i": "pulse", "v": "1", "n": "a" * 32}, salt=TOKEN_SALT, compress=True)
    data = {"submission": token, **{f"q{n}": "2" for n in range(1, 6)}}
    assert "does not match" in client_as.post("/wellbeing/checkin/pulse/", data).content.decode()
    assert CheckIn.objects.count() == 0


def test_two_clicks_or_a_replay_store_one_check_in(client_as):
    data = form_data(client_as, "pulse", [3, 2, 1, 2, 4])
    first = client_as.post("/wellbeing/checkin/pulse/", data)
    second = client_as.post("/wellbeing/checkin/pulse/", data, follow=True)
    assert CheckIn.objects.count() == 1
    assert first["Location"] == second.redirect_chain[-1][0]
    assert "already sent this check-in; it was saved once" in second.content.decode()
    assert RecomputePending.objects.count() == 1


def test_a_comment_is_shared_with_oh_only_when_ticked(client_as):
    data = form_data(client_as, "pulse", [3] * 5, comment="Tired", share_comment_with_oh="on")
    client_as.post("/wellbeing/checkin/pulse/", data)
    data = form_data(client_as, "pulse", [3] * 5, share_comment_with_oh="on")  # ticked with no comment
    client_as.post("/wellbeing/checkin/pulse/", data)
    assert sorted(CheckIn.objects.values_list("comment", "share_comment_with_oh")) == [("", False), ("Tired", True)]


def test_the_officer_can_change_sharing_afterwards(client_as, officer):
    checkin = make_checkin(officer, comment="private note")
    client_as.post(f"/wellbeing/checkins/{checkin.pk}/sharing/", {"share_comment_with_oh": "on"})
    checkin.refresh_from_db()
    assert checkin.share_comment_with_oh is True
    client_as.post(f"/wellbeing/checkins/{checkin.pk}/sharing/", {})
    checkin.refresh_from_db()
    assert checkin.share_comment_with_oh is False


def test_someone_elses_result_is_404(client_as, teammate):
    other = make_checkin(teammate, comment="not yours")
    assert client_as.get(f"/wellbeing/checkins/{other.pk}/").status_code == 404
    response = client_as.post(f"/wellbeing/checkins/{other.pk}/sharing/", {"share_comment_with_oh": "on"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.share_comment_with_oh is False


def test_phq4_asks_its_safety_question_and_stores_the_subscales(client_as):
    html = client_as.get("/wellbeing/checkin/phq4/").content.decode()
    assert 'name="safety"' in html and "This question is not part of the PHQ-4" in html
    data = form_data(client_as, "phq4", [2, 1, 0, 1])
    response = client_as.post("/wellbeing/checkin/phq4/", data)
    assert "Choose yes or no for the last question." in response.content.decode()
    data["safety"] = "0"
    client_as.post("/wellbeing/checkin/phq4/", data)
    checkin = CheckIn.objects.get()
    assert checkin.answers == [2, 1, 0, 1] and checkin.positive is True
    assert checkin.result == {"anxiety": 3, "depression": 1, "anxiety_positive": True, "depression_positive": False,
                              "safety_question": False}
    assert not Flag.objects.exists()


def test_answers_never_reach_the_log(client_as, caplog):
    data = form_data(client_as, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 1], comment="zebra-secret-comment")
    with caplog.at_level("DEBUG"):
        client_as.post("/wellbeing/checkin/phq9/", data)
    assert "zebra-secret-comment" not in caplog.text
    assert "[3, 3, 3" not in caplog.text


def test_oh_reads_the_comment_only_when_the_officer_shared_it(officer):
    assert make_checkin(officer, comment="mine alone").comment_for_oh == ""
    assert make_checkin(officer, comment="for OH", share=True).comment_for_oh == "for OH"


@pytest.mark.parametrize("code,answers,expected", [
    ("pulse", [4, 3, 2, 1, 0], ["Your score: 10 out of 20", "higher score means you are doing better"]),
    ("gad7", [3] * 7, ["Your score: 21 out of 21 (Severe)", "This is a screen, not a diagnosis."]),
    ("pcl5", [2] * 20, ["Your score: 40 out of 80 (At or above the screening level)", "re-experiencing 10 of 20",
                        "arousal and reactivity 12 of 24"]),
    ("phq4", [2, 1, 0, 0], ["Your score: 3 out of 12 (Mild)", "Anxiety questions: 3 out of 6",
                            "the usual level for a fuller questionnaire"]),
])
def test_every_result_page_explains_the_score_calmly(client_as, officer, code, answers, expected):
    checkin = make_checkin(officer, code, answers)
    html = client_as.get(f"/wellbeing/checkins/{checkin.pk}/").content.decode()
    for text in expected:
        assert text in html, text
    if code == "pulse":
        assert "This is a screen" not in html
