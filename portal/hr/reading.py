"""Reading an HR file (CSV or XLSX) into records: `read_file`. Every problem becomes a RowError in
plain words (a whole-file problem has row 0); nothing raises. The file is read as a stream of rows,
so memory grows with the records kept, not with the file's text."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import operator
import sys
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.hr.bulk import collector_paused
from portal.hr.records import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ReadResult,
    RowError,
    normalise_header,
    record_from_cells,
)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
DELIMITERS = (",", ";", "\t", "|")
_CHUNK = 1 << 16


class FileProblem(Exception):
    """A problem with the whole file (its message is shown as it is)."""


def max_bytes() -> int:
    return int(getattr(settings, "HR_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "HR_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def _size_and_hash(stream) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return size, digest.hexdigest()


def _encoding(stream) -> str:
    """utf-8-sig if the whole file is UTF-8 (with or without a byte-order mark), else cp1252 if it
    reads as Windows-1252; checked in chunks, so the decoded text is never all in memory."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        stream.seek(0)
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            stream.seek(0)
        return encoding
    raise FileProblem(_("The file's text could not be read: save it as CSV UTF-8 (or as an XLSX workbook)."))


def _header_map(cells) -> tuple[dict[int, str], list]:
    """Column index -> column name, and the columns found that the import does not know."""
    found, unknown, seen = {}, [], set()
    for index, cell in enumerate(cells):
        name = normalise_header(cell)
        if not name:
            continue
        if name in seen:
            raise FileProblem(_("Column '%(column)s' appears twice in the header row.") % {"column": name})
        seen.add(name)
        if name in COLUMNS:
            found[index] = name
        else:
            unknown.append(str(cell).strip())
    return found, unknown


def _check_required(columns: dict[int, str], cells) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in columns.values()]
    if missing:
        shown = ", ".join(f"'{str(c).strip()}'" for c in cells if str(c or "").strip()) or _("none")
        raise FileProblem(_("The header row has no column %(missing)s. Columns found: %(found)s. The first row "
                            "must name the columns (see the template).")
                          % {"missing": ", ".join(f"'{m}'" for m in missing), "found": shown})


def _sniff_delimiter(first_line: str) -> str:
    """The delimiter whose split of the header row holds the staff_number column."""
    best = None
    for delimiter in DELIMITERS:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        if "staff_number" in {normalise_header(c) for c in cells}:
            return delimiter
        if best is None or len(cells) > best[1]:
            best = (delimiter, len(cells))
    cells = next(csv.reader([first_line], delimiter=best[0]), [])
    if len(cells) <= 1:
        raise FileProblem(_("The header row could not be split into columns: separate them with commas, "
                            "semicolons, tabs or '|'. The first row reads: '%(line)s'.") % {"line": first_line[:120]})
    _check_required({}, cells)
    return best[0]


def _csv_rows(stream) -> Iterator[tuple[int, list]]:
    """(row number, cells) of a CSV file, header first."""
    text = io.TextIOWrapper(stream, encoding=_encoding(stream), newline="")
    first_line = text.readline().rstrip("\r\n")
    if not first_line.strip():
        raise FileProblem(_("The first row is empty: it must name the columns (see the template)."))
    delimiter = _sniff_delimiter(first_line)
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise FileProblem(_("The CSV could not be read after row %(row)d: a quotation mark is not closed.")
                          % {"row": reader.line_num}) from exc


def _xlsx_sheet(workbook):
    """The one sheet whose first row has the staff_number column."""
    with_header = []
    for sheet in workbook.worksheets:
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        if "staff_number" in {normalise_header(c) for c in first if c is not None}:
            with_header.append(sheet)
    if len(with_header) == 1:
        return with_header[0]
    names = ", ".join(f"'{s.title}'" for s in workbook.worksheets)
    if not with_header:
        raise FileProblem(_("No sheet of the workbook has a header row with a staff_number column (sheets: "
                            "%(sheets)s).") % {"sheets": names})
    raise FileProblem(_("Several sheets have a header row (%(sheets)s): keep the people on one sheet and "
                        "remove or rename the others' header rows.")
                      % {"sheets": ", ".join(f"'{s.title}'" for s in with_header)})


def _xlsx_rows(stream) -> Iterator[tuple[int, list]]:
    import openpyxl

    try:
        # read_only streams the sheet's XML; data_only=False keeps formulas as their text ("=..."),
        # which the row check refuses: a formula is never evaluated.
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise FileProblem(_("The file could not be read as an XLSX workbook: save it again from the spreadsheet "
                            "as .xlsx or as CSV UTF-8.")) from exc
    try:
        sheet = _xlsx_sheet(workbook)
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    except FileProblem:
        raise
    except Exception as exc:  # noqa: BLE001
        raise FileProblem(_("The workbook could not be read to the end: save it again as .xlsx or as CSV "
                            "UTF-8.")) from exc
    finally:
        workbook.close()


def _is_xlsx(stream, filename: str) -> bool:
    name = filename.lower()
    if name.endswith((".xls", ".ods", ".numbers")):
        raise FileProblem(_("This kind of spreadsheet cannot be read: save it as .xlsx or as CSV UTF-8."))
    stream.seek(0)
    magic = stream.read(4)
    stream.seek(0)
    return name.endswith((".xlsx", ".xlsm")) or magic == b"PK\x03\x04"


def _blank(cells) -> bool:
    first = cells[0] if cells else None
    if first.__class__ is str and first and not first[0].isspace():
        return False  # most rows: the first cell has text
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _read_rows(rows: Iterator[tuple[int, list]], result: ReadResult, limit: int) -> None:
    _number, header = next(rows, (1, []))
    columns, unknown = _header_map(header)
    _check_required(columns, header)
    result.columns = tuple(columns.values())
    given = frozenset(name for name in OPTIONAL_COLUMNS if name in columns.values())
    if unknown:
        result.warnings.append(RowError(1, "", _("these columns are not used by the import and are ignored: "
                                                 "%(columns)s.") % {"columns": ", ".join(unknown)}))
    first_row, cache, folded = {}, {}, {}
    width = max(columns) + 1
    indexes, names = list(columns), list(columns.values())
    pick = operator.itemgetter(*indexes) if len(indexes) > 1 else (lambda cells: (cells[indexes[0]],))
    for number, cells in rows:
        if _blank(cells):
            continue
        result.rows += 1
        if result.rows > limit:
            raise FileProblem(ngettext("The file has more than %(limit)d person: split it into several files.",
                                       "The file has more than %(limit)d people: split it into several files.",
                                       limit) % {"limit": limit})
        found = dict(zip(names, pick(cells), strict=True)) if len(cells) >= width else {
            name: cells[index] for index, name in columns.items() if index < len(cells)}
        record, errors = record_from_cells(number, found, given, cache)
        result.errors.extend(errors)
        if record is None:
            continue
        organisation = folded.get(record.organisation)
        if organisation is None:
            organisation = folded[record.organisation] = sys.intern(record.organisation.casefold())
        key = (organisation, record.staff_number)
        if key in first_row:
            result.errors.append(RowError(number, "staff_number", _(
                "staff number %(number)s is also on row %(first)d: each person must appear once.")
                % {"number": record.staff_number, "first": first_row[key]}))
            continue
        first_row[key] = number
        result.records.append(record)


@collector_paused()
def read_file(data, filename: str = "", *, row_limit: int | None = None) -> ReadResult:
    """Read an HR file (bytes or a binary file object; CSV or XLSX) into typed records and errors.
    `row_limit`: stop at this many people rather than HR_IMPORT_MAX_ROWS (the admin page's smaller
    limit); `rows` is then one more than it."""
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    result = ReadResult()
    try:
        stream.seek(0, io.SEEK_END)
        size = stream.tell()
        if size <= max_bytes():
            size, result.sha256 = _size_and_hash(stream)  # a file over the limit is not read at all
        if size == 0:
            raise FileProblem(_("The file is empty (0 bytes)."))
        if size > max_bytes():
            raise FileProblem(_("The file is %(size)s MB; the most the import takes is %(limit)s MB. Split it, or "
                                "leave out columns the import does not use.")
                              % {"size": f"{size / 1048576:.1f}", "limit": f"{max_bytes() / 1048576:.0f}"})
        rows = _xlsx_rows(stream) if _is_xlsx(stream, filename) else _csv_rows(stream)
        _read_rows(rows, result, min(max_rows(), row_limit or max_rows()))
        if not result.rows and not result.errors:
            raise FileProblem(_("The file has a header row but no people."))
    except FileProblem as problem:
        result.errors.insert(0, RowError(0, "", str(problem)))
        result.records = []
    except zipfile.BadZipFile:
        result.errors.insert(0, RowError(0, "", _("The file could not be read as an XLSX workbook.")))
        result.records = []
    return result
