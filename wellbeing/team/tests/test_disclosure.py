"""Issue 21, graduated disclosure on the supervisor's pages: which kind of screen is above its
cut-off shows on the team page, the person page and the team export while (and only while) the
officer shares it; never another clinical reason, never a score or an answer."""

import pytest

from portal import access, disclosure
from wellbeing.team.selectors import category_labels, reason_categories
from wellbeing.tests.disclosure_helpers import SHARED_LABEL, screen_assessment
from wellbeing.tests.factories import reason_entry


@pytest.fixture
def teammate(teammate):
    """The officer's teammate, here also a trained peer supporter (only peer supporters can be named)."""
    teammate.is_peer_supporter = True
    teammate.save(update_fields=["is_peer_supporter"])
    return teammate

pytestmark = pytest.mark.django_db

WELFARE = "Welfare contact recommended"


def test_clinical_inference_leaked_only_the_kind_of_screen_and_only_while_shared():
    labels = category_labels()
    reasons = [reason_entry("screen_over_cutoff", "red", {"instruments": ["pcl5", "gad7"]}),
               reason_entry("phq9_item9", "urgent"), reason_entry("pulse_falling", "amber"),
               reason_entry("exposure_load_high", "amber")]
    assert reason_categories(reasons, labels) == ["Exposure load high for the role", WELFARE]
    assert reason_categories(reasons, labels, shared=True) == [
        "Screen above cut-off: anxiety (GAD-7)", "Screen above cut-off: post-traumatic stress (PCL-5)",
        "Exposure load high for the role", WELFARE]
    # other clinical reasons never say more, shared or not; "welfare contact" stays, so a shared
    # screen does not tell whether there is another clinical reason
    only_urgent = [reason_entry("phq9_item9", "urgent"), reason_entry("safety_question", "urgent")]
    assert reason_categories(only_urgent, labels, shared=True) == [WELFARE]
    only_screen = [reason_entry("screen_over_cutoff", "amber", {"instruments": ["phq9"]})]
    assert reason_categories(only_screen, labels, shared=True) == ["Screen above cut-off: low mood (PHQ-9)", WELFARE]
    assert reason_categories([reason_entry("screen_over_cutoff", "amber", {})], labels, shared=True) == [WELFARE]


def _export(client):
    return b"".join(client.get("/team/export.csv").streaming_content).decode("utf-8-sig")


def test_clinical_inference_leaked_the_supervisor_sees_the_kind_of_screen_until_it_is_withdrawn(
        login, supervisor, officer, teammate):
    screen_assessment(officer)
    screen_assessment(teammate)  # shares nothing
    client = login(supervisor)
    pages = lambda: (client.get("/team/").content.decode(),  # noqa: E731
                     client.get(f"/team/people/{officer.pk}/").content.decode(), _export(client))
    assert not any(SHARED_LABEL in text for text in pages())

    disclosure.choose(officer=officer, audience=access.SUPERVISOR, choice=access.CLINICAL_CATEGORY)
    team, person, export = pages()
    assert team.count(SHARED_LABEL) == 1 and SHARED_LABEL in export
    assert SHARED_LABEL in person and 'id="person-shares"' in person
    assert SHARED_LABEL not in client.get(f"/team/people/{teammate.pk}/").content.decode()
    assert [line for line in export.splitlines() if SHARED_LABEL in line][0].startswith(str(officer))

    disclosure.withdraw(officer=officer, audience=access.SUPERVISOR)
    team, person, export = pages()
    assert SHARED_LABEL not in team + person + export and 'id="person-shares"' not in person
    assert WELFARE in team and WELFARE in export


def test_clinical_inference_leaked_one_officers_choice_never_reaches_another_supervisor(
        login, other_supervisor, outsider, officer):
    screen_assessment(officer)
    screen_assessment(outsider)
    disclosure.choose(officer=officer, audience=access.SUPERVISOR, choice=access.CLINICAL_CATEGORY)
    client = login(other_supervisor)
    assert SHARED_LABEL not in client.get("/team/").content.decode() + _export(client)
    assert client.get(f"/team/people/{officer.pk}/").status_code == 404


def test_sharing_with_oh_or_a_peer_supporter_shows_the_supervisor_nothing_more(login, supervisor, officer, teammate):
    screen_assessment(officer)
    disclosure.choose(officer=officer, audience=access.OCCUPATIONAL_HEALTH, choice=access.ALL_COMMENTS)
    disclosure.choose(officer=officer, audience=access.PEER_SUPPORTER, choice=access.LEVEL, peer_supporter=teammate)
    client = login(supervisor)
    assert SHARED_LABEL not in client.get("/team/").content.decode() + _export(client)
