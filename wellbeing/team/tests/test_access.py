"""Who may reach the team pages: only supervisors, and only for people of the teams they supervise.
A supervisor of team B gets 404 for anything of a person in team A, page, chart data, action or export."""

import pytest
from django.utils.html import escape

from portal.models import AuditEvent
from wellbeing.models import Flag, WelfareAction
from wellbeing.tests.team_helpers import assess, exposure, flag

PAGES = ["/team/", "/team/trends/", "/team/flags/", "/team/outcomes/", "/team/export.csv"]


@pytest.mark.parametrize("url", PAGES)
def test_officers_trainers_and_oh_get_403(login, officer, trainer, oh, url):
    for user in (officer, trainer, oh):
        assert login(user).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_a_signed_out_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_every_team_page_opens_for_the_supervisor(login, supervisor, officer, url):
    assess(officer)
    flag(officer)
    assert login(supervisor).get(url).status_code == 200


def test_the_dashboard_shows_only_the_supervisors_own_team(login, supervisor, officer, teammate, outsider):
    content = login(supervisor).get("/team/").content.decode()
    assert escape(officer.get_full_name()) in content and escape(teammate.get_full_name()) in content
    assert escape(outsider.get_full_name()) not in content


@pytest.mark.parametrize("url", ["/team/?team={b}", "/team/trends/?team={b}", "/team/flags/?team={b}",
                                 "/team/outcomes/?team={b}", "/team/export.csv?team={b}", "/team/?team=nonsense"])
def test_another_teams_id_in_the_switcher_is_404(login, supervisor, team_b, outsider, url):
    assert login(supervisor).get(url.format(b=team_b.pk)).status_code == 404


def test_another_teams_person_page_is_404(login, supervisor, outsider):
    client = login(supervisor)
    assert client.get(f"/team/people/{outsider.pk}/").status_code == 404
    assert client.post(f"/team/people/{outsider.pk}/", {"kind": "welfare_conversation"}).status_code == 404
    assert not WelfareAction.objects.exists()


def test_another_teams_flag_is_404_for_every_action(login, supervisor, outsider):
    other = flag(outsider)
    client = login(supervisor)
    assert client.get(f"/team/flags/{other.pk}/").status_code == 404
    assert client.post(f"/team/flags/{other.pk}/", {"kind": "welfare_conversation"}).status_code == 404
    assert client.post(f"/team/flags/{other.pk}/acknowledge/").status_code == 404
    assert client.post(f"/team/flags/{other.pk}/close/").status_code == 404
    other.refresh_from_db()
    assert other.status == Flag.Status.OPEN and not WelfareAction.objects.exists()
    assert not AuditEvent.objects.filter(subject=outsider).exists()


def test_another_teams_outcome_and_follow_up_are_404(login, supervisor, other_supervisor, outsider):
    call = exposure(outsider, outcome_wanted=True)
    action = WelfareAction.objects.create(officer=outsider, recorded_by=other_supervisor, kind="other",
                                          follow_up_on="2026-01-01")
    client = login(supervisor)
    assert client.post(f"/team/outcomes/{call.pk}/shared/").status_code == 404
    assert client.post(f"/team/follow-ups/{action.pk}/done/").status_code == 404
    call.refresh_from_db()
    action.refresh_from_db()
    assert call.outcome_shared_at is None and not action.follow_up_done


def test_other_teams_people_never_reach_the_chart_data_or_export(login, supervisor, officer, outsider):
    exposure(officer, dose=3.0)
    exposure(outsider, dose=777.0)
    client = login(supervisor)
    trends = client.get("/team/trends/").content.decode()
    assert "777" not in trends and "3.0" in trends
    export = b"".join(client.get("/team/export.csv").streaming_content).decode("utf-8-sig")
    assert officer.get_full_name() in export and outsider.get_full_name() not in export


def test_a_supervisor_of_two_teams_can_switch(login, supervisor, team_b, outsider, officer):
    team_b.supervisors.add(supervisor)
    client = login(supervisor)
    page = client.get(f"/team/?team={team_b.pk}").content.decode()
    assert escape(outsider.get_full_name()) in page and escape(officer.get_full_name()) not in page
    assert 'id="team-switcher"' in page
    assert client.get(f"/team/people/{outsider.pk}/").status_code == 200


def test_the_person_page_never_shows_answers_scores_or_comments(login, supervisor, officer):
    from wellbeing.tests.helpers import make_checkin

    make_checkin(officer, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0], comment="private words about my week")
    assess(officer, "red", ("screen_over_cutoff",))
    content = login(supervisor).get(f"/team/people/{officer.pk}/").content.decode()
    assert "private words" not in content
    assert "PHQ" not in content and "cut-off" not in content and "questionnaire" not in content
    assert "Welfare contact recommended" in content
    assert AuditEvent.objects.filter(action="team_person_viewed", subject=officer).count() == 1
