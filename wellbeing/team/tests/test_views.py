"""The team pages as a supervisor uses them: who needs attention first, sorting and filtering, the
flag page, recording actions, outcomes and the export."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from portal.models import AuditEvent
from wellbeing.models import Flag, WelfareAction
from wellbeing.team.selectors import reason_categories, sort_and_filter, team_rows, week_starts
from wellbeing.tests.helpers import make_checkin
from wellbeing.tests.team_helpers import assess, exposure, flag


def names_in_order(content, people):
    positions = {p.get_full_name(): content.index(escape(p.get_full_name())) for p in people}
    return sorted(positions, key=positions.get)


def test_the_flagged_person_comes_first(login, supervisor, officer, teammate):
    assess(teammate, "green", ())
    assess(officer, "amber")
    flag(officer)
    content = login(supervisor).get("/team/").content.decode()
    assert names_in_order(content, [officer, teammate]) == [officer.get_full_name(), teammate.get_full_name()]
    assert "Exposure load high for the role" in content
    assert "1 flag waiting for you to acknowledge" in content


def test_an_urgent_flag_outranks_a_higher_level(login, supervisor, officer, teammate):
    assess(officer, "red")
    assess(teammate, "amber", ("phq9_item9",))
    flag(teammate, "phq9_item9", urgent=True)
    flag(officer)
    rows = team_rows(supervisor.supervised_teams.get().members.all())
    assert [r.person.pk for r in rows] == [teammate.pk, officer.pk]


def test_clinical_reasons_appear_only_as_welfare_contact():
    reasons = [{"code": "screen_over_cutoff"}, {"code": "exposure_load_high"}, {"code": "pulse_falling"},
               {"code": "exposure_load_high"}, {"code": "retired_code"}]
    assert reason_categories(reasons) == ["Exposure load high for the role", "Welfare contact recommended"]
    assert reason_categories([]) == []


def test_sorting_and_filtering(login, supervisor, officer, teammate):
    assess(officer, "green", ())
    assess(teammate, "red")
    rows = team_rows(supervisor.supervised_teams.get().members.all())
    assert [r.person.pk for r in sort_and_filter(rows, level="amber")] == [teammate.pk]
    assert sort_and_filter(rows, flagged=True) == []
    by_name = sort_and_filter(rows, sort="name")
    assert [r.person.last_name for r in by_name] == sorted(r.person.last_name for r in rows)
    content = login(supervisor).get("/team/?level=red").content.decode()
    assert escape(teammate.get_full_name()) in content and escape(officer.get_full_name()) not in content


def test_the_table_escapes_what_people_typed_into_their_names(login, supervisor, officer):
    officer.first_name, officer.last_name = '<script>alert("x")</script>', "O'Neil & Sons"
    officer.save()
    assess(officer, "amber")
    flag(officer)
    content = login(supervisor).get("/team/").content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Neil &amp; Sons</a></th>" in content
    assert '<span class="visually-hidden"> flag for &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Neil' \
        in content


def test_bad_filter_values_show_every_one_with_a_message_never_a_500(login, supervisor, officer):
    response = login(supervisor).get("/team/?sort=%27;drop&level=purple&page=abc")
    assert response.status_code == 200
    content = response.content.decode()
    assert escape(officer.get_full_name()) in content and "Select a valid choice" in content


def test_an_empty_team_and_no_team_have_real_empty_states(login, supervisor, other_supervisor, team_b):
    assert "Nobody is in this team yet." in login(supervisor).get("/team/").content.decode()
    team_b.supervisors.remove(other_supervisor)
    assert "You do not supervise a team yet." in login(other_supervisor).get("/team/").content.decode()


def test_acknowledge_record_and_close_through_the_flag_page(login, supervisor, officer):
    f = flag(officer)
    client = login(supervisor)
    page = client.get(f"/team/flags/{f.pk}/")
    assert page.status_code == 200 and AuditEvent.objects.filter(action="team_flag_viewed").count() == 1
    client.post(f"/team/flags/{f.pk}/acknowledge/")
    client.post(f"/team/flags/{f.pk}/acknowledge/")
    assert Flag.objects.get(pk=f.pk).status == Flag.Status.ACKNOWLEDGED
    assert AuditEvent.objects.filter(action="flag_acknowledged").count() == 1
    response = client.post(f"/team/flags/{f.pk}/", {"kind": "welfare_conversation", "close_flag": "on"})
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.status == Flag.Status.CLOSED
    assert "Handled" in client.get(f"/team/flags/{f.pk}/").content.decode()


def test_a_flag_without_an_action_cannot_be_closed_from_the_page(login, supervisor, officer):
    f = flag(officer)
    response = login(supervisor).post(f"/team/flags/{f.pk}/close/", follow=True)
    assert "Record what was done before closing the flag." in response.content.decode()
    assert Flag.objects.get(pk=f.pk).status == Flag.Status.OPEN


def test_a_bad_action_form_keeps_what_was_typed_and_says_why(login, supervisor, officer):
    f = flag(officer)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = login(supervisor).post(f"/team/flags/{f.pk}/", {"follow_up_on": past})
    assert response.status_code == 400
    content = response.content.decode()
    assert "This field is required." in content and "Choose a date after today." in content
    assert f'value="{past}"' in content
    assert not WelfareAction.objects.exists()


def test_an_action_can_be_recorded_from_the_person_page_with_a_follow_up(login, supervisor, officer):
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = login(supervisor).post(f"/team/people/{officer.pk}/", {"kind": "peer_support", "follow_up_on": day})
    assert response.status_code == 302
    action = WelfareAction.objects.get()
    assert action.flag is None and action.follow_up_on.isoformat() == day


def test_outcomes_to_share_show_person_type_and_date_and_can_be_marked(login, supervisor, officer):
    call = exposure(officer, outcome_wanted=True)
    exposure(officer, outcome_wanted=False, days_ago=3)
    client = login(supervisor)
    content = client.get("/team/outcomes/").content.decode()
    assert escape(officer.get_full_name()) in content and call.category.name in content
    assert content.count("Mark as shared") == 1
    client.post(f"/team/outcomes/{call.pk}/shared/")
    after = client.get("/team/outcomes/").content.decode()
    assert "No outcome requests are waiting for an answer." in after and after.count("Mark as shared") == 0


def test_the_export_writes_an_audit_event(login, supervisor, officer):
    response = login(supervisor).get("/team/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert AuditEvent.objects.filter(action="team_exported").count() == 1


def test_trends_have_summaries_and_tables(login, supervisor, officer):
    exposure(officer, dose=4.0)
    assess(officer, "amber")
    content = login(supervisor).get("/team/trends/").content.decode()
    for chart in ("chart-exposure", "chart-completion", "chart-levels"):
        assert f'id="{chart}" class="team-chart" role="img"' in content
    assert "People at each level this week: amber 1, red 0; 1 at amber or above" in content
    assert content.count("Show the chart as a table") == 3


def test_weeks_run_monday_to_this_week():
    from datetime import date

    weeks = week_starts(date(2026, 11, 26), 3)
    assert weeks == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]


def test_the_dashboard_shows_the_load_ratios_the_engine_stored(login, supervisor, officer, teammate):
    # Updated: the dashboard used to work the load and usual out again with its own query; it now
    # shows the ratios stored on the current assessment (`exposure.load`), one definition for all.
    from wellbeing.models import RiskAssessment
    from wellbeing.risk.service import risk_recompute

    for n, days in enumerate([1, 5, 15, 40, 90]):
        exposure(officer, days_ago=days, dose=1.5 + n)
    exposure(teammate, days_ago=3, dose=4.0)
    risk_recompute(officer_ids=[officer.pk, teammate.pk])
    stored = RiskAssessment.objects.get(officer=officer, is_current=True).exposure
    assert stored["band"] in {"higher", "easing", "usual", "lower"} and stored["own_ratio"] is not None
    assert RiskAssessment.objects.get(officer=teammate, is_current=True).exposure["band"] == "no_history"
    content = login(supervisor).get("/team/").content.decode()
    assert f"{stored['own_ratio']}× their usual" in content
    assert "No usual yet" in content  # the teammate: nothing in the usual window to compare with


def test_the_inbox_puts_welfare_contacts_first_then_the_least_time_left(login, supervisor, officer, teammate):
    # Updated: it used to say "Urgent:" to the supervisor; a welfare contact now reads the same
    # whether urgent or not, and comes first.
    flag(officer, hours_left=30)
    flag(teammate, "checkins_overdue", hours_left=2)
    flag(officer, "phq9_item9", urgent=True, hours_left=40)
    content = login(supervisor).get("/team/flags/").content.decode()
    assert "Urgent" not in content
    urgent = content.index("Welfare contact recommended")
    soon = content.index("Check-ins overdue while exposure continues")
    later = content.index("Exposure load high for the role")
    assert urgent < soon < later
    assert "left to acknowledge" in content


def test_a_name_that_looks_like_a_formula_is_made_harmless_in_the_export(login, supervisor, officer):
    officer.first_name, officer.last_name = "=HYPERLINK(1)", ""
    officer.save()
    export = b"".join(login(supervisor).get("/team/export.csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in export


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement summary runs on PostgreSQL only")
def test_the_postgresql_summary_matches_the_portable_one(supervisor, officer, teammate, outsider):
    from wellbeing.models import RiskAssessment, RoleBaseline
    from wellbeing.team.selectors import members
    from wellbeing.team.summary import _summaries_portable, _summaries_postgresql

    now = timezone.now()
    from wellbeing.tests.factories import RiskAssessmentFactory

    RiskAssessmentFactory(officer=officer, computed_at=now - timedelta(days=2), level="green", score=0.0, codes=(),
                          is_current=False)
    assess(officer, "red", ("exposure_load_high", "screen_over_cutoff"), at=now - timedelta(hours=3))
    RiskAssessment.objects.filter(officer=officer, is_current=True).update(
        exposure={"band": "higher", "own_ratio": 1.7, "role_ratio": 2.6})
    for n, days in enumerate([1, 5, 15, 40, 90, 110, 120]):
        exposure(officer, days_ago=days, dose=1.5 + n, outcome_wanted=n == 2)
        exposure(teammate, days_ago=days + 2, dose=4.0, role="cse_review")
        exposure(outsider, days_ago=days, dose=9.0, role="firearms")
    for days in (0, 3, 29, 31, 200):
        make_checkin(officer, at=now - timedelta(days=days))
    make_checkin(teammate, "phq9", at=now - timedelta(days=1))
    WelfareAction.objects.create(officer=officer, recorded_by=supervisor, kind="other",
                                 recorded_at=now - timedelta(days=9), follow_up_on=timezone.localdate(now))
    WelfareAction.objects.create(officer=officer, recorded_by=supervisor, kind="peer_support",
                                 recorded_at=now - timedelta(days=1))
    RoleBaseline.objects.create(role="cse_review", median_load=12.5, officers=4)
    flag(officer)
    flag(officer, "phq9_item9", urgent=True, status=Flag.Status.ACKNOWLEDGED)
    flag(officer, "pulse_falling", status=Flag.Status.CLOSED)
    flag(outsider)
    team = supervisor.supervised_teams.get()

    def normal(rows):
        out = []
        for row in sorted(rows):
            values = list(row)
            if isinstance(values[6], str):
                values[6] = json.loads(values[6])
            values[-1] = sorted(values[-1])
            out.append(values)
        return out

    ours = normal(_summaries_postgresql(members(supervisor, team), now=now))
    portable = normal(_summaries_portable(members(supervisor, team), now=now))
    assert [row[0] for row in ours] == sorted([officer.pk, teammate.pk])
    for mine, theirs in zip(ours, portable, strict=True):
        assert mine == theirs
    assert ours[0][5] == "red" and ours[0][8] == 3 and ours[0][10] == "peer_support" and ours[0][13] == 1
    assert ours[0][-2] == {"band": "higher", "own_ratio": 1.7, "role_ratio": 2.6} and ours[1][-2] is None
    assert [f[1:4] for f in ours[0][-1]] == [("exposure_load_high", False, "open"),
                                             ("phq9_item9", True, "acknowledged")]
    assert ours[1][-1] == []
