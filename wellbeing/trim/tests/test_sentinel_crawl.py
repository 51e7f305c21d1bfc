"""The sentinel rule for TRiM (issue 20): a case is set up through the real services and pages (a
declared incident, the planning meeting, a practitioner assigned, an initial assessment in the
raised band with a referral to a named service, a raised follow-up that refers to OH, an OH note),
then every non-admin page of the site is read as each role that must not see a result: the
person's supervisor, a trainer, a teammate, the wellbeing lead, a peer supporter who is a TRiM
practitioner but not this one, and a TRiM coordinator of another organisation. None of them sees
the band, the action, the named service, the OH note or the practitioner, on a page, in a notice or
in an email. The practitioner and the coordinator see the band on the case; OH on its case page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from portal.models import Notification
from portal.tests.factories import UserFactory
from wellbeing.models import OHCaseNote, Referral, TrimAssessment, TrimCase
from wellbeing.trim import opening
from wellbeing.trim.tests.coord_factories import make_coordinator

pytestmark = pytest.mark.django_db

SERVICE = "zebra-trim-sentinel-service"
NOTE = "zebra-trim-sentinel-oh-note"
PRACTITIONER = "Zebrapractitioner"
# What the result looks like on a page: the band's column, its markup on OH's page, the actions.
FORBIDDEN = [SERVICE, NOTE, "Score band", "score band", 'class="trim-band"',
             'data-label="Score band"', "Referral to a named service", "Extra peer support"]
PERSONAS = ["supervisor", "trainer", "teammate", "wellbeing_lead", "peer_supporter", "foreign_coordinator"]


def every_url(*, person, case, incident, referral) -> list[str]:
    """Every non-admin URL of the site (GET), its ids filled with the TRiM case's: the person on
    person pages, the case and incident on TRiM pages, both assessment stages."""
    urls: list[str] = []

    def fill(path: str) -> list[str]:
        pk = person.pk
        if path.startswith(("trim/cases/", "trim/mine/")):
            pk = case.pk
        elif path.startswith(("trim/incidents/", "trim/declare/")):
            pk = incident.pk
        path = (path.replace("<int:pk>", str(pk)).replace("<int:referral_pk>", str(referral.pk))
                .replace("<slug:code>", "phq9"))
        if "<str:stage>" in path:
            return [path.replace("<str:stage>", s) for s in TrimAssessment.Stage.values]
        return [path]

    def walk(patterns, prefix=""):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if not route.startswith("admin/"):
                    walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                urls.extend("/" + path for path in fill(prefix + route) if "<" not in path and "^" not in path)

    walk(get_resolver().url_patterns)
    extra = [f"/trim/?incident={incident.pk}", "/trim/?show=closed", "/trim/reports/export/?format=csv",
             "/oh/?page=1"]
    return sorted(set(urls)) + extra


@pytest.fixture
def people(force, other_force, officer, supervisor, teammate, trainer, oh):
    return {
        "officer": officer, "supervisor": supervisor, "teammate": teammate, "trainer": trainer, "oh": oh,
        "coordinator": make_coordinator(force),
        "practitioner": UserFactory(username="pryderi", organisation=force, is_trim_practitioner=True,
                                    first_name="Pryderi", last_name=PRACTITIONER),
        "wellbeing_lead": UserFactory(username="lead", organisation=force, is_wellbeing_lead=True),
        "peer_supporter": UserFactory(username="peer", organisation=force, is_peer_supporter=True,
                                      is_trim_practitioner=True, is_officer=True),
        "foreign_coordinator": make_coordinator(other_force, username="foreign_coordinator"),
    }


@pytest.fixture
def sentinel_case(people, client, django_capture_on_commit_callbacks):
    """The case, written as each role writes it (services for the opening, pages for the rest)."""
    p = people
    with django_capture_on_commit_callbacks(execute=True):
        declared = opening.declare_incident(p["supervisor"], "Collision on the ring road",
                                            timezone.now() - timedelta(days=3), [p["officer"], p["teammate"]])
        case = next(c for c in declared.opened if c.person_id == p["officer"].pk)
        incident = case.incident
        client.force_login(p["coordinator"])
        today = timezone.localdate().isoformat()
        planning = {"held_on": today} | {f"response-{c.pk}": "assessment" for c in declared.opened}
        assert client.post(f"/trim/incidents/{incident.pk}/", planning).status_code == 302
        assign = client.post(f"/trim/cases/{case.pk}/assign/", {"practitioner": p["practitioner"].pk})
        assert assign.status_code == 302, assign.content.decode()
        client.force_login(p["practitioner"])
        initial = client.post(f"/trim/cases/{case.pk}/assessments/initial/", {
            "held_on": today, "band": "raised", "action": "named_service", "service": SERVICE})
        assert initial.status_code == 302
        follow_up = client.post(f"/trim/cases/{case.pk}/assessments/follow_up/", {
            "held_on": today, "band": "raised", "action": "peer_support"})
        assert follow_up.status_code == 302
        referral = Referral.objects.get(person=p["officer"], kind=Referral.Kind.TRIM)
        client.force_login(p["oh"])
        assert client.post(f"/oh/people/{p['officer'].pk}/", {"reason": "screening_review"}).status_code == 302
        note = client.post(f"/oh/people/{p['officer'].pk}/notes/",
                           {"note-purpose": "contact_record", "note-text": NOTE})
        assert note.status_code == 302
    client.logout()
    assert TrimAssessment.objects.filter(case=case, band="raised").count() == 2
    assert OHCaseNote.objects.filter(person=p["officer"], text=NOTE).exists()
    return {"case": case, "incident": incident, "referral": referral}


def _leaks(text: str) -> list[str]:
    return [s for s in FORBIDDEN if s in text]


@pytest.mark.parametrize("persona", PERSONAS)
def test_trim_result_reaches_the_line_no_page_shows_it(client, people, sentinel_case, persona):
    user = people[persona]
    client.force_login(user)
    urls = every_url(person=people["officer"], **sentinel_case)
    case = sentinel_case["case"]
    assert f"/team/people/{people['officer'].pk}/" in urls and f"/trim/cases/{case.pk}/" in urls
    assert f"/oh/people/{people['officer'].pk}/" in urls and "/trim/mine/" in urls
    assert len(urls) > 80
    for url in urls:
        response = client.get(url)
        html = response.getvalue().decode(errors="replace")
        assert not _leaks(html), (url, _leaks(html))
        assert ">Raised<" not in html, url
        if url.startswith(("/trim/", f"/team/people/{people['officer'].pk}/")):
            # who the practitioner is stays with the person (a name elsewhere is just a colleague)
            assert PRACTITIONER not in html, url
        if url.startswith((f"/trim/cases/{case.pk}/", f"/oh/people/{people['officer'].pk}/")):
            assert response.status_code in (403, 404, 405), url


@pytest.mark.parametrize("persona", PERSONAS + ["officer"])
def test_trim_result_reaches_the_line_no_notice_or_email_carries_it(people, sentinel_case, persona):
    user = people[persona]
    for note in Notification.objects.filter(user=user):
        text = f"{note.title} {note.body}"
        assert not _leaks(text) and "raised" not in text.lower() and "referral" not in text.lower(), text
    for email in mail.outbox:
        if user.email in email.to:
            assert not _leaks(f"{email.subject} {email.body}"), email.subject


def test_trim_result_reaches_the_line_no_notice_or_email_carries_the_sentinels_at_all(people, sentinel_case):
    assert mail.outbox, "the setup sends emails (the offer, the OH referral)"
    texts = [f"{n.title} {n.body}" for n in Notification.objects.all()]
    texts += [f"{m.subject} {m.body}" for m in mail.outbox]
    assert not [t for t in texts if SERVICE in t or NOTE in t or "Raised" in t]


def test_trim_result_reaches_the_line_oh_was_told_of_the_referral(people, sentinel_case):
    assert Notification.objects.filter(user=people["oh"], dedupe_key__startswith="trim-referral:").exists()
    assert any(people["oh"].email in m.to for m in mail.outbox)


@pytest.mark.parametrize("persona", ["practitioner", "coordinator"])
def test_trim_result_reaches_the_line_practitioner_and_coordinator_see_the_band(client, people, sentinel_case,
                                                                                persona):
    client.force_login(people[persona])
    html = client.get(f"/trim/cases/{sentinel_case['case'].pk}/").content.decode()
    assert '<td data-label="Score band">Raised</td>' in html and SERVICE in html


def test_trim_result_reaches_the_line_oh_sees_the_band_on_its_case_page(client, people, sentinel_case):
    client.force_login(people["oh"])
    officer = people["officer"]
    client.post(f"/oh/people/{officer.pk}/", {"reason": "screening_review"})
    html = client.get(f"/oh/people/{officer.pk}/").content.decode()
    assert 'class="trim-band">Raised</td>' in html and SERVICE in html and NOTE in html
    assert TrimCase.objects.get(pk=sentinel_case["case"].pk).stage == TrimCase.Stage.IN_PROGRESS


def test_trim_result_reaches_the_line_the_person_sees_their_case_but_not_the_band(client, people, sentinel_case):
    client.force_login(people["officer"])
    html = client.get("/trim/mine/").content.decode()
    assert "Collision on the ring road" in html and PRACTITIONER in html
    assert not _leaks(html) and ">Raised<" not in html
