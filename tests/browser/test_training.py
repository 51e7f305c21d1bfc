"""The training journey in a real browser: a trainer assigns module 1 to a team, an officer
completes it (lessons, knowledge check, feedback), and the trainer's report shows both."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from training.models import Choice, Module
from training.services import content_load


def test_a_trainer_assigns_module_1_and_an_officer_completes_it_with_quiz_and_feedback(
    transactional_db, page, sign_in, screenshot, trainer, officer, teammate
):
    content_load()
    module = Module.objects.get(slug="call-handling-trauma-resilience")
    due = timezone.localdate() + dt.timedelta(days=14)

    # The trainer assigns the module to team A.
    sign_in(page, trainer)
    page.goto("/training/manage/assign/")
    page.locator("#id_module").select_option(label=module.title)
    page.get_by_label("A team").check()
    expect(page.locator("#id_person")).to_be_hidden()  # only the chosen target's field shows
    page.locator("#id_team").select_option(label=str(officer.team))
    page.locator("#id_due_on").fill(due.isoformat())
    page.get_by_role("button", name="Assign", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Assigned to 2 people.", use_inner_text=True)
    screenshot(page, "training-trainer-assigned")
    page.context.clear_cookies()

    # The officer reads every lesson, fails once, passes, and gives feedback.
    sign_in(page, officer)
    page.goto("/training/")
    lessons = module.current_version.lessons.count()
    assert lessons >= 3
    expect(page.locator("main")).to_contain_text(f"0 of {lessons} lessons read", use_inner_text=True)
    page.get_by_role("link", name=f"Start {module.title}").click()
    page.get_by_role("link", name="Start the first lesson").click()
    for _ in range(lessons - 1):
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.get_by_role("link", name="Next lesson").click()
    page.get_by_role("link", name="Go to the knowledge check").click()
    page.get_by_role("button", name="Submit answers").click()  # nothing chosen
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("There is a problem", use_inner_text=True)
    expect(summary).to_contain_text("Choose an answer to question 1.", use_inner_text=True)
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Knowledge check"))

    for choice in Choice.objects.filter(question__version=module.current_version, is_correct=True):
        page.get_by_label(choice.text, exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("You scored 100%.", use_inner_text=True)
    screenshot(page, "training-officer-passed")

    page.get_by_role("link", name="Give feedback").click()
    page.get_by_label("Very satisfactory").check()
    page.get_by_label("Yes").check()
    page.get_by_label("Anything else you would like to tell us").fill("Letting go of calls was the useful part.")
    page.get_by_role("button", name="Send feedback").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Thank you for your feedback.", use_inner_text=True)
    page.get_by_role("link", name=f"Certificate for {module.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(officer.get_full_name(), use_inner_text=True)
    screenshot(page, "training-certificate")
    page.context.clear_cookies()

    # The trainer's report shows the completion and the evaluation.
    sign_in(page, trainer)
    page.goto("/training/manage/reports/")
    main = page.locator("main")
    expect(main).to_contain_text("1 evaluation: 100.0% satisfied or very satisfied", use_inner_text=True)
    # one response: comments hidden
    expect(main).not_to_contain_text("Letting go of calls was the useful part.", use_inner_text=True)
    expect(main).to_contain_text("Fewer than 5 responses: comments hidden to protect anonymity.", use_inner_text=True)
    row = page.get_by_role("table", name="Completion by module").get_by_role("row", name=module.title)
    cells = row.locator("th, td")  # the module, then assigned, completed and the completion rate
    for n, value in ((1, "2"), (2, "1"), (3, "50.0")):
        expect(cells.nth(n)).to_have_text(value, use_inner_text=True)
    page.locator("#completion-chart .main-svg").first.wait_for()  # plotly drew the chart
    screenshot(page, "training-reports")


def test_shipped_modules_read_only_html_in_a_module_title_is_plain_text_in_the_report_chart(
    transactional_db, page, sign_in, trainer, officer
):
    from training.services import assignment_create_many
    from training.tests.factories import make_module

    module = make_module(trainer, slug="evil-title")
    module.current_version.title = '<a href="https://evil.example">x</a>'
    module.current_version.save()
    assignment_create_many(module=module, people=[officer], due_on=None, notify=False)
    sign_in(page, trainer)
    page.goto("/training/manage/reports/")
    page.locator("#completion-chart .main-svg").first.wait_for()
    chart = page.locator("#completion-chart")
    expect(chart.locator("a")).to_have_count(0)  # plotly would have drawn a live link
    # The name is wrapped and shortened on the chart (the table names it in full), as plain text.
    expect(chart.locator(".ytick").first).to_contain_text('<a')
    expect(chart.locator(".ytick").first).to_contain_text('href="https://ev')
