"""The role fieldsets of the shift form, each rendered once per process while nothing it shows changes.

The shift form shows a fieldset for every role the officer may log (the page hides all but the chosen
one), and each costs 8 to 10 ms of template work: most of the form page's time. A blank fieldset (a
new shift's, or a role the officer did not choose) is the same HTML for everyone reading in the same
language while the role, its categories and its intensity rubric stay as stored, so it is kept and
reused. Its key holds every stored column of those rows and the language: an edit in the admin or a
change of language gives a new key, so the page never shows a stale fieldset. A form that is bound
(answers being corrected) or filled in (a shift being edited, a timer's minutes) is rendered afresh
every time. Nothing personal is kept: a blank fieldset holds no answer, no name and no token."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

TEMPLATE = "exposure/_role_fieldset.html"
KEEP = 256  # blank fieldsets kept per process: roles x languages x versions of their categories

_kept: dict[str, SafeString] = {}


def _columns(row) -> tuple:
    """Every stored column of a model instance, as it was read."""
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields)


def blank_key(role, categories, rubric: dict) -> str:
    """What a blank fieldset of `role` depends on: the language, and the role, its categories and its
    intensity rubric as stored (their repr: some columns are JSON lists and objects). Pure."""
    return repr((role.code, get_language(), _columns(role), [_columns(c) for c in categories],
                 sorted(rubric.items())))


def is_blank(form) -> bool:
    """Neither bound to posted answers nor filled in: its HTML depends only on what `blank_key` holds."""
    return not form.is_bound and not form.initial


def render(role, form, *, categories, rubric: dict) -> SafeString:
    """The fieldset of `role` holding `form`: kept when blank, rendered afresh otherwise."""
    key = blank_key(role, categories, rubric) if is_blank(form) else None
    html = _kept.get(key) if key is not None else None
    if html is None:
        html = render_to_string(TEMPLATE, {"code": role.code, "form": form, "label": role.display_name})
        if key is not None:
            if len(_kept) >= KEEP:
                _kept.clear()
            _kept[key] = html
    return html


def forget() -> None:
    """Drop every kept fieldset (tests)."""
    _kept.clear()
