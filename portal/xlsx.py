"""A small streaming SpreadsheetML writer: the XLSX files of `portal.exports.write_xlsx` (the one
export API; use that). An XLSX is a ZIP archive of XML parts (ECMA-376, Office Open XML). The one
part that grows with the rows, each worksheet, is written here row by row straight into the
archive; the small parts (content types, relationships, workbook, styles) follow once the sheets
are known. Written by hand because openpyxl's per-cell work made a million-row export take 34
times as long as PostgreSQL's COPY of the same query (bench/export.py, goal E3 <= 20)."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.utils.functional import Promise

from portal.exports import FORMULA_STARTS, neutralise

MAX_TEXT = 32_767  # Excel's longest cell text, in UTF-16 code units
# A worksheet part stays under ZIP64's threshold (2 GiB - 1 in Python's zipfile): larger parts would
# need ZIP64 headers, which spreadsheet programs read less reliably. A sheet that would grow past it
# ends early and the rows go on in the next sheet (1,048,575 rows of nine short cells are ~0.4 GB).
PART_BYTES = 2_000_000_000
_BLOCK_ROWS = 1000  # rows encoded and written to the archive at a time
_TEXT_CACHE = 50_000  # short texts whose cell XML is remembered (repeated values: units, roles...)
_TEXT_CACHED_LENGTH = 64

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_START = f'{_XML_DECLARATION}<worksheet xmlns="{_MAIN_NS}"><sheetData>'
_SHEET_END = "</sheetData></worksheet>"

# Characters XML 1.0 does not allow (C0 controls but tab, newline and carriage return; surrogates;
# U+FFFE and U+FFFF): removed from text, as no reader could parse them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Anything in a text that needs more than copying: XML specials, a carriage return (kept as &#13;,
# since XML parsers turn a literal one into a newline), illegal characters, and "_" (SpreadsheetML
# reads _xHHHH_ in text as the character U+HHHH, so a literal one is escaped as _x005F_xHHHH_).
_XML_TEXT_WORK = re.compile("[&<>_\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_OOXML_ESCAPE_LOOKALIKE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_XML_WHITESPACE = " \t\n\r"
_INVALID_SHEET_TITLE = re.compile(r"[\\*?:/\[\]]")  # characters Excel refuses in a sheet name

# Cell styles (indexes into cellXfs in styles.xml): 0 plain, 1 a date, 2 a date and time; the same
# number formats openpyxl gave dates, so the files look as they did.
_DATE_STYLE, _DATETIME_STYLE = 1, 2
_STYLES = (
    f'{_XML_DECLARATION}<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")

_EMPTY_CELL = "<c/>"  # cells carry no reference: each <c> is the next column, so a blank one is kept
_TRUE_CELL, _FALSE_CELL = '<c t="b"><v>1</v></c>', '<c t="b"><v>0</v></c>'
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()  # day 0 of Excel's 1900 date system


def _xml_attribute(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _truncate_text(text: str) -> str:
    """`text` cut to Excel's 32,767 characters, counted as Excel counts them (UTF-16 code units, so
    an emoji is two); a character that would be cut in half is left out."""
    if len(text) <= MAX_TEXT // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) <= 2 * MAX_TEXT:
        return text
    return units[:2 * MAX_TEXT].decode("utf-16-le", errors="ignore")


def _text_cell(text: str, neutralised: bool) -> str:
    """The <c> element of a text cell. Characters XML cannot hold are removed first (then the text
    is neutralised again, in case a removed character hid a formula prefix); text longer than Excel
    allows is truncated; an empty text is a blank cell."""
    work = _XML_TEXT_WORK.search(text) is not None
    if work:
        cleaned = _XML_ILLEGAL.sub("", text)
        if cleaned != text:
            text, neutralised = cleaned, False
    if not neutralised and text.startswith(FORMULA_STARTS):
        text = neutralise(text)
    if not text:
        return _EMPTY_CELL
    text = _truncate_text(text)
    preserve = text[0] in _XML_WHITESPACE or text[-1] in _XML_WHITESPACE
    if work:
        text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\r", "&#13;"))
        if "_x" in text:
            text = _OOXML_ESCAPE_LOOKALIKE.sub("_x005F_", text)
    if preserve:  # else spreadsheets may trim the spaces
        return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def _excel_serial(value: date) -> float | int:
    """Days since 1899-12-30 (Excel's 1900 date system), with the time of day as a fraction. Like
    Excel, days before 1 March 1900 count one less (Excel believes 1900 had a 29 February)."""
    days = value.toordinal() - _EXCEL_EPOCH
    if 0 < days <= 60:
        days -= 1
    if not isinstance(value, datetime):
        return days
    return days + (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400


def _cell(value, neutralised: bool) -> str:
    """The <c> element of any value callers pass: text (lazy translations included), bool, int,
    float, Decimal, date, datetime or None (and NumPy's numbers). Time-zone-aware
    datetimes lose their zone (Excel has none; callers pass local times); NaN and infinities, which
    Excel cannot hold, are blank."""
    if value is None:
        return _EMPTY_CELL
    if isinstance(value, Promise):  # a lazy translation: text that has not been neutralised
        return _text_cell(str(value), False)
    if isinstance(value, str):
        return _text_cell(str(value), neutralised)
    if isinstance(value, bool):
        return _TRUE_CELL if value else _FALSE_CELL
    if isinstance(value, int):
        return f"<c><v>{int(value)}</v></c>"
    if isinstance(value, float):
        return f"<c><v>{float(value)!r}</v></c>" if math.isfinite(value) else _EMPTY_CELL
    if isinstance(value, Decimal):
        if not value.is_finite() or not math.isfinite(as_float := float(value)):
            return _EMPTY_CELL
        if value == value.to_integral_value() and abs(value) < 10**15:
            return f"<c><v>{int(value)}</v></c>"
        return f"<c><v>{as_float!r}</v></c>"
    if isinstance(value, datetime):
        return f'<c s="{_DATETIME_STYLE}"><v>{_excel_serial(value.replace(tzinfo=None))!r}</v></c>'
    if isinstance(value, date):
        return f'<c s="{_DATE_STYLE}"><v>{_excel_serial(value)}</v></c>'
    to_python = getattr(value, "item", None)  # NumPy's numbers and booleans (openpyxl took them too)
    if callable(to_python) and type(plain := to_python()) is not type(value):
        return _cell(plain, neutralised)
    raise ValueError(f"cannot write a {type(value).__name__} to an XLSX cell")


def _cells(row: Iterable, neutralised: bool, texts: dict) -> str:
    """The cells of one row as XML. The common cases (text, int, bool, None) are handled here without a
    call; the XML of short texts is remembered in `texts`, since exports repeat them a lot."""
    parts: list[str] = []
    append = parts.append
    for value in row:
        cls = value.__class__
        if cls is str:
            xml = texts.get(value)
            if xml is None:
                xml = _text_cell(value, neutralised)
                if len(value) <= _TEXT_CACHED_LENGTH and len(texts) < _TEXT_CACHE:
                    texts[value] = xml
            append(xml)
        elif cls is int:
            append(f"<c><v>{value}</v></c>")
        elif cls is bool:
            append(_TRUE_CELL if value else _FALSE_CELL)
        elif value is None:
            append(_EMPTY_CELL)
        else:
            append(_cell(value, neutralised))
    return "".join(parts)


class _Worksheet:
    """One worksheet part, written into the open archive as rows come: rows are collected as XML
    text and encoded and written a block at a time."""

    def __init__(self, archive: zipfile.ZipFile, number: int, name: str):
        self.name, self.part = name, f"xl/worksheets/sheet{number}.xml"
        self._file = archive.open(_zip_entry(self.part), "w")
        self._block: list[str] = [_SHEET_START]
        self._block_chars = len(_SHEET_START)
        self._written = 0  # bytes
        self.rows = 0

    def has_room(self, xml: str) -> bool:
        """Whether a row of this XML still fits under PART_BYTES (at most 4 bytes a character)."""
        return self._written + 4 * (self._block_chars + len(xml) + 64 + len(_SHEET_END)) <= PART_BYTES

    def add(self, cells_xml: str) -> None:
        self.rows += 1
        self._block.append(f'<row r="{self.rows}">{cells_xml}</row>')
        self._block_chars += len(cells_xml) + 30
        if len(self._block) >= _BLOCK_ROWS:
            self._flush()

    def _flush(self) -> None:
        data = "".join(self._block).encode("utf-8")
        self._file.write(data)
        self._written += len(data)
        self._block, self._block_chars = [], 0

    def close(self) -> None:
        self._block.append(_SHEET_END)
        self._flush()
        self._file.close()

    def abandon(self) -> None:
        self._file.close()  # as it is: the archive is not used after an error


def _zip_entry(name: str) -> zipfile.ZipInfo:
    """An archive entry, deflated at zlib's default level (as openpyxl did), dated 1980-01-01 (ZIP's
    earliest time): the same rows make the same bytes."""
    entry = zipfile.ZipInfo(name)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _unique_sheet_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`... if a sheet already has it (Excel ignores case)."""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = name[:31 - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _write_package(archive: zipfile.ZipFile, sheets: list[_Worksheet]) -> None:
    """The parts that say what the archive holds: content types, relationships, workbook, styles."""
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(f'<Override PartName="/{s.part}" ContentType="{sheet_type}"/>' for s in sheets)
    archive.writestr(_zip_entry("[Content_Types].xml"), (
        f'{_XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>"))
    archive.writestr(_zip_entry("_rels/.rels"), (
        f'{_XML_DECLARATION}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_DOC_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"))
    entries = "".join(f'<sheet name="{_xml_attribute(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, s in enumerate(sheets, 1))
    archive.writestr(_zip_entry("xl/workbook.xml"), (
        f'{_XML_DECLARATION}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_DOC_REL_NS}">'
        f"<bookViews><workbookView/></bookViews><sheets>{entries}</sheets></workbook>"))
    links = "".join(f'<Relationship Id="rId{i}" Type="{_DOC_REL_NS}/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    archive.writestr(_zip_entry("xl/_rels/workbook.xml.rels"), (
        f'{_XML_DECLARATION}<Relationships xmlns="{_PKG_REL_NS}">{links}'
        f'<Relationship Id="rId{len(sheets) + 1}" Type="{_DOC_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"))
    archive.writestr(_zip_entry("xl/styles.xml"), _STYLES)


class _Book:
    """The sheets written so far into an open archive, named uniquely, each data sheet starting
    with the header."""

    def __init__(self, archive: zipfile.ZipFile, heading: str):
        self.archive, self.heading = archive, heading
        self.sheets: list[_Worksheet] = []
        self._taken: set[str] = set()

    def new_sheet(self, name: str, *, with_heading: bool = True) -> _Worksheet:
        sheet = _Worksheet(self.archive, len(self.sheets) + 1, _unique_sheet_name(name, self._taken))
        self.sheets.append(sheet)
        if with_heading:
            sheet.add(self.heading)
        return sheet

    def write(self, rows: Iterable[Iterable], neutralised: bool, title: str, rows_per_sheet: int,
              notes: Iterable[str]) -> None:
        texts: dict[str, str] = {}
        sheet, in_sheet = self.new_sheet(title), 0
        for row in rows:
            xml = _cells(row, neutralised, texts)
            if in_sheet == rows_per_sheet or not sheet.has_room(xml):
                sheet.close()
                sheet, in_sheet = self.new_sheet(f"{title[:27]} {len(self.sheets) + 1}"), 0
            sheet.add(xml)
            in_sheet += 1
        sheet.close()
        notes = list(notes)
        if notes:
            sheet = self.new_sheet("Notes", with_heading=False)
            for line in notes:
                sheet.add(_cell(neutralise(line), True))
            sheet.close()
        _write_package(self.archive, self.sheets)

    def abandon(self) -> None:
        """After an error: close the sheet being written, so that the archive closes and the first
        error is the one raised."""
        if self.sheets:
            self.sheets[-1].abandon()


def write(out, header: Iterable, rows: Iterable[Iterable], *, title: str, rows_per_sheet: int,
          notes: Iterable[str], neutralised: bool) -> None:
    """Write the XLSX to the binary file `out` (seekable), as portal.exports.write_xlsx says."""
    if not title or _INVALID_SHEET_TITLE.search(title):
        raise ValueError(f"{title!r} cannot be a sheet name")
    heading = "".join(_cell(neutralise(h), True) for h in header)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        book = _Book(archive, heading)
        try:
            book.write(rows, neutralised, title, rows_per_sheet, notes)
        except BaseException:
            book.abandon()
            raise
