"""What a page's error summary lists, and whether a page shows form errors at all (GOV.UK error
summary pattern: templates/portal/_error_summary.html, `portal.templatetags.form_errors`).

Each message links to the element a person must change: the input itself, the first option of a
group of radios or checkboxes (the group has no element of its own that takes focus), the first
input of a widget made of several. Messages that belong to no one field are listed without a link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.forms.formsets import BaseFormSet
from django.forms.widgets import ChoiceWidget


@dataclass(frozen=True)
class ErrorItem:
    message: str
    target: str = ""  # the id of the element to move focus to; empty: nothing to link to


def field_target(bound_field: forms.BoundField) -> str:
    """The id of the element that a link to `bound_field` should focus."""
    widget = bound_field.field.widget
    if widget.is_hidden:
        return ""
    if isinstance(widget, ChoiceWidget) and widget.input_type in ("radio", "checkbox"):
        options = bound_field.subwidgets
        if options:
            return options[0].id_for_label or ""
    if isinstance(widget, forms.MultiWidget) and bound_field.auto_id:
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id or ""


def _forms_in(value) -> Iterable[forms.BaseForm]:
    """The forms in one template value: a form, a formset, or a dict, list or tuple of them.

    Only the exact type is looked at, never `isinstance`, which would evaluate lazy values such as
    the CSRF token (setting a cookie on every page) or the user."""
    kind = type(value)
    if issubclass(kind, forms.BaseForm):
        yield value
    elif issubclass(kind, BaseFormSet):
        yield from value.forms
    elif kind is dict:
        for item in value.values():
            if issubclass(type(item), forms.BaseForm | BaseFormSet):
                yield from _forms_in(item)
    elif kind in (list, tuple):
        for item in value:
            if issubclass(type(item), forms.BaseForm | BaseFormSet):
                yield from _forms_in(item)


def error_items(values: Iterable, extra: Iterable[str] = ()) -> list[ErrorItem]:
    """Every error of the bound forms among `values`, in the order of their fields, each once.
    `extra` are page-level problems that belong to no form (listed first, without a link)."""
    items = [ErrorItem(str(message)) for message in extra if message]
    for value in values:
        for form in _forms_in(value):
            if not form.is_bound or not form.errors:
                continue
            items.extend(ErrorItem(str(message)) for message in form.non_field_errors())
            for bound_field in form:
                target = field_target(bound_field) if bound_field.errors else ""
                items.extend(ErrorItem(str(message), target) for message in bound_field.errors)
    return items


def has_form_errors(values: Iterable) -> bool:
    """Whether any bound form among `values` (a template context's values) has an error."""
    return any(form.is_bound and form.errors for value in values for form in _forms_in(value))
