"""The shift form when something is wrong (issue 17, GOV.UK error summary): a summary at the top
linking each message to the exact input, "Error: " in the title, and messages that name what to
enter on every count and minutes field of the four role forms."""

import re
from html import unescape

import pytest

from exposure.models import ExposureCategory, IntensityRubric, ShiftLog
from exposure.tests import helpers

URL = "/exposure/log/"


def _summary(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the page's error summary."""
    block = re.search(r'<div class="alert alert-danger error-summary" id="error-summary".*?</div>', html, re.S)
    assert block, "no error summary"
    return [(href, unescape(text)) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', block.group(0))]


def _title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def test_a_bad_count_is_listed_in_a_summary_that_links_to_its_exact_grid_cell(login, teammate):
    response = login(teammate).post(URL, helpers.cse_review(**{"cse_review-items_category_b_text": "-3"}))
    html = response.content.decode()
    assert response.status_code == 200 and not ShiftLog.objects.exists()
    assert "There is a problem" in html
    assert 'tabindex="-1"' in html and "js/error-summary.js" in html
    assert _summary(html) == [("#id_cse_review-items_category_b_text",
                               "Enter how many ‘Category B’ text or chat items you reviewed, or 0")]
    # The same message beside the cell, tied to it for screen readers.
    cell = re.search(r'<input[^>]*id="id_cse_review-items_category_b_text"[^>]*>', html).group(0)
    assert 'aria-describedby="id_cse_review-items_category_b_text_error_1"' in cell and "is-invalid" in cell
    assert 'id="id_cse_review-items_category_b_text_error_1"' in html
    assert _title(html).startswith("Error: Log a shift")


def test_the_summary_lists_every_error_in_page_order_and_links_radios_to_their_first_option(login, officer):
    data = helpers.call_handling(start_time="", **{
        "call_handling-calls_taken": "lots", "call_handling-count_child_at_risk": "-1",
        "call_handling-intensity": "9"})
    html = login(officer).post(URL, data).content.decode()
    assert _summary(html) == [
        ("#id_start_time", "Enter the time the shift started, for example 07:00"),
        ("#id_call_handling-calls_taken", "Enter how many calls you took in the shift, or 0"),
        ("#id_call_handling-count_child_at_risk", "Enter how many ‘Child at risk’ calls you took, or 0"),
        ("#id_call_handling-intensity_0", "Choose how intense it felt, from 1 to 5."),
    ]
    for href, _text in _summary(html):
        assert f'id="{href[1:]}"' in html  # each link leads to an element on the page


def test_a_page_without_errors_has_no_summary_and_no_error_in_its_title(login, officer):
    html = login(officer).get(URL).content.decode()
    assert 'id="error-summary"' not in html and "js/error-summary.js" not in html
    assert _title(html).startswith("Log a shift")


CALL_MESSAGES = [
    ("calls_taken", "Enter how many calls you took in the shift, or 0"),
    ("calls_without_break", "Enter the most calls you took in a row without a break, or 0"),
    ("count_threat_to_life", "Enter how many ‘Threat to life or suicide in progress’ calls you took, or 0"),
    ("count_death_serious_injury", "Enter how many ‘Death or serious injury’ calls you took, or 0"),
    ("count_child_at_risk", "Enter how many ‘Child at risk’ calls you took, or 0"),
    ("count_domestic_abuse", "Enter how many ‘Domestic abuse’ calls you took, or 0"),
    ("count_hostile_caller", "Enter how many ‘Caller hostile or threatening’ calls you took, or 0"),
    ("count_outcome_unknown", "Enter how many ‘Call ended with the outcome unknown’ calls you took, or 0"),
]


@pytest.mark.parametrize("value", ["-2", "many", "2.5"])
@pytest.mark.parametrize("field,message", CALL_MESSAGES)
def test_every_call_handling_count_says_what_to_enter(login, officer, field, message, value):
    html = login(officer).post(URL, helpers.call_handling(**{f"call_handling-{field}": value})).content.decode()
    assert (f"#id_call_handling-{field}", message) in _summary(html)
    assert "Enter a whole number." not in html


@pytest.mark.parametrize("code,name", [("category_a", "Category A"), ("category_b", "Category B"),
                                       ("category_c", "Category C")])
@pytest.mark.parametrize("media,items", [("image", "images"), ("video", "videos"), ("audio", "audio recordings"),
                                         ("text", "text or chat items")])
def test_every_cse_grid_cell_names_its_category_and_media_type(login, teammate, code, name, media, items):
    field = f"cse_review-items_{code}_{media}"
    html = login(teammate).post(URL, helpers.cse_review(**{field: "-1"})).content.decode()
    assert (f"#id_{field}", f"Enter how many ‘{name}’ {items} you reviewed, or 0") in _summary(html)
    too_many = login(teammate).post(URL, helpers.cse_review(**{field: "100001"})).content.decode()
    assert (f"#id_{field}", f"The number of ‘{name}’ {items} must be 100,000 or fewer: check the number."
            ) in _summary(too_many)


@pytest.mark.parametrize("role,field,message", [
    ("cse_review", "minutes", "Enter how many minutes you spent viewing, or 0"),
    ("firearms", "minutes", "Enter how many minutes you spent at the incident, or leave it empty"),
    ("counter_terrorism", "material_minutes",
     "Enter how many minutes you spent reviewing extremist or violent material, or 0"),
])
@pytest.mark.parametrize("value", ["-5", "an hour"])
def test_every_minutes_field_says_what_to_enter(login, officer, role, field, message, value):
    data = getattr(helpers, role)(**{f"{role}-{field}": value})
    html = login(officer).post(URL, data).content.decode()
    assert (f"#id_{role}-{field}", message) in _summary(html)
    assert "Enter a whole number" not in html


@pytest.mark.parametrize("role", ["firearms", "counter_terrorism"])
def test_the_firearms_and_counter_terrorism_choices_say_what_to_choose_all_at_once(login, outsider, role):
    data = getattr(helpers, role)(**{f"{role}-defined_task": "", f"{role}-intensity": ""})
    summary = _summary(login(outsider).post(URL, data).content.decode())
    assert (f"#id_{role}-defined_task", "Choose yes or no.") in summary
    assert (f"#id_{role}-intensity_0", "Choose how intense it felt, from 1 to 5.") in summary


def test_a_shift_length_that_is_not_a_number_says_what_to_enter(login, officer):
    html = login(officer).post(URL, helpers.call_handling(length_hours="eight")).content.decode()
    assert ("#id_length_hours", "Enter how many hours the shift lasted, for example 8 or 10.5") in _summary(html)


# Welsh (issue 17): category names and intensity descriptions are data, kept in both languages.

def _welsh(user):
    user.language = "cy"
    user.save(update_fields=["language"])
    return user


def test_in_welsh_the_shift_form_shows_welsh_category_names_and_intensity_descriptions(login, officer):
    html = login(_welsh(officer)).get(URL).content.decode()
    assert "Plentyn mewn perygl" in html and "Cam-drin domestig" in html  # call handling
    assert "Categori A" in html  # CSE grid
    assert "Digwyddiad arfog digymell" in html and "Mynychu safle ymosodiad" in html  # firearms, CT choices
    assert "Arferol: ni adawodd yr alwad unrhyw ôl" in html  # call handling intensity level 1
    assert "Arhosodd gyda mi ar ôl gweld y deunydd" in html  # CSE intensity level 3
    assert "Child at risk" not in html and "Routine: the call left no mark" not in html


def test_in_welsh_a_bad_count_names_the_category_in_welsh(login, officer):
    data = helpers.call_handling(**{"call_handling-count_child_at_risk": "-1"})
    html = login(_welsh(officer)).post(URL, data).content.decode()
    assert _title(html).startswith("Gwall:")
    assert any("‘Plentyn mewn perygl’" in text for _href, text in _summary(html))


def test_a_category_an_admin_adds_without_welsh_shows_in_english_and_with_welsh_in_welsh(login, officer):
    added = ExposureCategory.objects.create(role="call_handling", code="fire", name="Person trapped in a fire",
                                            order=99)
    client = login(_welsh(officer))
    assert "Person trapped in a fire" in client.get(URL).content.decode()
    added.name_cy = "Rhywun yn gaeth mewn tân"
    added.save()
    html = client.get(URL).content.decode()
    assert "Rhywun yn gaeth mewn tân" in html and "Person trapped in a fire" not in html


def test_a_rubric_a_force_rewords_in_english_only_falls_back_to_english(login, officer):
    IntensityRubric.objects.filter(role="call_handling", level=5).update(
        description="The worst call of my career", description_cy="")
    html = login(_welsh(officer)).get(URL).content.decode()
    assert "The worst call of my career" in html


def test_in_english_nothing_welsh_shows(login, officer):
    html = login(officer).get(URL).content.decode()
    assert "Child at risk" in html and "Plentyn mewn perygl" not in html
    assert "Routine: the call left no mark" in html


def test_misleading_result_wording_welsh_intensity_levels_keep_their_numbers_order_and_english_fallback(
        login, officer):
    # Hazard H6 (d): the level an officer picks feeds the dose, so the Welsh rubric must offer the same
    # five levels, numbered and ordered as in English, and never a blank level.
    IntensityRubric.objects.filter(role="call_handling", level=4).update(description_cy="")
    html = login(_welsh(officer)).get(URL).content.decode()
    block = html[html.index('id="role-call_handling"'):html.index('id="role-cse_review"')]
    labels = [unescape(t).strip() for t in re.findall(
        r'<input[^>]*name="call_handling-intensity"[^>]*>\s*<label[^>]*>([^<]+)</label>', block)]
    assert [label.split(" – ")[0] for label in labels] == ["1", "2", "3", "4", "5"]
    assert labels[0] == "1 – Arferol: ni adawodd yr alwad unrhyw ôl"
    assert labels[3] == "4 – Hard to put down; still on my mind after the shift"  # no Welsh: the English
    assert labels[4] == "5 – Ymhlith y pethau anoddaf i mi ddelio â nhw"
