"""The learner's journey: assignments, progress, resuming, the knowledge check (pass mark,
retries, feedback on wrong answers), completion, feedback once, and the certificate."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from training import services
from training.models import Assignment, Completion, Feedback, QuizAttempt
from training.tests.factories import answers_for


@pytest.fixture
def assignment(module, officer):
    services.assignment_create_many(module=module, people=[officer], due_on=None)
    return Assignment.objects.get(person=officer)


def _quiz_post(version, right=True):
    data = {}
    for question_id, choices in answers_for(version, right=right).items():
        data[f"q{question_id}"] = [str(c) for c in choices]
    return data


def test_the_index_lists_open_training_with_progress(login, assignment, officer):
    html = login(officer).get("/training/").content.decode()
    assert "Module test-module" in html and "0 of 3 lessons read" in html and "Start" in html


def test_reading_lessons_records_progress_and_resume_points_to_the_next_unread(login, assignment, officer):
    client = login(officer)
    assert client.get(f"/training/{assignment.pk}/lessons/1/").status_code == 200
    assignment.refresh_from_db()
    assert assignment.started_at is not None and assignment.version_id == assignment.module.current_version_id
    html = client.get("/training/").content.decode()
    assert "1 of 3 lessons read" in html and "Resume" in html
    html = client.get(f"/training/{assignment.pk}/").content.decode()
    assert "Resume where you left off" in html and f"/training/{assignment.pk}/lessons/2/" in html


def test_reading_a_lesson_twice_counts_once(login, assignment, officer):
    client = login(officer)
    client.get(f"/training/{assignment.pk}/lessons/1/")
    client.get(f"/training/{assignment.pk}/lessons/1/")
    assert assignment.lesson_views.count() == 1


def test_the_knowledge_check_waits_until_every_lesson_is_read(login, assignment, officer):
    response = login(officer).get(f"/training/{assignment.pk}/check/")
    assert response.status_code == 302


def test_a_failed_attempt_explains_the_wrong_answers_and_allows_a_retry(login, assignment, officer):
    client = login(officer)
    for order in (1, 2, 3):
        client.get(f"/training/{assignment.pk}/lessons/{order}/")
    version = assignment.module.current_version
    html = client.post(f"/training/{assignment.pk}/check/", _quiz_post(version, right=False)).content.decode()
    assert "You scored 0%." in html and "Because the lesson said so." in html and "Try again" in html
    assignment.refresh_from_db()
    assert assignment.completed_at is None
    html = client.post(f"/training/{assignment.pk}/check/", _quiz_post(version)).content.decode()
    assert "You scored 100%." in html and "completed the module" in html
    assert QuizAttempt.objects.filter(assignment=assignment).count() == 2
    completion = Completion.objects.get(assignment=assignment)
    assert completion.score == 100 and completion.version == version


def test_an_unanswered_question_is_marked_and_nothing_is_scored(login, assignment, officer):
    client = login(officer)
    for order in (1, 2, 3):
        client.get(f"/training/{assignment.pk}/lessons/{order}/")
    html = client.post(f"/training/{assignment.pk}/check/", {}).content.decode()
    assert "Choose an answer to question 1." in html and "Choose at least one answer to question 2." in html
    assert not QuizAttempt.objects.exists()


def test_a_completed_module_cannot_be_submitted_again(assignment):
    version = assignment.module.current_version
    services.quiz_submit(assignment=assignment, answers=answers_for(version))
    with pytest.raises(ValidationError):
        services.quiz_submit(assignment=assignment, answers=answers_for(version))
    assert Completion.objects.count() == 1


def test_feedback_is_taken_once_per_completion(login, assignment, officer):
    version = assignment.module.current_version
    services.quiz_submit(assignment=assignment, answers=answers_for(version))
    completion = Completion.objects.get()
    client = login(officer)
    html = client.get("/training/").content.decode()
    assert "Give feedback" in html
    response = client.post(f"/training/completions/{completion.pk}/feedback/",
                           {"satisfaction": "4", "would_recommend": "yes", "comment": "Helpful."})
    assert response.status_code == 302
    response = client.post(f"/training/completions/{completion.pk}/feedback/",
                           {"satisfaction": "1", "would_recommend": "no", "comment": "Second go"})
    assert response.status_code == 302
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().satisfaction == 4
    with pytest.raises(ValidationError, match="already given feedback"):
        services.feedback_create(completion=completion, satisfaction=3, would_recommend=True)
    assert "Give feedback" not in client.get("/training/").content.decode()


def test_feedback_needs_a_satisfaction_answer(login, assignment, officer):
    services.quiz_submit(assignment=assignment, answers=answers_for(assignment.module.current_version))
    completion = Completion.objects.get()
    response = login(officer).post(f"/training/completions/{completion.pk}/feedback/", {"comment": "kept text"})
    html = response.content.decode()
    assert response.status_code == 200 and "kept text" in html
    # Updated (issue 17): the GOV.UK error summary, with messages that say what to choose.
    assert '<a href="#id_satisfaction_0">Choose how satisfied you were with this module</a>' in html
    assert "Choose yes if you would recommend the module to a colleague, or no" in html
    assert "<title>Error: " in html
    assert not Feedback.objects.exists()


def test_the_certificate_is_a_print_page_for_the_learner_only(login, assignment, officer, teammate):
    services.quiz_submit(assignment=assignment, answers=answers_for(assignment.module.current_version))
    completion = Completion.objects.get()
    html = login(officer).get(f"/training/certificates/{completion.code}/").content.decode()
    # The name as the page writes it: Faker's names include apostrophes (O'Neill), which are escaped.
    assert "Certificate of completion" in html and escape(officer.get_full_name()) in html
    assert "training-certificate.css" in html
    assert login(teammate).get(f"/training/certificates/{completion.code}/").status_code == 404


def test_another_persons_training_looks_like_nothing(login, assignment, teammate):
    client = login(teammate)
    for url in (f"/training/{assignment.pk}/", f"/training/{assignment.pk}/lessons/1/",
                f"/training/{assignment.pk}/check/"):
        assert client.get(url).status_code == 404, url


def test_the_learner_page_has_a_fixed_number_of_queries(login, officer, trainer, django_assert_num_queries):
    from training.tests.factories import make_module

    client = login(officer)
    services.assignment_create_many(module=make_module(trainer, slug="m1"), people=[officer], due_on=None)
    client.get("/training/")
    with django_assert_num_queries(6) as ctx:
        client.get("/training/")
    for n in range(2, 6):
        services.assignment_create_many(module=make_module(trainer, slug=f"m{n}"), people=[officer], due_on=None)
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get("/training/")
