import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from portal.demo import DEMO_USERNAMES
from portal.models import Organisation, Team, User


@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password")
def test_it_builds_the_demo_force_and_is_idempotent(db):
    call_command("seed_demo", verbosity=0)
    counts = (User.objects.count(), Team.objects.count(), Organisation.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), Team.objects.count(), Organisation.objects.count()) == counts

    for username in DEMO_USERNAMES:
        assert User.objects.get(username=username).check_password("a-demo-password"), username
    supervisor = User.objects.get(username="demo.supervisor")
    alpha = supervisor.supervised_teams.get()
    members = alpha.members.all()
    assert 8 <= members.count() <= 12
    assert members.filter(username="demo.officer").exists()
    assert set(members.values_list("high_risk_role", flat=True)) >= {
        "call_handling", "cse_review", "firearms", "counter_terrorism"}
    other_team = Team.objects.exclude(pk=alpha.pk).filter(unit__organisation=alpha.unit.organisation).first()
    assert other_team.supervisors.exclude(pk=supervisor.pk).exists()
    assert Organisation.objects.filter(kind="fire").exists()


@override_settings(DEBUG=False)
def test_it_refuses_to_run_outside_debug(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.filter(username="demo.officer").exists()


@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password")
def test_every_demo_user_can_sign_in_and_reach_a_start_page(client, db):
    call_command("seed_demo", verbosity=0)
    for username in DEMO_USERNAMES:
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": "a-demo-password"},
                               follow=True)
        assert response.status_code == 200, username
        assert response.redirect_chain, username
        assert response.wsgi_request.user.username == username
