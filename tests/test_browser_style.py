"""The browser tests assert through Playwright's auto-waiting `expect()`, never by reading the page
once and asserting on what it said at that instant (`assert loc.is_visible()`, `assert "x" in
loc.inner_text()`): those race the page and fail or pass by timing. A plain `assert` stays right
for values that are not the page's state (database rows, numbers computed from bounding boxes, axe
results)."""

import ast
from pathlib import Path

BROWSER = Path(__file__).resolve().parent / "browser"

# Locator reads that have an `expect()` counterpart (to_be_visible, to_be_hidden, to_be_checked,
# to_have_text/to_contain_text, to_have_value, to_have_attribute, to_have_count...).
SNAPSHOT_READS = {
    "is_visible", "is_hidden", "is_checked", "is_enabled", "is_disabled", "is_editable",
    "inner_text", "all_inner_texts", "text_content", "all_text_contents", "inner_html", "input_value",
    "get_attribute",
}


def bare_snapshot_asserts(source: str) -> list[tuple[int, str]]:
    """(line, method) of every `assert` whose expression reads the page through a snapshot call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assert):
            continue
        for inner in ast.walk(node.test):
            if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
                    and inner.func.attr in SNAPSHOT_READS):
                found.append((node.lineno, inner.func.attr))
    return found


def test_browser_tests_use_auto_waiting_expect_not_bare_asserts_on_the_page():
    files = sorted(BROWSER.glob("*.py"))
    assert files, BROWSER
    problems = {f"{path.name}:{line}": method for path in files
                for line, method in bare_snapshot_asserts(path.read_text())}
    assert problems == {}, f"use playwright.sync_api.expect() instead: {problems}"


def test_the_check_finds_the_bare_asserts_it_is_meant_to_find():
    source = (
        "def test_x(page):\n"
        "    assert page.locator('#a').is_visible()\n"
        "    assert not page.locator('#b').is_hidden()\n"
        "    assert 'Saved' in page.locator('.messages').inner_text()\n"
        "    assert page.get_by_label('Name').input_value() == 'x'\n"
        "    expect(page.locator('#a')).to_be_visible()\n"
        "    assert rows == 2\n"
    )
    assert bare_snapshot_asserts(source) == [(2, "is_visible"), (3, "is_hidden"), (4, "inner_text"),
                                             (5, "input_value")]
