"""The content loader: idempotent, versioned, and completions keep their version."""

import shutil

import pytest
from django.core.management import call_command

from training import services
from training.content import CONTENT_DIR, ContentError
from training.models import Assignment, Completion, Lesson, Module, ModuleVersion
from training.tests.factories import answers_for


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_loading_twice_creates_nothing_new(db, content_copy):
    first = services.content_load(root=content_copy)
    counts = (Module.objects.count(), ModuleVersion.objects.count(), Lesson.objects.count())
    second = services.content_load(root=content_copy)
    assert first["new_versions"] == 7 and second["new_versions"] == 0
    assert (Module.objects.count(), ModuleVersion.objects.count(), Lesson.objects.count()) == counts
    assert Module.objects.filter(status=Module.Status.PUBLISHED).count() == 7


def test_a_changed_file_makes_a_new_version_and_completions_keep_theirs(db, content_copy, officer):
    services.content_load(root=content_copy)
    module = Module.objects.get(slug="call-handling-trauma-resilience")
    v1 = module.current_version
    services.assignment_create_many(module=module, people=[officer], due_on=None)
    assignment = Assignment.objects.get(person=officer)
    for lesson in v1.lessons.all():
        services.lesson_view_record(assignment=assignment, lesson=lesson)
    services.quiz_submit(assignment=assignment, answers=answers_for(v1))

    lesson_file = sorted((content_copy / module.slug).glob("01-*.md"))[0]
    lesson_file.write_text(lesson_file.read_text() + "\nOne more paragraph added later.\n")
    summary = services.content_load(root=content_copy)

    module.refresh_from_db()
    assert summary["new_versions"] == 1
    assert module.current_version.number == 2
    assert "added later" in module.current_version.lessons.get(order=1).body
    completion = Completion.objects.get(person=officer)
    assert completion.version_id == v1.pk
    assert "added later" not in completion.version.lessons.get(order=1).body


def test_a_broken_module_stops_the_load_before_anything_is_written(db, content_copy):
    (content_copy / "call-handling-trauma-resilience" / "quiz.txt").write_text("Q: No right answer\n- a\n- b\n")
    with pytest.raises(ContentError, match="call-handling-trauma-resilience/quiz.txt: Question 1"):
        services.content_load(root=content_copy)
    assert Module.objects.count() == 0


def test_the_management_command_reports_what_it_did(db, content_copy, capsys):
    call_command("load_training", path=content_copy)
    call_command("load_training", path=content_copy)
    out = capsys.readouterr().out
    assert "7 modules checked, 7 new versions loaded." in out
    assert "7 modules checked, 0 new versions loaded." in out
