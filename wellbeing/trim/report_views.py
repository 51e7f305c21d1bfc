"""The TRiM coordinator's reports: per month and per unit, totals only, never a person; small
numbers suppressed (wellbeing.trim.stats). The page view and every download are audited."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import audit, exports
from portal.access import area_required
from portal.exports import SUPPRESS_BELOW, SUPPRESSED
from portal.replica import reporting_view
from wellbeing.trim import stats
from wellbeing.trim.report_forms import ReportExportForm, ReportFilterForm
from wellbeing.trim.report_selectors import report_rows

# Column labels, shared by the page and the exports, in the order of stats.Figures.
COLUMNS = [
    gettext_lazy("Cases opened"),
    gettext_lazy("Initial assessments held"),
    gettext_lazy("Median days to initial assessment"),
    gettext_lazy("90th percentile days to initial assessment"),
    gettext_lazy("Initial assessments held on time (%)"),
    gettext_lazy("Offers declined"),
    gettext_lazy("Cases referred"),
]


def _cell(value) -> str:
    """A figure for the page: a suppressed one in words."""
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return _("fewer than %(n)d") % {"n": SUPPRESS_BELOW}
    return formats.number_format(value)


def _cells(figures: stats.Figures) -> list[tuple[str, str]]:
    """(column label, figure as shown) for one row of a table on the page."""
    return [(str(label), _cell(value)) for label, value in zip(COLUMNS, _values(figures), strict=True)]


def _tables(rows: list[stats.CaseRow], start: date, end: date):
    months = stats.by_month(rows, start, end)
    units = [(unit or _("No team recorded"), figures) for unit, figures in stats.by_unit(rows)]
    return months, units


def _values(figures: stats.Figures) -> list:
    return [getattr(figures, name) for name in stats.figure_names()]


@area_required("trim_coordinate")
@reporting_view
def reports(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    invalid = form.is_bound and not form.is_valid()
    start, end = form.dates()
    context = {"form": form, "date_from": start, "date_to": end, "below": SUPPRESS_BELOW, "columns": COLUMNS}
    if invalid:
        return render(request, "trim/reports.html", context | {"invalid": True}, status=400)
    rows = report_rows(request.user, date_from=start, date_to=end)
    months, units = _tables(rows, start, end)
    audit.list_viewed(page="trim_reports", rows=len(months) + len(units), cases=len(rows),
                      date_from=start.isoformat(), date_to=end.isoformat())
    query = {"date_from": start.isoformat(), "date_to": end.isoformat()}
    export = reverse("trim:report-export")
    return render(request, "trim/reports.html", context | {
        "cases": len(rows),
        "months": [(month, _cells(f)) for month, f in reversed(months)],
        "units": [(unit, _cells(f)) for unit, f in units],
        "csv_url": f"{export}?{urlencode(query | {'format': 'csv'})}",
        "xlsx_url": f"{export}?{urlencode(query | {'format': 'xlsx'})}",
    })


def export_notes(start: date, end: date) -> list[str]:
    """How the figures are counted (the XLSX's Notes sheet; the page says the same)."""
    return [
        _("TRiM cases of incidents from %(start)s to %(end)s, in the organisations you coordinate.")
        % {"start": start.isoformat(), "end": end.isoformat()},
        _("Months are those of the incident (UK time), not of the day the case was opened."),
        _("Units are those of each person's team today."),
        _("Days to initial assessment: calendar days from the incident's day to the day the assessment was held. "
          "Percentiles interpolate between the nearest values, as Excel's PERCENTILE.INC does."),
        _("On time: held on or before the day it was due. The share is of the initial assessments held."),
        _("Cases referred: an assessment's action was a referral to occupational health or a named service, "
          "or a follow-up was in the raised band."),
        _("Small numbers: counts under %(n)d are shown as %(s)s; where that hides one figure of a column "
          "only, the next smallest is hidden too. Medians, percentiles and shares behind fewer than %(n)d "
          "assessments are hidden.") % {"n": SUPPRESS_BELOW, "s": SUPPRESSED},
    ]


@area_required("trim_coordinate")
@reporting_view
def report_export(request: HttpRequest) -> HttpResponse:
    """The page's two tables in one file: a "Table" column says which (month or unit)."""
    form = ReportExportForm(request.GET)
    if not form.is_valid():
        start, end = form.dates()
        return render(request, "trim/reports.html", {
            "form": form, "date_from": start, "date_to": end, "below": SUPPRESS_BELOW, "columns": COLUMNS,
            "invalid": True}, status=400)
    start, end = form.dates()
    fmt = form.cleaned_data["format"]
    rows = report_rows(request.user, date_from=start, date_to=end)
    months, units = _tables(rows, start, end)
    by_month, by_unit = _("By month of incident"), _("By unit")
    out = [[by_month, month.strftime("%Y-%m"), *_values(f)] for month, f in months]
    out += [[by_unit, unit, *_values(f)] for unit, f in units]
    audit.record("trim_report_exported", detail={
        "format": fmt, "date_from": start.isoformat(), "date_to": end.isoformat(), "rows": len(out),
        "cases": len(rows)})
    header = [_("Table"), _("Month or unit"), *[str(c) for c in COLUMNS]]
    return exports.response(fmt, f"trim-report-{start.isoformat()}-to-{end.isoformat()}.{fmt}", header, out,
                            title=_("TRiM report"), notes=export_notes(start, end))
