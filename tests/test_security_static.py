"""Static security hygiene: ruff's bandit-derived rules find nothing, and every suppression of a
security rule says why on the same line (`# noqa: S311 - demo data`)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUPPRESSION = re.compile(r"#\s*(?:noqa:\s*(?P<codes>[A-Z0-9, ]*S\d+[A-Z0-9, ]*)|nosec\b)(?P<rest>.*)$")
SKIP = {".venv", ".venv-load", "node_modules", "staticfiles", "migrations", ".git"}


def python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield path


def unjustified(lines):
    found = []
    for number, line in enumerate(lines, start=1):
        match = SUPPRESSION.search(line)
        if match and len(re.sub(r"^[\s\-:–—]+", "", match.group("rest")).strip()) < 5:
            found.append(number)
    return found


def test_the_rule_spots_a_bare_suppression():
    assert unjustified(["x = 1  # noqa: S105", "y = 2  # nosec", "z = 3  # noqa: S311 - demo data only"]) == [1, 2]
    assert unjustified(["w = 4  # noqa: E501"]) == []


def test_every_security_suppression_is_justified():
    bad = [f"{path.relative_to(ROOT)}:{n}" for path in python_files()
           for n in unjustified(path.read_text(encoding="utf-8").splitlines())]
    assert bad == []


def test_ruff_security_rules_find_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "S", "--output-format", "concise",
                             "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
