"""Every role against every area: 200 where the role may enter, 403 where not, never a 500."""

import pytest

AREA_URLS = {
    "exposure": "/exposure/",
    "wellbeing": "/wellbeing/",
    "team": "/team/",
    "training": "/training/",
    "training_manage": "/training/manage/",
    "oh": "/oh/",
    "admin": "/admin/",
}

# persona -> the areas it may enter
ALLOWED = {
    "officer": {"exposure", "wellbeing", "training"},
    "supervisor": {"team", "training"},
    "trainer": {"training", "training_manage"},
    "oh": {"oh", "training"},
    "admin_user": {"admin", "training"},
}


@pytest.mark.parametrize("persona", sorted(ALLOWED))
@pytest.mark.parametrize("area", sorted(AREA_URLS))
def test_each_role_enters_only_its_areas(request, client, persona, area):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(AREA_URLS[area])
    expected = 200 if area in ALLOWED[persona] else 403
    assert response.status_code == expected, f"{persona} at {AREA_URLS[area]}"


@pytest.mark.parametrize("url", sorted(AREA_URLS.values()))
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_person_with_several_roles_enters_each_roles_area(client, supervisor):
    supervisor.is_officer = True
    supervisor.save()
    client.force_login(supervisor)
    assert client.get("/team/").status_code == 200
    assert client.get("/exposure/").status_code == 200
    assert client.get("/oh/").status_code == 403


def test_an_inactive_user_enters_nothing(client, officer):
    officer.is_active = False
    officer.save()
    client.force_login(officer)
    assert client.get("/exposure/").status_code in (302, 403)


@pytest.mark.parametrize(
    "persona,start",
    [("officer", "/exposure/"), ("supervisor", "/team/"), ("trainer", "/training/manage/"),
     ("oh", "/oh/"), ("admin_user", "/admin/")],
)
def test_home_sends_each_role_to_its_start_page(request, client, persona, start):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == start


def test_navigation_shows_only_what_the_role_may_use(client, officer):
    client.force_login(officer)
    html = client.get("/exposure/").content.decode()
    assert 'href="/exposure/"' in html and 'href="/wellbeing/"' in html
    for hidden in ('href="/team/"', 'href="/oh/"', 'href="/training/manage/"', 'href="/admin/"'):
        assert hidden not in html


def test_navigation_offers_nothing_until_the_second_factor_is_done(unverified_client, supervisor):
    unverified_client.force_login(supervisor)
    response = unverified_client.get("/accounts/two-factor/setup/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/team/"' not in html and 'href="/notifications/"' not in html
