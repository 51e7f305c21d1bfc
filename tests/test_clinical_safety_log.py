"""The hazard log (docs/clinical-safety.md) cannot rot: every hazard the clinical safety issue
names is there with all of its parts, and every test it names as evidence exists.

A test is named as `path/to/test_file.py::test_name` (or `...::Class::test_name`) in backticks.
The check reads the test files with `ast`, so a renamed or deleted test fails here, in the same
run, before the log can claim evidence that no longer exists."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "docs" / "clinical-safety.md"

# The hazards every version of the log must carry (DCB0129-style: each with its controls and the
# evidence that they work). Others may be added; none of these may go.
REQUIRED = {
    "H1": "urgent answer",
    "H2": "clinical result",
    "H3": "closed",
    "H4": "supervisor, trainer or admin",
    "H5": "score or band",
    "H6": "wording",
    "H7": "lost",
    "H8": "out-of-hours",
    "H9": "viewing",
    "H10": "support numbers",
    "H11": "request for help",
    "H12": "deadline missed",
    "H13": "reaches the line",
    "H14": "calls without a break",
}
FIELDS = ["Cause", "Effect", "Severity", "Likelihood", "Initial risk", "Controls", "Evidence", "Residual risk"]
SEVERITIES = {"Minor", "Significant", "Considerable", "Major", "Catastrophic"}
LIKELIHOODS = {"Very low", "Low", "Medium", "High", "Very high"}

HAZARD_HEADING = re.compile(r"^### (H\d+)\. (.+)$", re.MULTILINE)
TEST_REF = re.compile(r"`([\w/.-]+\.py)::((?:\w+::)?\w+)`")


def hazards(text: str) -> dict[str, tuple[str, str]]:
    """{id: (title, body)} for every `### Hn. Title` section."""
    found = list(HAZARD_HEADING.finditer(text))
    out = {}
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        body = text[match.end():end]
        body = body.split("\n## ", 1)[0]  # a level-2 heading ends the last hazard
        out[match.group(1)] = (match.group(2), body)
    return out


def field_value(body: str, name: str) -> str | None:
    match = re.search(rf"^\| {re.escape(name)} \| (.+?) \|\s*$", body, re.MULTILINE)
    return match.group(1).strip() if match else None


def defined_tests(path: Path) -> set[str]:
    """Names of test functions in a module: `name` for module level, `Class::name` in classes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{n.name}" for n in node.body
                      if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return names


def missing_tests(text: str, root: Path) -> list[str]:
    missing = []
    for path, name in TEST_REF.findall(text):
        file = root / path
        if not file.is_file() or name not in defined_tests(file):
            missing.append(f"{path}::{name}")
    return missing


@pytest.fixture(scope="module")
def log_text() -> str:
    return LOG.read_text(encoding="utf-8")


def test_hazard_log_lists_every_required_hazard(log_text):
    found = hazards(log_text)
    for hazard_id, words in REQUIRED.items():
        assert hazard_id in found, f"{hazard_id} is missing from {LOG.name}"
        assert words in found[hazard_id][0].lower(), f"{hazard_id} should be about {words!r}: {found[hazard_id][0]}"


@pytest.mark.parametrize("hazard_id", sorted(REQUIRED, key=lambda h: int(h[1:])))
def test_hazard_log_gives_each_hazard_every_part(log_text, hazard_id):
    _, body = hazards(log_text)[hazard_id]
    for name in FIELDS:
        assert field_value(body, name), f"{hazard_id} has no {name}"
    assert field_value(body, "Severity").split(" (")[0] in SEVERITIES
    assert field_value(body, "Likelihood").split(" (")[0] in LIKELIHOODS
    assert TEST_REF.search(body), f"{hazard_id} names no test as evidence"


def test_hazard_log_names_only_tests_that_exist(log_text):
    assert TEST_REF.search(log_text), "the log names no tests at all"
    assert missing_tests(log_text, ROOT) == []


def test_hazard_log_checker_notices_a_test_that_does_not_exist(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(
        "def test_there():\n    pass\n\nclass TestGroup:\n    def test_inside(self):\n        pass\n")
    text = ("`tests/test_x.py::test_there` `tests/test_x.py::TestGroup::test_inside` "
            "`tests/test_x.py::test_gone` `tests/test_nowhere.py::test_there`")
    assert missing_tests(text, tmp_path) == ["tests/test_x.py::test_gone", "tests/test_nowhere.py::test_there"]


def test_hazard_log_checker_reads_sections_and_fields():
    text = ("# Log\n\n### H1. First thing\n\n| Cause | a cause |\n| Severity | Major (4) |\n\n"
            "### H2. Second thing\n\n| Cause | another |\n\n## Afterword\n\n| Cause | not a hazard |\n")
    found = hazards(text)
    assert list(found) == ["H1", "H2"]
    assert field_value(found["H1"][1], "Severity") == "Major (4)"
    assert field_value(found["H2"][1], "Cause") == "another"
    assert "not a hazard" not in found["H2"][1]
