"""Source markers and the "what this is and is not" notice on the learner's pages, and loading
changed content into a database that already has learners."""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from training import services
from training.models import Assignment, Lesson, LessonView, Module
from training.tests.factories import make_module

FIXTURE_ROOT = Path(__file__).resolve().parent / "fixtures" / "content-good"
NOTICE = "It is not TIPT or TRiM training and it is not clinical treatment."


@pytest.fixture
def content_root(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_ROOT, target)
    return target


@pytest.fixture
def shipped(db, content_root):
    services.content_load(root=content_root)
    return Module.objects.get(slug="fixture-module")


def _assign(module, person):
    services.assignment_create_many(module=module, people=[person], due_on=None)
    return Assignment.objects.get(person=person, module=module)


def test_a_lesson_shows_numbered_markers_and_its_sources_at_the_foot(login, shipped, officer):
    assignment = _assign(shipped, officer)
    html = login(officer).get(f"/training/{assignment.pk}/lessons/2/").content.decode()
    assert re.search(r'<sup><a aria-label="Source 1" href="#source-guide-two"[^>]*>1</a></sup>', html)
    assert '<li id="source-guide-two">Invented Charity, <em>An invented guide</em> (page three).' in html
    assert '<a href="https://example.org/guide-two" rel="noopener">' in html
    assert "source-report-one" not in html  # lesson 2 does not cite it
    assert "pale screens are offered as a suggestion, not cited." in html


def test_the_module_page_numbers_its_own_markers_and_lists_every_source(login, shipped, officer):
    assignment = _assign(shipped, officer)
    html = login(officer).get(f"/training/{assignment.pk}/").content.decode()
    assert re.search(r'aria-label="Source 1" href="#source-report-one"', html)
    assert '<li id="source-report-one">' in html and '<li id="source-guide-two">' in html
    assert "pale screens are offered as a suggestion" in html


def test_the_notice_shows_on_every_page_of_a_shipped_module(login, shipped, officer):
    assignment = _assign(shipped, officer)
    client = login(officer)
    for url in (f"/training/{assignment.pk}/", f"/training/{assignment.pk}/lessons/1/"):
        assert NOTICE in client.get(url).content.decode(), url


def test_no_notice_on_a_trainers_own_module_or_their_copy_of_a_shipped_one(login, shipped, officer, trainer):
    own = make_module(trainer)
    copy = services.module_copy(module=shipped, organisation=trainer.organisation, user=trainer)
    services.module_set_status(module=copy, status=Module.Status.PUBLISHED)
    client = login(officer)
    for module in (own, copy):
        assignment = _assign(module, officer)
        for url in (f"/training/{assignment.pk}/", f"/training/{assignment.pk}/lessons/1/"):
            response = client.get(url)
            assert response.status_code == 200 and NOTICE not in response.content.decode(), url


def test_a_trainers_lesson_with_an_unknown_marker_and_markup_renders_harmlessly(login, officer, trainer):
    module = make_module(trainer)
    Lesson.objects.filter(version=module.current_version, order=1).update(
        body='Our own claim [src:nowhere] and [src:"><script>alert(1)</script>].')
    assignment = _assign(module, officer)
    response = login(officer).get(f"/training/{assignment.pk}/lessons/1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Our own claim [src:nowhere]" in html and "<script>alert(1)" not in html
    assert 'href="#source-nowhere"' not in html


def test_quiz_explanations_cite_their_sources_on_the_result_page(login, shipped, officer):
    assignment = _assign(shipped, officer)
    client = login(officer)
    version = shipped.current_version
    for lesson in version.lessons.all():
        client.get(f"/training/{assignment.pk}/lessons/{lesson.order}/")
    wrong = {}
    for question in version.questions.prefetch_related("choices"):
        wrong[f"q{question.pk}"] = [str(c.pk) for c in question.choices.all() if not c.is_correct]
    html = client.post(f"/training/{assignment.pk}/check/", wrong).content.decode()
    assert 'href="#source-guide-two"' in html and '<li id="source-guide-two">' in html
    assert "[src:" not in html


def test_load_training_reloads_a_changed_lesson_and_learners_keep_their_records(
        shipped, content_root, officer, teammate):
    first = shipped.current_version
    started = _assign(shipped, officer)
    services.lesson_view_record(assignment=started, lesson=first.lessons.get(order=1))
    lesson_file = content_root / "fixture-module" / "01-planning.md"
    lesson_file.write_text(lesson_file.read_text().replace("Planning the day", "Planning the whole day"))

    out = StringIO()
    call_command("load_training", path=content_root, stdout=out)
    assert "1 modules checked, 1 new versions loaded." in out.getvalue()
    shipped.refresh_from_db()
    assert shipped.current_version_id != first.pk
    assert shipped.current_version.lessons.get(order=1).title == "Planning the whole day"

    started.refresh_from_db()
    assert started.version_id == first.pk  # part-way through: keeps the text they began
    assert LessonView.objects.filter(assignment=started).count() == 1
    assert services.version_for(_assign(shipped, teammate)).lessons.get(order=1).title == "Planning the whole day"

    call_command("load_training", path=content_root, stdout=out)
    assert "1 modules checked, 0 new versions loaded." in out.getvalue()
