"""Every shipped module is held to its sources (issue 18): each marker resolves to a keyed entry of
the module's sources.md and each entry is cited; every sentence that credits a group or research
carries a marker; each lesson has a scenario or worked example; the lessons add up to 1,500 words;
the knowledge check has five questions whose explanations name a lesson that exists.

The checks run per shipped module and per check, so a failure names both. They also run on two
invented modules under fixtures/: one that meets every rule and one that breaks each of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from training import citations
from training.content import CONTENT_DIR, parse_header, parse_quiz

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "content-good" / "fixture-module"
BAD = FIXTURES / "content-bad" / "bad-module"
SHIPPED = sorted(d for d in CONTENT_DIR.iterdir() if d.is_dir() and not d.name.startswith((".", "_")))
MIN_WORDS = 1500
MIN_QUESTIONS = 5
SCENARIO_RE = re.compile(r"^##\s+(Scenario|Worked example)\b", re.IGNORECASE | re.MULTILINE)
LESSON_REF_RE = re.compile(r"\(Lesson (\d+)\)\.?$")


@dataclass
class Module:
    name: str
    introduction: str
    lessons: dict[int, tuple[str, str]]  # lesson number -> (file name, text)
    explanations: list[str]
    quiz_text: str
    sources_text: str

    def texts(self) -> list[tuple[str, str]]:
        """(where, text) for every place a marker or an attribution may appear."""
        out = [("module.md", self.introduction)]
        out += [(name, text) for name, text in self.lessons.values()]
        out += [(f"quiz.txt, question {i}", why) for i, why in enumerate(self.explanations, start=1)]
        return out


def read(directory: Path) -> Module:
    lessons = {
        int(p.name.split("-", 1)[0]): (p.name, p.read_text(encoding="utf-8"))
        for p in sorted(directory.glob("*.md")) if p.name[:1].isdigit()
    }
    quiz = directory / "quiz.txt"
    quiz_text = quiz.read_text(encoding="utf-8") if quiz.exists() else ""
    sources = directory / "sources.md"
    return Module(
        name=directory.name,
        introduction=parse_header((directory / "module.md").read_text(encoding="utf-8"))[1],
        lessons=lessons,
        explanations=[q.explanation for q in parse_quiz(quiz_text)],
        quiz_text=quiz_text,
        sources_text=sources.read_text(encoding="utf-8") if sources.exists() else "",
    )


def check_markers_resolve(m: Module) -> list[str]:
    keys = citations.parse_sources(m.sources_text).entries
    return [f"{where}: [src:{key}] is not in sources.md"
            for where, text in m.texts() + [("quiz.txt", m.quiz_text)] for key in citations.markers(text)
            if key not in keys]


def check_sources_used(m: Module) -> list[str]:
    used = {key for _, text in m.texts() + [("quiz.txt", m.quiz_text)] for key in citations.markers(text)}
    return [f"sources.md: [{key}] is never cited" for key in citations.parse_sources(m.sources_text).entries
            if key not in used]


def check_sources_format(m: Module) -> list[str]:
    problems = []
    keys = citations.source_keys_in_order(m.sources_text)
    problems += [f"sources.md: [{k}] appears more than once" for k in sorted({k for k in keys if keys.count(k) > 1})]
    parsed = citations.parse_sources(m.sources_text)
    problems += [f"sources.md: [{e.key}] has no http(s) address at its end" for e in parsed.entries.values()
                 if not e.url]
    problems += [f"sources.md: not '- [key] ... URL' nor '> Note:': {line.strip()!r}"
                 for line in parsed.other.split("\n") if line.strip()]
    if not parsed.entries:
        problems.append("sources.md: no keyed entries")
    return problems


def check_attributions_marked(m: Module) -> list[str]:
    return [f"{where}: no marker in {sentence!r}"
            for where, text in m.texts() for sentence in citations.unmarked_attributions(text)]


def check_scenarios(m: Module) -> list[str]:
    return [f"{name}: no '## Scenario' or '## Worked example' section"
            for name, text in m.lessons.values() if not SCENARIO_RE.search(text)]


def check_lesson_words(m: Module) -> list[str]:
    words = sum(citations.word_count(text) for _, text in m.lessons.values())
    return [] if words >= MIN_WORDS else [f"lessons have {words} words; at least {MIN_WORDS} are needed"]


def check_quiz(m: Module) -> list[str]:
    problems = []
    if len(m.explanations) < MIN_QUESTIONS:
        problems.append(f"quiz.txt has {len(m.explanations)} questions; at least {MIN_QUESTIONS} are needed")
    for i, why in enumerate(m.explanations, start=1):
        ref = LESSON_REF_RE.search(why.strip())
        if ref is None:
            problems.append(f"quiz.txt, question {i}: 'Why:' does not end with '(Lesson N)'")
        elif int(ref.group(1)) not in m.lessons:
            problems.append(f"quiz.txt, question {i}: there is no lesson {ref.group(1)}")
    return problems


CHECKS = {
    "markers-resolve": check_markers_resolve,
    "sources-used": check_sources_used,
    "sources-format": check_sources_format,
    "attributions-marked": check_attributions_marked,
    "scenarios": check_scenarios,
    "lesson-words": check_lesson_words,
    "quiz": check_quiz,
}


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("directory", SHIPPED, ids=lambda d: d.name)
def test_each_shipped_module_meets_the_content_contract(directory, check):
    problems = CHECKS[check](read(directory))
    assert not problems, f"{directory.name} fails {check}:\n  " + "\n  ".join(problems)


def test_every_module_directory_is_checked():
    assert len(SHIPPED) >= 7


@pytest.mark.parametrize("check", CHECKS)
def test_the_good_fixture_module_passes_every_check(check):
    assert CHECKS[check](read(GOOD)) == []


@pytest.mark.parametrize("check, expected", [
    ("markers-resolve", ["01-only.md: [src:missing] is not in sources.md"]),
    ("sources-used", ["sources.md: [never-cited] is never cited", "sources.md: [no-address] is never cited"]),
    ("sources-format", ["sources.md: [used] appears more than once",
                        "sources.md: [no-address] has no http(s) address at its end",
                        "sources.md: not '- [key] ... URL' nor '> Note:': 'An old free-form line.'"]),
    ("attributions-marked", ["module.md: no marker in 'Many reviewers describe the work as hard.'",
                             "01-only.md: no marker in 'Officers often say the first week is the hardest.'",
                             "quiz.txt, question 3: no marker in 'We know that this claim has no marker (Lesson 1)'"]),
    ("scenarios", ["01-only.md: no '## Scenario' or '## Worked example' section"]),
    ("quiz", ["quiz.txt has 3 questions; at least 5 are needed",
              "quiz.txt, question 1: 'Why:' does not end with '(Lesson N)'",
              "quiz.txt, question 2: there is no lesson 9"]),
])
def test_the_bad_fixture_module_fails_each_check_for_the_right_reason(check, expected):
    assert CHECKS[check](read(BAD)) == expected


def test_the_bad_fixture_module_is_too_short():
    (problem,) = check_lesson_words(read(BAD))
    assert problem.startswith("lessons have ") and problem.endswith("at least 1500 are needed")


@pytest.mark.parametrize("sentence", [
    "Experienced call handlers describe the silence after a call as the hardest part.",
    "Officers often say the same.",
    "Many reviewers described the sound as worse than the picture.",
    "Staff told the researchers about their breaks.",
    "Research shows that breaks help.",
    "The research found a link between talking and wellbeing.",
    "Studies show nothing of the kind.",
    "It is known that tiredness matters.",
    "We know that this is hard.",
    "SOME PEOPLE FEEL it more than others.",
    "Officers who have been both often say the second is harder.",  # issue 18's own example
])
def test_attribution_sentences_are_recognised(sentence):
    assert citations.is_attribution(sentence)
    assert citations.unmarked_attributions(sentence) == [sentence]
    marked = sentence[:-1] + " [src:x]."
    assert citations.unmarked_attributions(marked) == []


@pytest.mark.parametrize("sentence", [
    "You may find it helps to take a break every hour.",
    "Try turning the sound off when you can.",
    "Our suggestion is to talk to someone you trust.",
    "Someone said hello.",  # "some" only as a whole word
    "The handler's notes are kept for a week.",
    "Research into this area continues.",
    "Avoid pressing people to describe their feelings in a group.",
    "Ask the officers who were there what they need.",
])
def test_guidance_sentences_are_not_attributions(sentence):
    assert not citations.is_attribution(sentence)


def test_sentences_split_at_stops_blank_lines_and_list_items():
    text = "First one [src:a]. Officers say two.\n\n- Staff report three\n- four"
    assert citations.sentences(text) == ["First one [src:a].", "Officers say two.", "- Staff report three", "- four"]
    assert citations.unmarked_attributions(text) == ["Officers say two.", "- Staff report three"]


def test_word_count_leaves_out_markers_and_markdown_symbols():
    assert citations.word_count("## Scenario\n\n- One two [src:a][src:b] three.\n* ") == 4
