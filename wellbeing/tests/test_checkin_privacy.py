"""Check-in answers and comments are seen by the officer (and, through OH's own pages, by OH):
no page shows them to a supervisor, a trainer, another officer or an admin."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from wellbeing.tests.helpers import make_checkin

COMMENT = "zebra-quartz-comment"


def every_url(checkin_pk):
    """Every non-admin URL of the site, with check-in ids and questionnaire codes filled in."""
    urls = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith("admin/"):
                    continue
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                path = prefix + route
                path = path.replace("<int:pk>", str(checkin_pk)).replace("<slug:code>", "phq9")
                if "<" in path or "^" in path:
                    continue
                urls.append("/" + path)

    walk(get_resolver().url_patterns)
    return sorted(set(urls))


@pytest.fixture
def sensitive(officer):
    return make_checkin(officer, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0], comment=COMMENT, share=True)


@pytest.mark.parametrize("persona", ["supervisor", "trainer", "teammate", "outsider", "admin_user"])
def test_no_page_shows_a_check_in_to_anyone_but_its_officer(request, client, sensitive, persona):
    client.force_login(request.getfixturevalue(persona))
    urls = every_url(sensitive.pk)
    assert f"/wellbeing/checkins/{sensitive.pk}/" in urls and "/team/" in urls
    for url in urls + ["/admin/", "/admin/wellbeing/"]:
        response = client.post(url) if url.endswith("/sharing/") else client.get(url)
        html = response.content.decode(errors="replace")
        assert COMMENT not in html, url
        assert "Your score:" not in html, url
        assert 'id="answers-heading"' not in html and "<strong>Nearly every day</strong>" not in html, url
        if url.startswith("/wellbeing/checkins/"):
            assert response.status_code in (403, 404), url


def test_the_admin_has_no_check_in_pages(client, admin_user, sensitive):
    client.force_login(admin_user)
    assert client.get("/admin/wellbeing/checkin/").status_code == 404
    assert client.get(f"/admin/wellbeing/checkin/{sensitive.pk}/change/").status_code == 404
    assert client.get("/admin/wellbeing/supportcontact/").status_code == 200
    assert client.get("/admin/wellbeing/checkinschedule/").status_code == 200


def test_the_officer_sees_their_own_answers_and_comment(client, officer, sensitive):
    client.force_login(officer)
    html = client.get(f"/wellbeing/checkins/{sensitive.pk}/").content.decode()
    assert COMMENT in html and "Your score: 24 out of 27" in html and "Nearly every day" in html


def test_check_ins_never_put_answers_in_a_url(client, officer, sensitive):
    client.force_login(officer)
    html = client.get("/wellbeing/").content.decode()
    html += client.get(f"/wellbeing/checkins/{sensitive.pk}/").content.decode()
    assert "q1=" not in html and COMMENT not in client.get("/wellbeing/").content.decode()
    form = client.get("/wellbeing/checkin/phq9/").content.decode()
    assert 'method="post"' in form and 'method="get"' not in form
