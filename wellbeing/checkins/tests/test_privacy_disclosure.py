"""Issue 21, acceptance: the sentinel crawl as every role before an officer shares more, while they
share it, and after they withdraw it. Only their supervisor ever sees the kind of screen above its
cut-off, only while it is shared; a comment kept private reaches nobody but OH, and OH only while
the officer shares every comment; nothing else on any page or export changes for anyone."""

import pytest

from portal import access, disclosure
from wellbeing.checkins.tests.test_privacy import _export_text, every_url
from wellbeing.tests.disclosure_helpers import SHARED_LABEL, screen_assessment
from wellbeing.tests.helpers import make_checkin


@pytest.fixture
def teammate(teammate):
    """The officer's teammate, here also a trained peer supporter (only peer supporters can be named)."""
    teammate.is_peer_supporter = True
    teammate.save(update_fields=["is_peer_supporter"])
    return teammate

PRIVATE = "sentinel-disclosure-narwhal-comment"
PERSONAS = ["supervisor", "other_supervisor", "trainer", "teammate", "outsider", "admin_user", "oh"]
EXPORTS = {"supervisor": ["/team/export.csv"], "other_supervisor": ["/team/export.csv"],
           "trainer": [f"/training/manage/reports/completion.{fmt}" for fmt in ("csv", "xlsx")]}


def crawl(client, urls) -> dict[str, str]:
    texts = {}
    for url in urls:
        response = client.post(url) if url.endswith(("/sharing/", "/export/")) else client.get(url)
        texts[url] = _export_text(response) if response.status_code == 200 else ""
    return texts


def seen(texts: dict[str, str], needle: str) -> set[str]:
    return {url for url, text in texts.items() if needle in text}


@pytest.mark.parametrize("persona", PERSONAS)
def test_clinical_inference_leaked_sentinel_crawl_before_during_and_after_a_choice_to_share(
        request, client, persona, officer, teammate, other_supervisor, outsider):
    viewer = request.getfixturevalue(persona)
    screen_assessment(officer)
    checkin = make_checkin(officer, "gad7", [3] * 7, comment=PRIVATE, share=False)
    urls = every_url(checkin.pk) + [f"/team/people/{officer.pk}/", f"/oh/people/{officer.pk}/"]
    urls += EXPORTS.get(persona, [])
    if persona == "oh":  # OH reads the case once a reason is given (every view audited)
        client.force_login(viewer)
        client.post(f"/oh/people/{officer.pk}/", {"reason": "screening_review"})
    client.force_login(viewer)

    before = crawl(client, urls)
    for audience, choice, peer in [(access.SUPERVISOR, access.CLINICAL_CATEGORY, None),
                                   (access.OCCUPATIONAL_HEALTH, access.ALL_COMMENTS, None),
                                   (access.PEER_SUPPORTER, access.LEVEL, teammate)]:
        disclosure.choose(officer=officer, audience=audience, choice=choice, peer_supporter=peer)
    during = crawl(client, urls)
    for audience in access.DISCLOSURE_CHOICES:
        disclosure.withdraw(officer=officer, audience=audience)
    after = crawl(client, urls)

    assert seen(before, SHARED_LABEL) == seen(after, SHARED_LABEL) == set()
    assert seen(before, PRIVATE) == seen(after, PRIVATE) == set()
    if persona == "supervisor":
        assert seen(during, SHARED_LABEL) == {"/team/", f"/team/people/{officer.pk}/", "/team/export.csv"}
    else:
        assert seen(during, SHARED_LABEL) == set()
    assert seen(during, PRIVATE) == ({f"/oh/people/{officer.pk}/"} if persona == "oh" else set())
    # nothing else changed for anyone: the same pages answer, and withdrawing restores what was seen
    assert {u for u, t in before.items() if t} == {u for u, t in during.items() if t} == \
        {u for u, t in after.items() if t}
