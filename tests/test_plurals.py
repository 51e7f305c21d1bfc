"""Counts next to nouns have plural forms (issue 17: "1 breaks", "1 minutes", "1 people"...).

A static check over the templates and the Python sources: a `{% blocktrans %}` without `count`
that shows a variable right before a plural noun ("{{ n }} minutes", "{{ n }} open flags"), or a
gettext call (not ngettext) with "%(n)d minutes", is flagged. Only nouns in NOUNS count, so a
variable before "scores" or "holds" is not a false alarm; a variable formatted with floatformat
is not a count (ngettext needs a whole number; "3.5 days" is worded as it stands).
The second half renders the strings fixed in issue 17 with 1 and with 2."""

import ast
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils.translation import override

ROOT = Path(__file__).resolve().parents[1]
NOUNS = (
    "minutes|hours|days|weeks|months|years|seconds|people|persons|breaks|calls|flags|lessons|modules|shifts|"
    "items|sessions|evaluations|responses|assignments|exposures|check-ins|officers|members|questions|answers|"
    "comments|completions|reminders|attempts|notifications|entries|reviews|referrals|cases|actions|images|videos|"
    "files|rows|teams|units|organisations|reasons|changes|records|messages|codes|devices|characters|nights|"
    "incidents|supervisors"
)
BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b(.*?)%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
SHOWN = re.compile(r"\{\{\s*(\w+)\s*\}\}\s+(?:[a-z-]+\s+)?(?:" + NOUNS + r")\b")
FORMATTED = re.compile(r"\b(\w+)=\S*\|floatformat")
PY_COUNT = re.compile(r"%\(\w+\)d (?:" + NOUNS + r")\b")
GETTEXT = {"_", "gettext", "gettext_lazy", "_lazy", "pgettext", "pgettext_lazy"}
SKIP = {".venv", "node_modules", "static", "staticfiles", "test-artifacts", "bench", "locale"}


def _files(pattern):
    for path in ROOT.rglob(pattern):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & SKIP and "tests" not in parts and "migrations" not in parts:
            yield path


def blocktrans_without_count(text: str) -> list[str]:
    """Each `{{ var }} noun` a blocktrans without `count` shows."""
    found = []
    for block in BLOCK.finditer(text):
        options, body = block.group(1), block.group(2)
        if re.search(r"\bcount\b", options):
            continue
        formatted = set(FORMATTED.findall(options))
        found += [m.group(0) for m in SHOWN.finditer(body) if m.group(1) not in formatted]
    return found


def gettext_without_plural(source: str) -> list[str]:
    """Each "%(n)d noun" in a gettext call (ngettext has the plural)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT:
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found += PY_COUNT.findall(arg.value)
    return found


def test_the_checks_catch_what_they_are_for():
    assert blocktrans_without_count("{% blocktrans with n=x %}{{ n }} breaks{% endblocktrans %}") == ["{{ n }} breaks"]
    assert blocktrans_without_count("{% blocktrans %}changed\n{{ n }} open flags{% endblocktrans %}")
    assert not blocktrans_without_count("{% blocktrans count n=x %}{{ n }} break{% plural %}{{ n }} breaks"
                                        "{% endblocktrans %}")
    assert not blocktrans_without_count("{% blocktrans with name=x %}Show {{ name }} scores{% endblocktrans %}")
    assert not blocktrans_without_count('{% blocktrans with h=x|floatformat:"-1" %}{{ h }} days{% endblocktrans %}')
    assert gettext_without_plural('_("Assigned to %(n)d people.")') == ["%(n)d people"]
    assert not gettext_without_plural('ngettext("%(n)d person.", "%(n)d people.", n)')
    assert not gettext_without_plural('_("%(then)d twelve weeks ago")')


def test_no_template_shows_a_count_before_a_plural_noun_without_count():
    found = {str(p.relative_to(ROOT)): blocktrans_without_count(p.read_text()) for p in _files("*.html")}
    found.update({str(p.relative_to(ROOT)): blocktrans_without_count(p.read_text()) for p in _files("*.txt")})
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_no_python_gettext_shows_a_count_before_a_plural_noun():
    found = {str(p.relative_to(ROOT)): gettext_without_plural(p.read_text()) for p in _files("*.py")}
    assert {path: hits for path, hits in found.items() if hits} == {}


# --- the strings fixed, with 1 and with 2 -------------------------------------------------------

def _render(text, **context):
    with override("en"):
        return Template("{% load i18n %}" + text).render(Context(context))


def _block(path: str, marker: str) -> str:
    """The blocktrans block of `path` that contains `marker`."""
    text = (ROOT / path).read_text()
    for block in BLOCK.finditer(text):
        if marker in block.group(0):
            return block.group(0)
    raise AssertionError(f"{marker!r} not in {path}")


@pytest.mark.parametrize("path,marker,context,one,two", [
    ("templates/exposure/viewing.html", "break{% plural %}", {"s": {"break_count": None}}, "1 break", "2 breaks"),
    ("templates/exposure/viewing.html", "minute viewing", {"s": {}}, "1 minute viewing", "2 minutes viewing"),
    ("templates/registration/locked_out.html", "paused for", {}, "paused for 1 minute.", "paused for 2 minutes."),
    ("templates/training/module.html", "About", {}, "About 1 minute.", "About 2 minutes."),
    ("templates/training/manage/enrol.html", "expires after", {}, "expires after 1 day.", "expires after 2 days."),
    ("templates/training/index.html", "lesson read", {"a": {"lessons_read": 1}}, "1 of 1 lesson read",
     "1 of 2 lessons read"),
])
def test_each_fixed_template_string_reads_right_with_1_and_2(path, marker, context, one, two):
    block = _block(path, marker)
    source = re.search(r"count \w+=([\w.]+)", block).group(1)

    def with_count(n):
        ctx = {k: dict(v) if isinstance(v, dict) else v for k, v in context.items()}
        head, _, attr = source.rpartition(".")
        if head:
            ctx.setdefault(head, {})[attr] = n
        else:
            ctx[source] = n
        return _render(block, **ctx)

    assert one in with_count(1) and two in with_count(2)


@pytest.mark.parametrize("minutes,text", [
    (60, "1 hour"), (120, "2 hours"), (1, "1 minute"), (2, "2 minutes"), (61, "1 hour 1 minute"),
    (150, "2 hours 30 minutes"),
])
def test_a_shift_length_is_worded_with_plurals(minutes, text):
    from exposure.display import length_text

    with override("en"):
        assert length_text(minutes) == text


@pytest.mark.parametrize("n,text", [(1, "changed 1 time in"), (2, "changed 2 times in")])
def test_the_level_summary_counts_changes_with_plurals(n, text):
    from wellbeing.team.person_views import _person_level_summary

    with override("en"):
        assert text in _person_level_summary([{"label": "green"}] * (n + 1))


@pytest.mark.parametrize("n,text", [(1, "Fewer than 1 response:"), (2, "Fewer than 2 responses:")])
def test_the_hidden_comments_note_counts_with_plurals(monkeypatch, n, text):
    from training import manage_views, selectors

    monkeypatch.setattr(selectors, "COMMENT_MIN_RESPONSES", n)
    with override("en"):
        assert manage_views._comments_hidden().startswith(text)


@pytest.mark.parametrize("n,view,rest", [(1, "at most 1 minute before", "at least 1 minute."),
                                         (2, "at most 2 minutes before", "at least 2 minutes.")])
def test_the_viewing_limits_count_with_plurals(n, view, rest):
    from exposure.models import ViewingPolicy

    policy = ViewingPolicy(view_minutes=n, break_minutes=n)
    with override("en"):
        problems = policy.problems(n + 5, 0)
    assert view in problems["view_minutes"] and rest in problems["break_minutes"]
