"""Every date field in the project renders its value as an ISO date, in English and in Welsh
(issue 17: the shift form's date was always blank, as the server wrote 30/11/2026 into an
`<input type="date">`, which only takes 2026-11-30). The fix is one widget, `portal.dates.DateInput`,
the default of `BoundedDateField`; this test finds every date field of every form and renders it."""

import importlib
import inspect
from datetime import date

import pytest
from django import forms
from django.utils import translation

from portal.dates import BoundedDateField, DateInput

FORM_MODULES = ["exposure.forms", "wellbeing.checkins.forms", "wellbeing.team.forms", "wellbeing.oh.forms",
                "training.forms", "portal.forms", "wellbeing.screening.forms"]
DAY = date(2026, 11, 30)

# Every date field a person fills in, so that a new one is noticed (and rendered below).
EXPECTED = {
    "exposure.forms.ShiftForm.shift_date", "exposure.forms.HistoryFilterForm.date_from",
    "exposure.forms.HistoryFilterForm.date_to", "wellbeing.team.forms.WelfareActionForm.follow_up_on",
    "wellbeing.oh.forms.ReferralForm.referred_on", "wellbeing.oh.forms.OutcomeForm.outcome_on",
    "wellbeing.oh.forms.CohortForm.date_from", "wellbeing.oh.forms.CohortForm.date_to",
    "wellbeing.oh.forms.AuditFilterForm.date_from", "wellbeing.oh.forms.AuditFilterForm.date_to",
    "training.forms.AssignForm.due_on",
    "wellbeing.screening.forms.RecordForm.appointment_on", "wellbeing.screening.forms.RecordForm.completed_on",
}


def _date_fields():
    found = {}
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module_name or not issubclass(cls, forms.BaseForm):
                continue
            for field_name, field in cls.base_fields.items():
                if isinstance(field, forms.DateField):
                    found[f"{module_name}.{name}.{field_name}"] = field
    return found


def test_every_date_field_is_found_and_bounded():
    fields = _date_fields()
    assert set(fields) == EXPECTED
    assert all(isinstance(field, BoundedDateField) for field in fields.values())


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_each_date_field_renders_an_initial_value_as_an_iso_date(path, language):
    field = _date_fields()[path]
    assert isinstance(field.widget, DateInput)
    with translation.override(language):
        html = field.widget.render(path.rsplit(".", 1)[1], field.prepare_value(DAY))
    assert 'type="date"' in html
    assert 'value="2026-11-30"' in html, html


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_the_shift_form_renders_its_initial_date(language, db):
    from exposure.forms import ShiftForm

    with translation.override(language):
        html = str(ShiftForm(initial={"shift_date": DAY}, officer=None)["shift_date"])
    assert 'type="date"' in html and 'value="2026-11-30"' in html


def test_a_typed_value_sent_back_with_the_form_is_kept_as_typed():
    class Form(forms.Form):
        day = BoundedDateField()

    with translation.override("cy"):
        html = str(Form({"day": "2026-11-30"})["day"])
    assert 'value="2026-11-30"' in html
