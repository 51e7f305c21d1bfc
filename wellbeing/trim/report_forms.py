"""The reports' filter: which incidents, by date (defaults: the last 12 months, this one included)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import BoundedDateField
from wellbeing.trim.stats import months_between

LONGEST_MONTHS = 60  # five years: a table a person can read


def default_range(today: date) -> tuple[date, date]:
    """The first day of the month eleven months ago, and today: twelve whole months."""
    return months_between(date(today.year - 1, today.month, 1), today)[1], today


class ReportFilterForm(forms.Form):
    date_from = BoundedDateField(label=_("Incidents from"), required=False)
    date_to = BoundedDateField(label=_("Incidents to"), required=False)

    def __init__(self, data=None, *, today: date | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today or timezone.localdate()
        start, end = default_range(self.today)
        self.fields["date_from"].initial, self.fields["date_to"].initial = start, end

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = default_range(self.today)
        data["date_from"] = data.get("date_from") or start
        data["date_to"] = data.get("date_to") or max(end, data["date_from"])
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        elif len(months_between(data["date_from"], data["date_to"])) > LONGEST_MONTHS:
            self.add_error("date_from", _("Choose a range of at most five years."))
        return data

    def dates(self) -> tuple[date, date]:
        """The range to report on: the cleaned one, or the defaults for an empty filter."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        return default_range(self.today)


class ReportExportForm(ReportFilterForm):
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")],
                               error_messages={"required": _("Choose CSV or XLSX."),
                                               "invalid_choice": _("Choose CSV or XLSX.")})
