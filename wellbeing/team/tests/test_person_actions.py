"""Issue 17: a welfare action recorded from a person's page is linked to their open flags: one is
linked by itself and the form says so, several make the form ask which (or "Not about a flag"),
none leaves it unlinked; only flags this supervisor may see are ever offered or linked."""

from django.utils.html import escape

from wellbeing.models import Flag, WelfareAction
from wellbeing.tests.team_helpers import flag


def page(client, person):
    return client.get(f"/team/people/{person.pk}/").content.decode()


def test_with_no_open_flag_the_action_is_linked_to_nothing(login, supervisor, officer):
    flag(officer, status=Flag.Status.CLOSED)
    client = login(supervisor)
    content = page(client, officer)
    assert 'id="action-linked-flag"' not in content and 'name="about_flag"' not in content
    response = client.post(f"/team/people/{officer.pk}/", {"kind": "welfare_conversation"})
    assert response.status_code == 302
    assert WelfareAction.objects.get().flag is None


def test_one_open_flag_is_linked_by_itself_and_the_form_says_so(login, supervisor, officer):
    f = flag(officer)
    client = login(supervisor)
    content = page(client, officer)
    assert 'id="action-linked-flag"' in content
    assert "This action will be recorded against their open flag: Exposure load high" in content
    assert 'name="about_flag"' not in content
    response = client.post(f"/team/people/{officer.pk}/", {"kind": "welfare_conversation"}, follow=True)
    action = WelfareAction.objects.get()
    assert action.flag == f
    assert "Welfare action recorded against the flag: Exposure load high for the role." in response.content.decode()
    # the supervisor's own open flag is acknowledged by the action, as from the flag's page
    f.refresh_from_db()
    assert f.status == Flag.Status.ACKNOWLEDGED
    # the flag's page lists the action, the inbox counts it, and the person's page links it
    flag_page = client.get(f"/team/flags/{f.pk}/").content.decode()
    assert 'id="flag-actions"' in flag_page and "Welfare conversation" in flag_page
    assert "about the flag: Exposure load high" in page(client, officer)


def test_several_open_flags_make_the_form_ask_which(login, supervisor, officer):
    load = flag(officer)
    clinical = flag(officer, code="screen_over_cutoff")
    client = login(supervisor)
    content = page(client, officer)
    assert "Which flag is this about?" in content
    assert f'value="{load.pk}"' in content and f'value="{clinical.pk}"' in content
    assert "Not about a flag" in content
    # supervisor-safe labels only: a clinical flag reads "welfare contact recommended"
    assert "Welfare contact recommended" in content and "Screen positive" not in content

    missing = client.post(f"/team/people/{officer.pk}/", {"kind": "welfare_conversation"})
    assert missing.status_code == 400
    assert escape('Choose the flag this action is about, or "Not about a flag".') in missing.content.decode()
    assert not WelfareAction.objects.exists()

    assert client.post(f"/team/people/{officer.pk}/",
                       {"kind": "welfare_conversation", "about_flag": clinical.pk}).status_code == 302
    assert WelfareAction.objects.get().flag == clinical
    # on OH's flag the action is recorded for OH to see; the flag is left as it is
    clinical.refresh_from_db()
    assert clinical.status == Flag.Status.OPEN

    assert client.post(f"/team/people/{officer.pk}/", {"kind": "peer_support", "about_flag": "none"}).status_code == 302
    assert WelfareAction.objects.filter(kind="peer_support", flag__isnull=True).count() == 1


def test_a_crafted_post_cannot_link_another_teams_flag(login, supervisor, officer, outsider):
    flag(officer)
    flag(officer, code="screen_over_cutoff")
    theirs = flag(outsider)
    client = login(supervisor)
    response = client.post(f"/team/people/{officer.pk}/", {"kind": "welfare_conversation", "about_flag": theirs.pk})
    assert response.status_code == 400
    assert not WelfareAction.objects.exists()
    theirs.refresh_from_db()
    assert theirs.status == Flag.Status.OPEN
    # nor by posting on the other team's person page (nobody there for this supervisor)
    assert client.post(f"/team/people/{outsider.pk}/",
                       {"kind": "welfare_conversation", "about_flag": theirs.pk}).status_code == 404
    assert not WelfareAction.objects.exists()


def test_with_one_open_flag_a_crafted_choice_is_ignored(login, supervisor, officer, outsider):
    mine = flag(officer)
    theirs = flag(outsider)
    client = login(supervisor)
    assert client.post(f"/team/people/{officer.pk}/",
                       {"kind": "welfare_conversation", "about_flag": theirs.pk}).status_code == 302
    assert WelfareAction.objects.get().flag == mine
    assert not theirs.welfare_actions.exists()
