"""Parsing the content format, and the seven modules shipped with the portal."""

import pytest

from training.content import ContentError, parse_header, parse_lesson, parse_quiz, quiz_to_text, read_all

REQUIRED_SLUGS = {
    "call-handling-trauma-resilience", "viewing-explicit-digital-material", "tactical-command-counter-terrorism",
    "senior-investigating-officers", "trauma-processing-techniques", "secondary-trauma-awareness",
    "train-the-trainer",
}


def test_a_quiz_parses_into_questions_choices_and_explanations():
    questions = parse_quiz("Q: One?\n* yes\n- no\nWhy: because\n\nQ: Two?\n- a\n* b\n* c\n")
    assert [q.text for q in questions] == ["One?", "Two?"]
    assert [c.is_correct for c in questions[1].choices] == [False, True, True]
    assert questions[0].explanation == "because"


def test_a_question_with_no_correct_answer_is_refused_with_its_number():
    with pytest.raises(ContentError, match="Question 2: mark at least one answer as correct"):
        parse_quiz("Q: One?\n* yes\n- no\n\nQ: Two?\n- a\n- b\n")


@pytest.mark.parametrize("text,message", [
    ("Q: Only one answer\n* yes\n", "at least two answers"),
    ("- an answer without a question\n* yes\n", "must start with a line beginning 'Q:'"),
    ("Q: One?\n* yes\n- no\nnonsense line\n", "each line must start"),
    ("Q: One?\n* yes\nQ: Two?\n* a\n- b\n", "blank line must separate"),
    ("Q:\n* yes\n- no\n", "question text is empty"),
])
def test_malformed_quizzes_are_refused(text, message):
    with pytest.raises(ContentError, match=message):
        parse_quiz(text)


def test_quiz_text_round_trips():
    text = "Q: One?\n* yes\n- no\nWhy: because\n\nQ: Two?\n- a\n* b\n"
    assert quiz_to_text(parse_quiz(text)) == text


def test_a_header_is_split_from_the_body():
    header, body = parse_header("Title: Hello\nOrder: 3\n\nThe body.\n\nMore.")
    assert header == {"title": "Hello", "order": "3"}
    assert body == "The body.\n\nMore."


def test_a_lesson_needs_a_title_line():
    with pytest.raises(ContentError, match="first line must be the lesson title"):
        parse_lesson("No heading\nText", "x/01.md")
    assert parse_lesson("# Title\n\nText", "x/01.md").title == "Title"


def test_the_seven_required_modules_ship_with_three_to_eight_substantive_lessons_a_quiz_and_sources():
    modules = {m.slug: m for m in read_all()}
    assert REQUIRED_SLUGS <= set(modules)
    for slug in REQUIRED_SLUGS:
        module = modules[slug]
        assert 3 <= len(module.lessons) <= 8, slug
        for lesson in module.lessons:
            paragraphs = [p for p in lesson.body.split("\n\n") if len(p.split()) > 25]
            assert len(paragraphs) >= 3, f"{slug}: {lesson.title} is thin"
        assert len(module.questions) >= 4, slug
        assert module.sources.count("\n- ") + 1 >= 3, slug
        assert "http" in module.sources or "doi" in module.sources, slug


def test_the_secondary_trauma_course_is_a_half_day_and_quotes_the_published_figures():
    module = next(m for m in read_all() if m.slug == "secondary-trauma-awareness")
    assert module.duration_minutes == 240
    text = module.introduction + module.sources
    assert "1,500" in text and "99.8%" in text and "250" in text


def test_the_viewing_module_covers_every_required_topic():
    module = next(m for m in read_all() if m.slug == "viewing-explicit-digital-material")
    text = " ".join(lesson.body.lower() for lesson in module.lessons)
    for topic in ("window", "break", "audio", "brightness", "colleague", "shame", "collusion", "help"):
        assert topic in text, topic
