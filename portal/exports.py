"""Every spreadsheet the portal hands out (team, OH and training exports, the subject access copy)
is written here: cells neutralised so that a spreadsheet never runs them as formulas, CSV streamed
in blocks, XLSX written row by row by a small SpreadsheetML writer of our own (`portal.xlsx`:
openpyxl's per-cell cost was too slow for a million rows), and the small-number rule of exports
about groups of people. No ORM here: callers pass rows in.

Neutralising follows OWASP's CSV injection advice: a text cell starting with = + - @, a tab or a
carriage return gets a leading apostrophe, so spreadsheets show it as text."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.http import FileResponse, StreamingHttpResponse
from django.utils.functional import Promise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH_ROWS = 2000
CSV_LINE_END = "\r\n"  # the csv module's (its "excel" dialect)
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit is 1,048,576 rows a sheet; one is the header.
XLSX_DATA_ROWS_PER_SHEET = 1_048_575


# ----------------------------------------------------------------------------- neutralising


def neutralise(value):
    """A cell value safe to open in a spreadsheet: text starting with =, +, -, @ (or a tab or
    carriage return, which some spreadsheets skip before a formula) gets a leading apostrophe so it
    is shown as text, never run. Numbers, dates, booleans and None are left alone."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CachedNeutraliser:
    """neutralise() for columns with few distinct values (organisation, unit, role...), remembered,
    so a million-row export checks each distinct value once. Only for such low-cardinality text."""

    def __init__(self):
        self._cache: dict = {}

    def __call__(self, value):
        try:
            return self._cache[value]
        except KeyError:
            safe = self._cache[value] = neutralise(value)
            return safe


def _csv_cell(value):
    if value.__class__ is str:  # the common case first
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


# ----------------------------------------------------------------------------- CSV


def csv_lines(header: Iterable, rows: Iterable, batch: int = CSV_BATCH_ROWS,
              neutralised: bool = False, written: bool = False) -> Iterator[str]:
    """CSV text in blocks of `batch` rows, after a byte order mark (Excel then reads the file as
    UTF-8): memory stays flat however many rows, and each block is written by the csv module's C
    loop. Every cell is neutralised (dates as ISO 8601, None as empty) unless the caller says its
    rows already are: rows of plain text, numbers and booleans whose text went through neutralise().
    With `written`, each row is already a line of CSV text (neutralised cells, ending in
    CSV_LINE_END, e.g. put together from `csv_text` parts) and is passed on as it is."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_csv_cell(h) for h in header])
    yield "\ufeff" + buffer.getvalue()
    if written:  # lines joined in blocks, taken from the rows by islice's C loop
        rows = iter(rows)
        while text := "".join(islice(rows, batch)):
            yield text
        return
    block: list = []
    for row in rows:
        block.append(row if neutralised else [_csv_cell(v) for v in row])
        if len(block) == batch:
            yield _csv_block(block)
            block = []
    if block:
        yield _csv_block(block)


def _csv_block(rows: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def csv_text(cells: Iterable) -> str:
    """Some neighbouring cells of a row as csv_lines writes them (neutralised already): quoted
    where the csv module quotes, joined by commas, with no line end. A caller that writes many rows
    from a few distinct values can work out each value's text once and join the parts (issue 22:
    the csv module's per-cell work was a fifth of a million-row export)."""
    buffer = io.StringIO()
    # An empty cell last: the csv module quotes a row of one empty cell, never a cell among others.
    csv.writer(buffer).writerow([*cells, ""])
    return buffer.getvalue()[:-1 - len(CSV_LINE_END)]


class Remembered(dict):
    """`function`'s result for each distinct argument, worked out on first use, then a dict look-up
    (`remembered[value]`). Keep one per column: 1 and True are the same key to a dict."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """A whole (small) CSV file, e.g. for a ZIP archive."""
    return "".join(csv_lines(header, rows)).encode("utf-8")


def csv_response(filename: str, header: Iterable, rows: Iterable, *,
                 neutralised: bool = False, written: bool = False) -> StreamingHttpResponse:
    """A CSV download, streamed: rows are read and written while the response is sent."""
    response = StreamingHttpResponse(csv_lines(header, rows, neutralised=neutralised, written=written),
                                     content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ----------------------------------------------------------------------------- XLSX


def write_xlsx(header: Iterable, rows: Iterable[Iterable], *, title: str = "Data",
               rows_per_sheet: int = XLSX_DATA_ROWS_PER_SHEET, target=None, notes: Iterable[str] = (),
               neutralised: bool = False):
    """Write the rows to an XLSX as they come (memory stays flat), starting a new sheet ("Data 2",
    ...) with the header again whenever a sheet reaches `rows_per_sheet` data rows (or, with very
    long rows, portal.xlsx.PART_BYTES of XML), then a "Notes" sheet with one line of `notes` a row, if any.
    Cells are neutralised unless the caller says its rows already are (`neutralised`, as for
    csv_lines). Text keeps every character XML allows (others are removed) and is cut to Excel's
    32,767 characters; numbers, booleans, dates and datetimes are typed cells; None is blank.
    Returns the file object (a temporary file unless `target` is given), positioned at the start."""
    from portal import xlsx  # here, as xlsx uses this module's neutralise()

    title = title[:31]  # Excel's longest sheet name
    out = target if target is not None else tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller
    try:
        xlsx.write(out, header, rows, title=title, rows_per_sheet=rows_per_sheet, notes=notes,
                   neutralised=neutralised)
    except BaseException:
        if target is None:
            out.close()
        raise
    out.seek(0)
    return out


def xlsx_bytes(header: Iterable, rows: Iterable[Iterable], **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(header, rows, target=buffer, **kwargs)
    return buffer.getvalue()


def xlsx_response(filename: str, header: Iterable, rows: Iterable[Iterable], **kwargs) -> FileResponse:
    """An XLSX download: written to a temporary file (the format needs the whole file before its
    index), then streamed from it."""
    return FileResponse(write_xlsx(header, rows, **kwargs), as_attachment=True, filename=filename,
                        content_type=XLSX_CONTENT_TYPE)


def response(fmt: str, filename: str, header: Iterable, rows: Iterable, *, title: str = "Data",
             notes: Iterable[str] = (), neutralised: bool = False, written: bool = False):
    """The download of `rows` as "csv" or "xlsx" (the XLSX with `title` on its sheet and `notes`).
    `written` rows (lines of CSV text, see csv_lines) are for a CSV only."""
    if fmt == "csv":
        return csv_response(filename, header, rows, neutralised=neutralised, written=written)
    if written:
        raise ValueError("rows written as CSV text can only be a CSV download")
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, title=title, notes=notes, neutralised=neutralised)
    raise ValueError(f"unknown export format {fmt!r}")


# ----------------------------------------------------------------------------- small numbers

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"


def suppress(count: int, below: int = SUPPRESS_BELOW) -> int | str:
    """A count for an aggregate table: counts under `below` are shown as "<5", so a small group
    cannot be singled out."""
    return SUPPRESSED if count < below else count


# The small-number rule of a row-level export, per group of people sharing a unit and a role.
KEEP, GENERALISE, SUPPRESS = "keep", "generalise", "suppress"
GENERALISED_UNIT = "(whole organisation)"


@dataclass(frozen=True)
class DisclosurePlan:
    """What the small-number rule does to each (organisation, unit, role) group, and the counts."""

    actions: dict  # (organisation id, unit id or None, role) -> KEEP | GENERALISE | SUPPRESS
    rows: int  # rows written
    generalised_rows: int
    suppressed_rows: int

    def as_detail(self) -> dict:
        return {"rows": self.rows, "generalised_rows": self.generalised_rows, "suppressed_rows": self.suppressed_rows,
                "groups": {action: sum(1 for a in self.actions.values() if a == action)
                           for action in (KEEP, GENERALISE, SUPPRESS)}}


def disclosure_plan(groups: Iterable[tuple], below: int = SUPPRESS_BELOW) -> DisclosurePlan:
    """The small-number rule for a row-level export. `groups` are (organisation id, unit id, role,
    rows, distinct people), one per unit x role combination (each person is in one unit and one
    role, so groups never share a person). A group of `below` or more people is kept as it is. A
    smaller one has its unit generalised to the whole organisation: it joins the other small groups
    of the same organisation and role; if that combined group still has fewer than `below` people,
    its rows are suppressed (left out)."""
    groups = list(groups)
    pooled: dict[tuple, int] = {}
    for org, _unit, role, _rows, people in groups:
        if people < below:
            pooled[org, role] = pooled.get((org, role), 0) + people
    actions, written, generalised, suppressed = {}, 0, 0, 0
    for org, unit, role, rows, people in groups:
        if people >= below:
            action = KEEP
        elif pooled[org, role] >= below:
            action, generalised = GENERALISE, generalised + rows
        else:
            action, suppressed = SUPPRESS, suppressed + rows
        actions[org, unit, role] = action
        written += 0 if action == SUPPRESS else rows
    return DisclosurePlan(actions=actions, rows=written, generalised_rows=generalised, suppressed_rows=suppressed)
