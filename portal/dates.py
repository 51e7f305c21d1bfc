"""One date field for every form: a date a person could mean, or a clear message on the form.

A date input accepts anything from 0001-01-01 to 9999-12-31, and a date at either end overflows as
soon as the code adds a day, turns it into a time zone aware moment or compares it with one: a 500
instead of a message. No record in the portal predates 1900 or is due after 2100.

Its widget is a browser date picker (`<input type="date">`), whose value must be an ISO date
(2026-11-30) whatever the page's language: Django's DateInput writes the active language's format
(30/11/2026 in English and Welsh), which the browser discards, so the field showed blank."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser date picker holding an ISO date in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs=attrs, format=format or ISO_DATE)


class BoundedDateField(forms.DateField):
    widget = DateInput
    default_error_messages = {
        "out_of_range": _("Enter a date between 1900 and 2100."),
    }

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
