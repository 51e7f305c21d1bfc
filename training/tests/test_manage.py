"""Trainer pages: authoring and versions, records and their audit, reports, exports, query counts,
and the rule that trainers never see wellbeing data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from portal.models import AuditEvent
from tests.factories import OfficerFactory
from training import services
from training.models import Assignment, Completion, Feedback, Module
from training.tests.factories import QUIZ, answers_for, make_module

TRAINER_PAGES = [
    "/training/manage/", "/training/manage/assign/", "/training/manage/rules/", "/training/manage/people/",
    "/training/manage/enrol/", "/training/manage/reports/", "/training/manage/modules/new/",
]


def _complete(module, person, satisfaction=None, comment=""):
    services.assignment_create_many(module=module, people=[person], due_on=None, notify=False)
    assignment = Assignment.objects.get(module=module, person=person, completed_at__isnull=True)
    services.quiz_submit(assignment=assignment, answers=answers_for(module.current_version))
    completion = Completion.objects.get(assignment=assignment)
    if satisfaction:
        services.feedback_create(completion=completion, satisfaction=satisfaction, would_recommend=True,
                                 comment=comment)
    return completion


# ----------------------------------------------------------------------------- authoring

def test_a_trainer_writes_and_publishes_a_module_in_the_browser(login, trainer):
    client = login(trainer)
    response = client.post("/training/manage/modules/new/", {
        "slug": "fresh", "title": "Fresh module", "summary": "s", "introduction": "i", "sources": "- src",
        "duration_minutes": 30, "pass_mark": 80,
    })
    module = Module.objects.get(slug="fresh")
    assert response.status_code == 302 and module.status == Module.Status.DRAFT
    assert module.organisation == trainer.organisation
    client.post(f"/training/manage/modules/{module.pk}/status/", {"status": "published"})
    module.refresh_from_db()
    assert module.status == Module.Status.DRAFT  # no lessons yet: refused
    client.post(f"/training/manage/modules/{module.pk}/lessons/new/", {"title": "L1", "body": "Body **one**."})
    client.post(f"/training/manage/modules/{module.pk}/check/", {"text": QUIZ})
    client.post(f"/training/manage/modules/{module.pk}/status/", {"status": "published"})
    module.refresh_from_db()
    assert module.status == Module.Status.PUBLISHED
    assert module.current_version.lessons.get().title == "L1"
    assert module.current_version.questions.count() == 2


def test_publishing_without_lessons_gives_a_clear_message(login, trainer):
    module = make_module(trainer, slug="nolessons", lessons=0, publish=False)
    response = login(trainer).post(f"/training/manage/modules/{module.pk}/status/", {"status": "published"},
                                   follow=True)
    assert "needs at least one lesson before it can be published" in response.content.decode()


def test_a_quiz_with_no_correct_answer_is_refused_and_the_text_kept(login, trainer, module):
    text = "Q: Which?\n- a\n- b\n"
    response = login(trainer).post(f"/training/manage/modules/{module.pk}/check/", {"text": text})
    html = response.content.decode()
    assert "Question 1: mark at least one answer as correct" in html and "Q: Which?" in html
    assert module.current_version.questions.count() == 2


def test_editing_a_started_version_makes_a_new_version(login, trainer, module, officer):
    services.assignment_create_many(module=module, people=[officer], due_on=None)
    assignment = Assignment.objects.get()
    first_lesson = module.current_version.lessons.get(order=1)
    services.lesson_view_record(assignment=assignment, lesson=first_lesson)
    login(trainer).post(f"/training/manage/modules/{module.pk}/lessons/1/", {"title": "New", "body": "Changed."})
    module.refresh_from_db()
    assert module.current_version.number == 2
    assert module.current_version.lessons.get(order=1).body == "Changed."
    assert module.current_version.lessons.count() == 3 and module.current_version.questions.count() == 2
    first_lesson.refresh_from_db()
    assert first_lesson.body == "Body of lesson 1."  # what the officer read is unchanged
    assert login(officer).get(f"/training/{assignment.pk}/lessons/1/").content.decode().count("Body of lesson 1.") == 1


def test_editing_an_unstarted_version_changes_it_in_place(login, trainer, module):
    login(trainer).post(f"/training/manage/modules/{module.pk}/lessons/2/", {"title": "T", "body": "Edited."})
    module.refresh_from_db()
    assert module.current_version.number == 1 and module.current_version.lessons.get(order=2).body == "Edited."


def test_deleting_a_lesson_renumbers_the_rest_and_spares_started_versions(login, trainer, module, officer):
    services.assignment_create_many(module=module, people=[officer], due_on=None)
    assignment = Assignment.objects.get()
    services.lesson_view_record(assignment=assignment, lesson=module.current_version.lessons.get(order=1))
    login(trainer).post(f"/training/manage/modules/{module.pk}/lessons/2/delete/")
    module.refresh_from_db()
    assert module.current_version.number == 2
    assert list(module.current_version.lessons.values_list("order", "title")) == [(1, "Lesson 1"), (2, "Lesson 3")]
    assert assignment.version.lessons.count() == 3


def test_the_last_lesson_of_a_published_module_cannot_be_deleted(login, trainer):
    module = make_module(trainer, slug="single", lessons=1)
    response = login(trainer).post(f"/training/manage/modules/{module.pk}/lessons/1/delete/", follow=True)
    assert "needs at least one lesson" in response.content.decode()
    assert module.current_version.lessons.count() == 1


def test_modules_of_another_force_are_hidden_from_trainers(login, trainer, other_force):
    other_trainer = OfficerFactory(organisation=other_force, is_trainer=True)
    theirs = make_module(other_trainer, slug="theirs")
    client = login(trainer)
    assert client.get(f"/training/manage/modules/{theirs.pk}/").status_code == 404
    assert "theirs" not in client.get("/training/manage/").content.decode()


def test_modules_of_another_force_cannot_be_assigned_or_used_in_rules(login, trainer, other_force, officer):
    other_trainer = OfficerFactory(organisation=other_force, is_trainer=True)
    theirs = make_module(other_trainer, slug="theirs")
    client = login(trainer)
    response = client.post("/training/manage/assign/", {"module": theirs.pk, "target": "person",
                                                        "person": officer.pk})
    assert "Select a valid choice" in response.content.decode()
    response = client.post("/training/manage/rules/", {"organisation": trainer.organisation_id,
                                                       "trigger": "has_role", "high_risk_role": "cse_review",
                                                       "module": theirs.pk})
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.exists()


def test_lesson_markdown_is_rendered_safely_for_learners(login, trainer, officer):
    module = make_module(trainer, slug="xss")
    module.current_version.lessons.filter(order=1).update(body="Hi <script>alert(1)</script> <b onclick=x>b</b>")
    services.assignment_create_many(module=module, people=[officer], due_on=None)
    html = login(officer).get(f"/training/{Assignment.objects.get().pk}/lessons/1/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html and "<b onclick" not in html


# ----------------------------------------------------------------------------- records and access

def test_a_trainer_views_a_trainees_record_and_it_is_audited(login, trainer, module, officer):
    services.assignment_create_many(module=module, people=[officer], due_on=None)
    html = login(trainer).get(f"/training/manage/people/{officer.pk}/").content.decode()
    assert "Module test-module" in html and "Not started" in html
    event = AuditEvent.objects.get(action="training_record_view")
    assert event.actor == trainer and event.subject == officer


def test_people_outside_the_trainers_organisations_are_404(login, trainer, foreign_officer):
    assert login(trainer).get(f"/training/manage/people/{foreign_officer.pk}/").status_code == 404
    assert foreign_officer.username not in login(trainer).get("/training/manage/people/").content.decode()


@pytest.mark.parametrize("url", TRAINER_PAGES)
def test_trainer_pages_are_closed_to_other_roles(login, officer, supervisor, oh, url):
    for user in (officer, supervisor, oh):
        assert login(user).get(url).status_code == 403


def test_trainers_see_no_wellbeing_data_on_any_training_page(login, trainer, module, officer):
    from exposure.models import ExposureCategory, ShiftLog
    from exposure.tests.factories import ExposureFactory

    shift = ShiftLog.objects.create(officer=officer, shift_date="2026-11-01", start_time="08:00",
                                    duration_minutes=60, role="call_handling")
    category = ExposureCategory.objects.create(role="call_handling", code="child", name="SECRET-CATEGORY")
    ExposureFactory(shift=shift, officer=officer, shift_date=shift.shift_date, role="call_handling",
                    category=category, intensity=5, minutes=None, critical_incident=True,
                    detail={"n": "SECRET-DETAIL"})
    completion = _complete(module, officer, satisfaction=4, comment="Good")
    client = login(trainer)
    pages = TRAINER_PAGES + [
        f"/training/manage/people/{officer.pk}/", f"/training/manage/modules/{module.pk}/",
        "/training/manage/reports/completion.csv", "/training/manage/reports/evaluation.csv",
        "/training/manage/reports/reach.csv", "/training/", f"/training/certificates/{completion.code}/",
    ]
    with CaptureQueriesContext(connection) as ctx:
        bodies = []
        for url in pages:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            bodies.append(b"".join(response.streaming_content) if response.streaming else response.content)
    sql = " ".join(q["sql"].lower() for q in ctx.captured_queries)
    # table names are quoted in the SQL ("wellbeing_flag"); a user column such as is_wellbeing_lead is not a table
    for table in ('"exposure_', '"wellbeing_', "checkin", "riskassessment", "flag"):
        assert table not in sql, table
    text = b" ".join(bodies).decode()
    for word in ("SECRET-CATEGORY", "SECRET-DETAIL", "Critical incident", "risk level", "check-in score"):
        assert word not in text


# ----------------------------------------------------------------------------- reports and exports

def test_reports_show_completion_overdue_evaluation_and_reach(login, trainer, module, officer, teammate,
                                                             outsider):
    _complete(module, officer, satisfaction=4, comment="Very useful")
    _complete(module, teammate, satisfaction=2)
    services.assignment_create_many(module=module, people=[outsider], due_on=None)
    Assignment.objects.filter(person=outsider).update(due_on="2020-01-01")
    html = login(trainer).get("/training/manage/reports/").content.decode()
    assert "2 evaluations: 50.0% satisfied or very satisfied" in html
    assert "Very useful" not in html  # fewer than 5 responses: comments hidden
    assert "Fewer than 5 responses: comments hidden to protect anonymity." in html
    assert "People trained: 2. Organisations reached: 1. Completions: 2." in html
    assert 'id="training-chart-data"' in html and "training-reports.js" in html
    # each cell names its column, for the stacked rows on a phone
    assert ('<td data-label="Assigned">3</td><td data-label="Completed">2</td><td data-label="Completed (%)">66.7</td>'
            '<td data-label="Open">1</td><td data-label="Overdue">1</td>') in html.replace("\n", "").replace("  ", "")


def test_evaluation_percentages_on_a_known_set(trainer, force, team_a):
    from training import selectors

    module = make_module(trainer)
    levels = [4] * 6 + [3] * 3 + [2]
    for n, level in enumerate(levels):
        _complete(module, OfficerFactory(organisation=force, team=team_a, username=f"p{n}"), satisfaction=level)
    overall = selectors.evaluation_report(trainer)["overall"]
    assert overall.count == 10 and overall.satisfied_pct == 90.0
    assert overall.distribution == {1: 0, 2: 1, 3: 3, 4: 6}
    assert overall.recommend_pct == 100.0


def test_the_reports_page_has_a_fixed_number_of_queries(login, trainer, force, team_a, django_assert_num_queries):
    module = make_module(trainer)
    client = login(trainer)
    for _ in range(5):  # comments show from 5 responses: both measurements include them
        _complete(module, OfficerFactory(organisation=force, team=team_a), satisfaction=4, comment="a")
    client.get("/training/manage/reports/")
    with CaptureQueriesContext(connection) as small:
        client.get("/training/manage/reports/")
    for _ in range(6):
        _complete(module, OfficerFactory(organisation=force, team=team_a), satisfaction=3, comment="b")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/training/manage/reports/")


def test_the_people_page_has_a_fixed_number_of_queries(login, trainer, force, team_a, module,
                                                      django_assert_num_queries):
    client = login(trainer)
    client.get("/training/manage/people/")
    with CaptureQueriesContext(connection) as small:
        client.get("/training/manage/people/")
    for _ in range(5):
        person = OfficerFactory(organisation=force, team=team_a)
        services.assignment_create_many(module=module, people=[person], due_on=None, notify=False)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/training/manage/people/")


def test_csv_export_is_audited_and_neutralises_formulas(login, trainer, module, officer, force, team_a):
    _complete(module, officer, satisfaction=4, comment="=HYPERLINK(\"http://evil\")")
    for _ in range(4):  # comments are exported only for modules with 5 or more responses
        _complete(module, OfficerFactory(organisation=force, team=team_a), satisfaction=3)
    response = login(trainer).get("/training/manage/reports/evaluation.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="training-evaluation-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Module"
    comment_cells = [row[2] for row in rows if len(row) == 3 and "HYPERLINK" in row[2]]
    assert comment_cells == ["'=HYPERLINK(\"http://evil\")"]
    event = AuditEvent.objects.get(action="training_export")
    assert event.actor == trainer and event.detail["report"] == "evaluation" and event.detail["format"] == "csv"


def test_xlsx_export_opens_and_holds_the_completion_figures(login, trainer, module, officer):
    _complete(module, officer)
    response = login(trainer).get("/training/manage/reports/completion.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Grouped by", "Group", "Assigned", "Completed")
    assert ("module", "Module test-module", 1, 1, 0, 0, 100) in rows


def test_exports_cover_only_the_trainers_organisations(login, trainer, other_force, module):
    foreign = OfficerFactory(organisation=other_force, username="foreign_learner")
    _complete(module, foreign, satisfaction=1)
    body = b"".join(login(trainer).get("/training/manage/reports/reach.csv").streaming_content).decode()
    assert "Otherland" not in body
    assert Feedback.objects.count() == 1


def test_unknown_exports_are_404(login, trainer):
    assert login(trainer).get("/training/manage/reports/secrets.csv").status_code == 404
    assert login(trainer).get("/training/manage/reports/reach.pdf").status_code == 404


def test_the_module_list_has_a_fixed_number_of_queries(login, trainer, django_assert_num_queries):
    client = login(trainer)
    make_module(trainer, slug="first")
    client.get("/training/manage/")
    with CaptureQueriesContext(connection) as small:
        client.get("/training/manage/")
    for n in range(4):
        make_module(trainer, slug=f"more-{n}")
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get("/training/manage/").content.decode()
    assert html.count("/training/manage/modules/") >= 5


def test_learner_forms_say_who_sees_the_answers(login, officer, trainer):
    module = make_module(trainer)
    completion = _complete(module, officer)
    html = login(officer).get(f"/training/completions/{completion.pk}/feedback/").content.decode()
    assert "They never see your shifts or check-ins." in html
