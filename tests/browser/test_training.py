"""The training journey in a real browser: a trainer assigns module 1 to a team, an officer
completes it (lessons, knowledge check, feedback), and the trainer's report shows both."""

import datetime as dt

from django.utils import timezone

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
    assert page.locator("#id_person").is_hidden()  # only the chosen target's field shows
    page.locator("#id_team").select_option(label=str(officer.team))
    page.locator("#id_due_on").fill(due.isoformat())
    page.get_by_role("button", name="Assign", exact=True).click()
    page.wait_for_load_state()
    assert "Assigned to 2 people." in page.locator(".messages").inner_text()
    screenshot(page, "training-trainer-assigned")
    page.context.clear_cookies()

    # The officer reads every lesson, fails once, passes, and gives feedback.
    sign_in(page, officer)
    page.goto("/training/")
    assert "0 of 3 lessons read" in page.locator("main").inner_text()
    page.get_by_role("link", name=f"Start {module.title}").click()
    page.get_by_role("link", name="Start the first lesson").click()
    for _ in range(2):
        assert page.get_by_role("heading", level=1).is_visible()
        page.get_by_role("link", name="Next lesson").click()
    page.get_by_role("link", name="Go to the knowledge check").click()
    page.get_by_role("button", name="Submit answers").click()  # nothing chosen
    assert "Some questions have no answer yet" in page.locator("main").inner_text()

    for choice in Choice.objects.filter(question__version=module.current_version, is_correct=True):
        page.get_by_label(choice.text, exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()
    assert "You scored 100%." in page.locator("main").inner_text()
    screenshot(page, "training-officer-passed")

    page.get_by_role("link", name="Give feedback").click()
    page.get_by_label("Very satisfactory").check()
    page.get_by_label("Yes").check()
    page.get_by_label("Anything else you would like to tell us").fill("Letting go of calls was the useful part.")
    page.get_by_role("button", name="Send feedback").click()
    page.wait_for_load_state()
    assert "Thank you for your feedback." in page.locator(".messages").inner_text()
    page.get_by_role("link", name=f"Certificate for {module.title}").click()
    assert page.get_by_role("heading", level=1).inner_text() == officer.get_full_name()
    screenshot(page, "training-certificate")
    page.context.clear_cookies()

    # The trainer's report shows the completion and the evaluation.
    sign_in(page, trainer)
    page.goto("/training/manage/reports/")
    main = page.locator("main").inner_text()
    assert "1 evaluation: 100.0% satisfied or very satisfied" in main
    assert "Letting go of calls was the useful part." not in main  # one response: comments hidden
    assert "Fewer than 5 responses: comments hidden to protect anonymity." in main
    row = page.get_by_role("table", name="Completion by module").get_by_role("row", name=module.title)
    assert row.inner_text().split("\t")[1:4] == ["2", "1", "50.0"]
    page.locator("#completion-chart .main-svg").first.wait_for()  # plotly drew the chart
    screenshot(page, "training-reports")


def test_shipped_modules_read_only_html_in_a_module_title_is_plain_text_in_the_report_chart(
    transactional_db, page, sign_in, trainer, officer
):
    from training.services import assignment_create_many
    from training.tests.conftest import make_module

    module = make_module(trainer, slug="evil-title")
    module.current_version.title = '<a href="https://evil.example">x</a>'
    module.current_version.save()
    assignment_create_many(module=module, people=[officer], due_on=None, notify=False)
    sign_in(page, trainer)
    page.goto("/training/manage/reports/")
    page.locator("#completion-chart .main-svg").first.wait_for()
    chart = page.locator("#completion-chart")
    assert chart.locator("a").count() == 0  # plotly would have drawn a live link
    assert '<a href="https://evil.example">x</a>' in chart.locator(".xtick").first.text_content()
