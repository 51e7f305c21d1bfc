"""A screening outcome never leaves occupational health (hazard log: screening_result_reaches_the_line).

OH records outcomes through its own form; then every page of the site is crawled as the
supervisor, a trainer, the wellbeing lead, another officer of the team, an officer of another team,
an admin and the person themselves (Oscar Kilo: results are communicated by OH, not by the portal):
no outcome label, no outcome code and no attendance appears. OH sees them."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from portal.models import Notification
from portal.tests.factories import UserFactory
from wellbeing.models import Screening
from wellbeing.screening.services import screening_sweep

OUTCOME_WORDS = ["Structured interview", "Further psychological support", "structured_interview",
                 "further_support", "Did not attend"]


def every_url(*, screening_pk: int, person_pk: int) -> list[str]:
    """Every non-admin URL of the site: screening routes with the screening's id, the others with
    the person's id (their team page, their OH case)."""
    urls = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if not route.startswith("admin/"):
                    walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                path = prefix + route
                pk = screening_pk if path.startswith("screening/") else person_pk
                path = path.replace("<int:pk>", str(pk))
                if "<" not in path and "^" not in path:
                    urls.append("/" + path)

    walk(get_resolver().url_patterns)
    return sorted(set(urls))


@pytest.fixture
def lead(force):
    return UserFactory(username="lead", organisation=force, is_wellbeing_lead=True)


@pytest.fixture
def recorded(client, oh, officer, teammate):
    """Two screenings with outcomes and one missed appointment, recorded by OH through its form."""
    today = timezone.localdate()
    rows = []
    for person, role in ((officer, "firearms"), (teammate, "cse_review")):
        person.high_risk_role, person.high_risk_role_since = role, today - timedelta(days=400)
        person.email = f"{person.username}@example.org"
        person.save()
    screening_sweep(today=today)
    client.force_login(oh)
    day = today.isoformat()
    for person, outcome in ((officer, "structured_interview"), (teammate, "further_support")):
        row = Screening.objects.get(person=person, kind="screening")
        response = client.post(reverse("screening:oh-record", args=[row.pk]), {
            "appointment_on": day, "appointment_time": "00:00", "attended": "yes", "completed_on": day,
            "outcome": outcome})
        assert response.status_code == 302, response.content
        rows.append(row)
    missed = Screening.objects.get(person=teammate, kind="appointment")
    client.post(reverse("screening:oh-record", args=[missed.pk]), {
        "appointment_on": day, "appointment_time": "00:00", "attended": "no"})
    client.logout()
    assert Screening.objects.filter(outcome="structured_interview").exists()
    assert Screening.objects.filter(attended="no").exists()
    return rows


@pytest.mark.parametrize("persona", ["supervisor", "trainer", "lead", "teammate", "outsider", "admin_user",
                                     "officer"])
def test_screening_result_reaches_the_line_no_page_shows_an_outcome_to_anyone_but_oh(
        request, client, recorded, persona, officer):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    urls = every_url(screening_pk=recorded[0].pk, person_pk=officer.pk)
    assert "/screening/team/" in urls and f"/team/people/{officer.pk}/" in urls and "/screening/mine/" in urls
    for url in urls:
        response = client.get(url)
        html = response.getvalue().decode(errors="replace") if response.status_code == 200 else ""
        for word in OUTCOME_WORDS:
            assert word not in html, (persona, url, word)
        if url.startswith("/screening/oh/"):
            assert response.status_code in (403, 404), url


def test_screening_result_reaches_the_line_the_completion_pages_show_completion_only(
        client, recorded, supervisor, lead, officer):
    client.force_login(supervisor)
    team = client.get(reverse("screening:team")).text
    assert str(officer) in team and "Up to date" in team and "Completion only" in team
    client.force_login(lead)
    assert "Completion only" in client.get(reverse("screening:lead")).text


def test_screening_result_reaches_the_line_no_notification_carries_an_outcome(recorded):
    texts = " ".join(f"{n.title} {n.body}" for n in Notification.objects.all())
    assert texts  # the invitations went out
    for word in OUTCOME_WORDS + ["No action", "outcome", "result"]:
        assert word not in texts


def test_screening_result_reaches_the_line_oh_sees_the_outcome(client, recorded, oh):
    client.force_login(oh)
    html = client.get(reverse("screening:oh-record", args=[recorded[0].pk])).text
    assert "Structured interview" in html
    html = client.get(reverse("screening:oh-list"), {"state": "", "kind": "appointment"}).text
    assert reverse("screening:oh-record", args=[Screening.objects.get(attended="no").pk]) in html


def test_screening_result_reaches_the_line_the_admin_has_no_screening_records(client, admin_user, recorded):
    client.force_login(admin_user)
    assert client.get("/admin/wellbeing/screening/").status_code == 404
    assert client.get("/admin/wellbeing/screeninginterval/").status_code == 200


def _table(response, name):
    import io
    import json
    import zipfile

    assert response.status_code == 200, response.status_code
    return json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read(f"{name}.json"))


def test_screening_result_reaches_the_line_the_persons_own_export_has_dates_but_not_the_outcome(
        client, recorded, officer, oh):
    client.force_login(officer)
    rows = _table(client.post("/wellbeing/privacy/export/"), "screenings")
    assert rows and all("outcome" not in row for row in rows)
    assert {row["completed_on"] for row in rows} == {str(timezone.localdate())}
    client.force_login(oh)
    response = client.post(reverse("oh:subject-access-export", args=[officer.pk]),
                           {"sar-reference": "SAR-1", "sar-purpose": "request_by_person"})
    assert {row["outcome"] for row in _table(response, "screenings")} == {"structured_interview"}
