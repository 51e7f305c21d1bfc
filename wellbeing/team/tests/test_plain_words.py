"""Issue 17: recent exposure in words for people, not models. The officer's panel and the
supervisor's person and trends pages say "recent exposure", never "dose", "decayed", "steady state"
or "ratio", and "How is this worked out?" gives the numbers of the rules in force and of the dose
weights, never numbers written into a template."""

import re

import pytest

from exposure import dose
from wellbeing.models import RuleSet
from wellbeing.risk.rules import DEFAULT_RULES
from wellbeing.tests.team_helpers import exposure

JARGON = re.compile(r"\b(dose|doses|decayed|decay|steady state|ratio|band)\b", re.IGNORECASE)


def visible_text(html: str) -> str:
    """The page's text as read: no scripts (chart data), no tags, no attribute values."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def rules(db):
    return RuleSet.objects.create(version=1, rules={**DEFAULT_RULES, "dose_half_life_days": 10.0,
                                                    "own_ratio_amber": 1.25, "peer_ratio_amber": 1.75,
                                                    "peer_ratio_red": 3.0, "min_peers": 4})


def how_worked_out(html: str) -> str:
    match = re.search(r'<details class="how-worked-out.*?</details>', html, flags=re.DOTALL)
    assert match, "no \"How is this worked out?\" on the page"
    return " ".join(visible_text(match.group(0)).split())


def test_misleading_result_wording_the_officer_reads_recent_exposure_and_how_it_is_worked_out(
        login, officer, rules):
    exposure(officer, days_ago=3, dose=4.0)
    html = login(officer).get("/exposure/").content.decode()
    text = visible_text(html)
    assert "Your recent exposure" in text and "Recent exposure at week end" in text
    assert "Exposure logged that week" in text
    assert JARGON.findall(text) == []
    how = how_worked_out(html)
    assert "How is this worked out?" in how
    assert "After 10 days an exposure counts half as much, after 20 days a quarter" in how
    assert "at least 1.25 times that" in how and "your own average of the 12 weeks before the last 14 days" in how
    assert f"A critical incident counts {dose.CRITICAL_INCIDENT_FACTOR:g} times as much." in how
    assert f"counts as {dose.DEFAULT_MINUTES} minutes" in how
    assert "takes 20% off" in how and "takes 10% off, up to 40% in all" in how
    # the officer is told about their own usual only, not the comparison with their role
    assert "middle person" not in how
    # the chart is drawn on the server (an SVG): its title and axis are text in the page
    svg = re.search(r'<svg class="line-chart".*?</svg>', html, re.DOTALL).group(0)
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    assert "Recent exposure (older counts less)" in labels and "Recent exposure, last 90 days" in labels
    assert [label for label in labels if JARGON.search(label)] == []


@pytest.mark.parametrize("path", ["/team/people/{pk}/", "/team/trends/"])
def test_misleading_result_wording_the_supervisor_reads_recent_exposure_and_how_it_is_worked_out(
        login, supervisor, officer, rules, path):
    exposure(officer, days_ago=3, dose=4.0)
    html = login(supervisor).get(path.format(pk=officer.pk)).content.decode()
    text = visible_text(html)
    assert JARGON.findall(text) == []
    how = how_worked_out(html)
    assert "After 10 days an exposure counts half as much" in how
    assert "It reads \"above their usual\" when it is at least 1.25 times that" in how
    assert "at least 4 people hold that role): 1.75 times theirs or more raises amber, 3 times or more raises red" \
        in how


def test_the_charts_axes_are_plain_words(login, supervisor, officer, rules):
    exposure(officer, days_ago=3, dose=4.0)
    person = login(supervisor).get(f"/team/people/{officer.pk}/").context["charts"]["charts"]
    trends = login(supervisor).get("/team/trends/").context["charts"]["charts"]
    titles = [c["yTitle"] for c in person + trends]
    assert "Recent exposure" in titles and "Exposure logged" in titles
    assert [t for t in titles if JARGON.search(str(t))] == []
