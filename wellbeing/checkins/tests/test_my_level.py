"""The officer sees their own current level and its reasons, in their own words."""

from wellbeing.tests.factories import RiskAssessmentFactory


def make(officer, level="amber", codes=("exposure_load_rising",)):
    return RiskAssessmentFactory(officer=officer, level=level, codes=codes)


def test_it_shows_the_current_level_and_the_reasons_in_calm_words(client, officer):
    make(officer, "red", ("exposure_load_rising", "screen_over_cutoff"))
    client.force_login(officer)
    html = client.get("/wellbeing/").content.decode()
    assert "How things look" in html and "Red" in html
    assert "Your recent exposure has been higher than your own usual." in html
    assert "scored above the level where talking to someone may help" in html
    assert "it is not a diagnosis" in html


def test_it_shows_an_empty_state_before_any_assessment(client, officer):
    client.force_login(officer)
    assert "a summary of how things look will appear here" in client.get("/wellbeing/").content.decode()


def test_another_officers_level_never_shows(client, officer, teammate):
    make(teammate, "urgent", ("phq9_item9",))
    client.force_login(officer)
    html = client.get("/wellbeing/").content.decode()
    assert "Please talk to someone today" not in html and "Urgent" not in html
