"""Issue 17: the trainer's report charts on a phone (390 px). Module names are long, so the
completion chart draws horizontal bars whose names wrap (shortened past two lines, the full name
in the hover text and in the table below); nothing is clipped and the page never scrolls sideways."""

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_small_screens import PHONE, assert_no_sideways_scrolling
from training.models import Module
from training.services import assignment_create_many, content_load

# Every tick label of a chart, and the chart's own box: each label's box must sit inside it.
TICKS_INSIDE = """(id) => {
  const chart = document.getElementById(id).getBoundingClientRect();
  return [...document.querySelectorAll('#' + id + ' .ytick text, #' + id + ' .xtick text')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, inside: b.left >= chart.left - 1 && b.right <= chart.right + 1
            && b.top >= chart.top - 1 && b.bottom <= chart.bottom + 1};
  });
}"""


def test_the_completion_chart_fits_a_phone_with_every_module_name_inside(
    transactional_db, page, sign_in, screenshot, trainer, officer, teammate
):
    content_load()
    for module in Module.objects.all():
        assignment_create_many(module=module, people=[officer, teammate], due_on=None, notify=False)
    page.set_viewport_size(PHONE)
    sign_in(page, trainer)
    page.goto("/training/manage/reports/")
    page.locator("#completion-chart .main-svg").first.wait_for()
    screenshot(page, "training-reports-390")
    page.locator("#completion-chart").screenshot(path=str(SCREENSHOTS / "training-reports-390-chart.png"))
    assert_no_sideways_scrolling(page)
    drawn = page.evaluate("() => [...document.querySelectorAll('.training-chart:not([hidden])')].map(c => c.id)")
    assert "completion-chart" in drawn
    for chart in drawn:
        labels = page.evaluate(TICKS_INSIDE, chart)
        assert labels, chart
        assert [label for label in labels if not label["inside"]] == [], chart
    # A long name is shortened on the chart, never lost: the table names it in full.
    table = page.get_by_role("table", name="Completion by module")
    expect(table).to_contain_text("Tactical operations and command for counter-terrorism", use_inner_text=True)
