"""The "what if" run of a candidate rule set (issue 21): pure comparison, a hand-built scenario
replayed from the database with nothing written, and the admin page."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from portal.models import AuditEvent
from wellbeing.models import RuleSet
from wellbeing.review.whatif import Outcome, compare, raised_flags, what_if_run
from wellbeing.risk.rules import DEFAULT_RULES
from wellbeing.tests.helpers import make_checkin

A, R, G = "amber", "red", "green"


def night(**people):
    return {int(pk[1:]): Outcome(level, frozenset(codes)) for pk, (level, codes) in people.items()}


# ----------------------------------------------------------------------------- pure


def test_a_flag_is_raised_when_a_reason_appears_and_again_only_after_it_went_away():
    nights = [night(p1=(A, ["x"])), night(p1=(A, ["x", "y"])), night(p1=(G, [])), night(p1=(A, ["x"]), p2=(A, ["x"]))]
    assert raised_flags(nights) == {"x": 3, "y": 1}
    assert raised_flags([]) == {}


def test_compare_counts_people_whose_level_differs_on_any_night_and_the_last_nights_direction():
    current = [night(p1=(A, ["x"]), p2=(G, [])), night(p1=(A, ["x"]), p2=(R, ["z"])), night(p1=(A, ["x"]))]
    candidate = [night(p1=(A, ["x"]), p2=(G, [])), night(p1=(G, []), p2=(R, ["z"])), night(p1=(G, []), p3=(R, ["z"]))]
    result = compare(current, candidate)
    assert (result.nights, result.people, result.people_changed) == (3, 3, 2)  # p1 and p3, not p2
    assert (result.higher_last_night, result.lower_last_night) == (1, 1)
    assert result.reasons() == [("x", 1, 1), ("z", 1, 2)]


def test_the_same_rules_change_nothing():
    nights = [night(p1=(A, ["x"])), night(p1=(R, ["x", "y"]))]
    result = compare(nights, nights)
    assert (result.people_changed, result.higher_last_night, result.lower_last_night) == (0, 0, 0)
    assert result.raised_current == result.raised_candidate == {"x": 1, "y": 1}


def test_both_sides_must_cover_the_same_nights():
    with pytest.raises(ValueError):
        compare([night()], [])


# ----------------------------------------------------------------------------- from the database


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}


PHQ9_OF_12 = [2, 2, 2, 2, 2, 1, 1, 0, 0]  # total 12, item 9 at 0


@pytest.mark.django_db
def test_a_hand_built_scenario_gives_the_expected_figures_and_writes_nothing(officer, teammate):
    make_checkin(officer, "phq9", PHQ9_OF_12, at=timezone.now() - timedelta(days=20))
    before = row_counts()
    stricter = {**DEFAULT_RULES, "instrument_cutoffs": {**DEFAULT_RULES["instrument_cutoffs"], "phq9": 15}}
    result = what_if_run(stricter)
    assert row_counts() == before
    assert not RuleSet.objects.exists()  # not even the engine's first-run default
    assert result.nights == 90 and result.people == 2
    # Under the rules in force (cut-off 10) the PHQ-9 of 12 raised one flag 20 nights ago and kept
    # the officer amber since; at 15 it raises none, so one person changes level, lower now.
    assert result.raised_current == {"screen_over_cutoff": 1}
    assert result.raised_candidate == {}
    assert (result.people_changed, result.higher_last_night, result.lower_last_night) == (1, 0, 1)


@pytest.mark.django_db
def test_the_replay_uses_the_newest_rule_set_as_the_rules_in_force(officer):
    make_checkin(officer, "phq9", PHQ9_OF_12, at=timezone.now() - timedelta(days=5))
    RuleSet.objects.create(version=2, rules={"instrument_cutoffs": {**DEFAULT_RULES["instrument_cutoffs"], "phq9": 15}})
    result = what_if_run(DEFAULT_RULES, days=10)
    assert result.raised_current == {} and result.raised_candidate == {"screen_over_cutoff": 1}
    assert result.higher_last_night == 1


# ----------------------------------------------------------------------------- the admin page


@pytest.fixture
def admin_client(login, admin_user):
    return login(admin_user)


@pytest.mark.django_db
def test_the_admin_page_runs_the_candidate_and_shows_suppressed_totals(admin_client, officer):
    make_checkin(officer, "phq9", PHQ9_OF_12, at=timezone.now() - timedelta(days=3))
    assert "/admin/wellbeing/ruleset/what-if/" in admin_client.get("/admin/wellbeing/ruleset/").content.decode()
    page = admin_client.get("/admin/wellbeing/ruleset/what-if/").content.decode()
    assert "instrument_cutoffs" in page  # starts from the rules in force
    import json

    before = RuleSet.objects.count()
    stricter = {**DEFAULT_RULES, "instrument_cutoffs": {**DEFAULT_RULES["instrument_cutoffs"], "phq9": 15}}
    response = admin_client.post("/admin/wellbeing/ruleset/what-if/", {"rules": json.dumps(stricter)})
    content = response.content.decode()
    assert response.status_code == 200 and 'id="what-if-reasons"' in content
    assert "screen_over_cutoff" in content and "&lt;5" in content
    assert RuleSet.objects.count() == before
    assert AuditEvent.objects.filter(action="ruleset_what_if").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["not json", "[]", '{"dose_half_life_days": -1}'])
def test_bad_rules_are_a_message_on_the_form(admin_client, text):
    response = admin_client.post("/admin/wellbeing/ruleset/what-if/", {"rules": text})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not AuditEvent.objects.filter(action="ruleset_what_if").exists()


@pytest.mark.django_db
def test_only_an_admin_may_run_it(login, oh, officer):
    assert login(oh).get("/admin/wellbeing/ruleset/what-if/").status_code == 403
