"""H9: viewing break limits defeated. A reviewer's own rhythm may only be stricter than their
organisation's ViewingPolicy (no longer between breaks, no shorter breaks): the form refuses a
looser one naming the limit, the model refuses it on any path, and the timer clamps rows saved
before the rule."""

import pytest
from django.core.exceptions import ValidationError

from exposure.forms import ViewingPreferenceForm
from exposure.models import ViewingPolicy, ViewingPreference
from exposure.selectors import viewing_rhythm


@pytest.fixture
def policy(teammate):
    return ViewingPolicy.objects.create(organisation=teammate.organisation, view_minutes=50, break_minutes=10)


@pytest.mark.parametrize(("view", "rest", "errors"), [
    ("240", "1", {"view_minutes", "break_minutes"}),  # the reported case
    ("51", "10", {"view_minutes"}),
    ("50", "9", {"break_minutes"}),
    ("50", "10", set()),  # exactly the policy
    ("30", "15", set()),  # stricter
    ("5", "120", set()),
])
def test_viewing_break_limits_defeated_form_refuses_a_looser_rhythm(policy, view, rest, errors):
    form = ViewingPreferenceForm({"view_minutes": view, "break_minutes": rest}, policy=policy)
    assert form.is_valid() is (not errors)
    assert set(form.errors) == errors


def test_viewing_break_limits_defeated_messages_name_the_organisations_limit(policy):
    form = ViewingPreferenceForm({"view_minutes": "240", "break_minutes": "1"}, policy=policy)
    form.is_valid()
    assert form.errors["view_minutes"] == ["Your force allows at most 50 minutes before a break. Choose 50 or fewer."]
    assert form.errors["break_minutes"] == ["Your force asks for breaks of at least 10 minutes. Choose 10 or more."]


def test_viewing_break_limits_defeated_without_a_policy_the_50_10_default_applies(teammate):
    form = ViewingPreferenceForm({"view_minutes": "60", "break_minutes": "5"},
                                 policy=ViewingPolicy.for_organisation(teammate.organisation_id))
    assert not form.is_valid() and set(form.errors) == {"view_minutes", "break_minutes"}


def test_viewing_break_limits_defeated_model_clean_refuses_on_every_path(teammate, policy):
    preference = ViewingPreference(officer=teammate, view_minutes=240, break_minutes=1)
    with pytest.raises(ValidationError) as problem:
        preference.full_clean()
    assert set(problem.value.message_dict) == {"view_minutes", "break_minutes"}
    ViewingPreference(officer=teammate, view_minutes=45, break_minutes=15).full_clean()  # stricter is fine


def test_viewing_break_limits_defeated_the_page_refuses_and_saves_nothing(login, teammate, policy):
    response = login(teammate).post("/exposure/viewing/settings/", {"view_minutes": "240", "break_minutes": "1"})
    page = response.content.decode()
    assert response.status_code == 400 and not ViewingPreference.objects.exists()
    assert "Your force allows at most 50 minutes before a break." in page
    assert "Your force asks for breaks of at least 10 minutes." in page


def test_viewing_break_limits_defeated_an_old_looser_row_is_clamped_where_the_timer_reads_it(login, teammate, policy):
    # Saved before the rule existed (save() does not run clean()).
    ViewingPreference.objects.create(officer=teammate, view_minutes=240, break_minutes=1)
    rhythm = viewing_rhythm(teammate)
    assert (rhythm.view_minutes, rhythm.break_minutes, rhythm.clamped) == (50, 10, True)
    client = login(teammate)
    state = client.post("/exposure/viewing/start/", HTTP_ACCEPT="application/json").json()
    assert state["view_seconds"] == 50 * 60 and state["break_seconds"] == 10 * 60
    page = client.get("/exposure/viewing/").content.decode()
    assert "prompts a 10-minute break after 50 minutes" in page
    assert 'id="viewing-clamped"' in page
    assert 'name="view_minutes" value="50"' in page


def test_viewing_break_limits_defeated_clamps_each_side_separately(teammate, policy):
    ViewingPreference.objects.create(officer=teammate, view_minutes=30, break_minutes=5)
    rhythm = viewing_rhythm(teammate)
    assert (rhythm.view_minutes, rhythm.break_minutes) == (30, 10)
    assert policy.clamp(30, 5) == (30, 10) and policy.clamp(90, 20) == (50, 20) and policy.clamp(40, 15) == (40, 15)


def test_viewing_break_limits_defeated_a_stricter_rhythm_is_used_as_chosen(login, teammate, policy):
    client = login(teammate)
    assert client.post("/exposure/viewing/settings/", {"view_minutes": "40", "break_minutes": "15"}).status_code == 302
    page = client.get("/exposure/viewing/").content.decode()
    assert "prompts a 15-minute break after 40 minutes" in page and 'id="viewing-clamped"' not in page
    assert "Your force allows at most 50 minutes of viewing before a break." in page
    assert "Breaks must be at least 10 minutes long." in page


def test_viewing_break_limits_defeated_a_tightened_policy_overrides_an_earlier_choice(teammate, policy):
    ViewingPreference.objects.create(officer=teammate, view_minutes=45, break_minutes=10)
    ViewingPolicy.objects.filter(pk=policy.pk).update(view_minutes=30, break_minutes=20)
    rhythm = viewing_rhythm(teammate)
    assert (rhythm.view_minutes, rhythm.break_minutes, rhythm.clamped) == (30, 20, True)
