"""Pure parsing of training content (no database): module headers, lessons and quizzes.

Layout of one module in `training/content/<slug>/`:

    module.md     "Key: value" header lines, a blank line, then the introduction in Markdown.
                  Keys: Title, Summary, Order, Duration (minutes), Pass-mark (%), Status.
    01-*.md ...   lessons in file-name order; the first line "# Title", the rest Markdown.
    quiz.txt      the knowledge check (format below).
    sources.md    the sources, as a Markdown list.

Quiz format: questions separated by a blank line. A question starts "Q: ", each choice is a line
starting "- " (wrong) or "* " (right), and an optional "Why: " line explains the answer to
someone who got it wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"


class ContentError(ValueError):
    """A content file that cannot be loaded; the message says which file and why."""


@dataclass
class ParsedChoice:
    text: str
    is_correct: bool


@dataclass
class ParsedQuestion:
    text: str
    choices: list[ParsedChoice] = field(default_factory=list)
    explanation: str = ""


@dataclass
class ParsedLesson:
    title: str
    body: str


@dataclass
class ParsedModule:
    slug: str
    title: str
    summary: str
    introduction: str
    order: int
    duration_minutes: int
    pass_mark: int
    status: str
    sources: str
    lessons: list[ParsedLesson]
    questions: list[ParsedQuestion]
    content_hash: str


def parse_quiz(text: str) -> list[ParsedQuestion]:
    """Parse the quiz format. Raises ContentError naming the question at fault."""
    questions: list[ParsedQuestion] = []
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    for number, block in enumerate(blocks, start=1):
        question: ParsedQuestion | None = None
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("Q:"):
                if question is not None:
                    raise ContentError(f"Question {number}: a blank line must separate questions.")
                question = ParsedQuestion(text=line[2:].strip())
            elif question is None:
                raise ContentError(f"Question {number}: it must start with a line beginning 'Q:'.")
            elif line.startswith(("- ", "* ")):
                question.choices.append(ParsedChoice(text=line[2:].strip(), is_correct=line.startswith("*")))
            elif line.startswith("Why:"):
                question.explanation = line[4:].strip()
            else:
                raise ContentError(
                    f"Question {number}: each line must start 'Q:', '- ' (wrong), '* ' (right) or 'Why:'."
                )
        if question is None or not question.text:
            raise ContentError(f"Question {number}: the question text is empty.")
        if len(question.choices) < 2:
            raise ContentError(f"Question {number}: give at least two answers.")
        if not any(c.is_correct for c in question.choices):
            raise ContentError(f"Question {number}: mark at least one answer as correct with '* '.")
        questions.append(question)
    return questions


def quiz_to_text(questions) -> str:
    """The inverse of parse_quiz, for editing a quiz in the browser. Accepts parsed questions or
    Question rows with prefetched choices."""
    blocks = []
    for q in questions:
        choices = q.choices if isinstance(q, ParsedQuestion) else list(q.choices.all())
        lines = [f"Q: {q.text}"]
        lines += [f"{'*' if c.is_correct else '-'} {c.text}" for c in choices]
        if q.explanation:
            lines.append(f"Why: {q.explanation}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split "Key: value" lines (up to the first blank line) from the Markdown body."""
    header: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - index is used after the loop
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if not sep:
            raise ContentError(f"Header line {index + 1} must look like 'Key: value'.")
        header[key.strip().lower()] = value.strip()
    else:
        index = len(lines)
    return header, "\n".join(lines[index + 1:]).strip()


def parse_lesson(text: str, name: str) -> ParsedLesson:
    text = text.replace("\r\n", "\n").strip()
    first, _, body = text.partition("\n")
    if not first.startswith("# "):
        raise ContentError(f"{name}: the first line must be the lesson title, starting '# '.")
    if not body.strip():
        raise ContentError(f"{name}: the lesson has no text.")
    return ParsedLesson(title=first[2:].strip(), body=body.strip())


def _int(header: dict[str, str], key: str, default: int, name: str) -> int:
    try:
        return int(header.get(key, default))
    except ValueError as exc:
        raise ContentError(f"{name}: '{key}' must be a whole number.") from exc


def read_module(directory: Path) -> ParsedModule:
    """Read one module directory. The hash covers every file's name and bytes, so any change to
    any file gives a new hash (and so a new version when loaded)."""
    slug = directory.name
    files = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    module_file = directory / "module.md"
    if not module_file.exists():
        raise ContentError(f"{slug}: module.md is missing.")
    header, introduction = parse_header(module_file.read_text(encoding="utf-8"))
    if not header.get("title"):
        raise ContentError(f"{slug}/module.md: a 'Title:' line is required.")
    lessons = [
        parse_lesson(p.read_text(encoding="utf-8"), f"{slug}/{p.name}")
        for p in files
        if p.suffix == ".md" and p.name[:1].isdigit()
    ]
    if not lessons:
        raise ContentError(f"{slug}: a module needs at least one lesson file (01-*.md).")
    quiz_file = directory / "quiz.txt"
    try:
        questions = parse_quiz(quiz_file.read_text(encoding="utf-8")) if quiz_file.exists() else []
    except ContentError as exc:
        raise ContentError(f"{slug}/quiz.txt: {exc}") from exc
    if not questions:
        raise ContentError(f"{slug}: quiz.txt with at least one question is required.")
    sources_file = directory / "sources.md"
    status = header.get("status", "published").lower()
    if status not in {"draft", "published", "retired"}:
        raise ContentError(f"{slug}/module.md: Status must be draft, published or retired.")
    pass_mark = _int(header, "pass-mark", 80, f"{slug}/module.md")
    if not 1 <= pass_mark <= 100:
        raise ContentError(f"{slug}/module.md: Pass-mark must be between 1 and 100.")
    return ParsedModule(
        slug=slug,
        title=header["title"],
        summary=header.get("summary", ""),
        introduction=introduction,
        order=_int(header, "order", 100, f"{slug}/module.md"),
        duration_minutes=_int(header, "duration", 45, f"{slug}/module.md"),
        pass_mark=pass_mark,
        status=status,
        sources=sources_file.read_text(encoding="utf-8").strip() if sources_file.exists() else "",
        lessons=lessons,
        questions=questions,
        content_hash=digest.hexdigest(),
    )


def read_all(root: Path = CONTENT_DIR) -> list[ParsedModule]:
    return [read_module(d) for d in sorted(root.iterdir()) if d.is_dir() and not d.name.startswith((".", "_"))]
