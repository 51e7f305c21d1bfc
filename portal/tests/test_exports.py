"""The one export module: neutralising (every formula prefix, nothing else touched), small-number
suppression, streamed CSV, our own streaming XLSX writer (every file read back by openpyxl, in
both its modes, and by pandas), and the team, OH and training downloads built on it."""

import csv
import io
import math
import re
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from xml.etree import ElementTree

import pandas as pd
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel

from portal import exports, xlsx
from tests.factories import OfficerFactory

# ----------------------------------------------------------------------------- neutralising


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
@pytest.mark.parametrize("rest", ["", "1+1", "SUM(A1:A9)", 'HYPERLINK("http://evil")', "cmd|' /C calc'!A0"])
def test_every_formula_prefix_is_neutralised(prefix, rest):
    assert exports.neutralise(prefix + rest) == "'" + prefix + rest


def test_the_prefixes_are_exactly_owasps():
    assert set(exports.FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("value", ["Response", "a=b", "", " =x", "'=x", "Team 1-2", "\n=x", "x\t", "£5",
                                   None, True, False, 0, -3, 2.5, -2.5, Decimal("-1.5"), date(2026, 1, 2),
                                   datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)])
def test_everything_else_is_left_alone(value):
    assert exports.neutralise(value) == value
    assert type(exports.neutralise(value)) is type(value)


def test_lazy_translations_are_neutralised_as_text():
    lazy_text = lazy(lambda: "=cmd", str)()
    assert exports.neutralise(lazy_text) == "'=cmd"


def test_the_cached_neutraliser_agrees_with_neutralise():
    safe = exports.CachedNeutraliser()
    for value in ["=x", "=x", "Response", "-1", "", "@a", "Response", "\tx", "\rx", None]:
        assert safe(value) == exports.neutralise(value)


# ----------------------------------------------------------------------------- small numbers


@pytest.mark.parametrize(("count", "shown"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, 5), (6, 6), (1000, 1000)])
def test_counts_under_five_are_suppressed(count, shown):
    assert exports.suppress(count) == shown


# ----------------------------------------------------------------------------- CSV


def test_csv_lines_neutralise_every_cell_and_keep_numbers():
    text = "".join(exports.csv_lines(["=head", "n"], [["=evil()", -1], ["\tok", 3], ["\r=x", 2.5]]))
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["'=head", "n"], ["'=evil()", "-1"], ["'\tok", "3"], ["'\r=x", "2.5"]]


def test_csv_lines_is_lazy_and_writes_in_blocks():
    def rows():
        yield ["a"]
        yield ["b"]
        raise AssertionError("read too far")

    lines = exports.csv_lines(["h"], rows(), batch=2)
    assert next(lines).endswith("h\r\n")
    assert next(lines) == "a\r\nb\r\n"


def test_csv_cells_show_dates_as_iso_and_none_as_empty():
    text = "".join(exports.csv_lines(["a", "b", "c"], [[date(2026, 1, 2), None,
                                                          datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)]]))
    assert text.splitlines()[1] == "2026-01-02,,2026-01-02T03:04:00+00:00"


def test_rows_already_neutralised_are_written_as_they_are():
    text = "".join(exports.csv_lines(["h"], [["'=x"]], neutralised=True))
    assert text.splitlines()[1] == "'=x"


def test_a_csv_response_streams_with_its_filename():
    response = exports.csv_response("x.csv", ["h"], iter([["=1"], [2]]))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert b"".join(response.streaming_content).decode("utf-8-sig").splitlines() == ["h", "'=1", "2"]


# ----------------------------------------------------------------------------- XLSX


def test_xlsx_splits_sheets_at_the_row_limit_and_repeats_the_header():
    data = exports.xlsx_bytes(["n", "text"], ([i, f"row {i}"] for i in range(7)), title="Data", rows_per_sheet=3)
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["Data", "Data 2", "Data 3"]
    sheets = [list(book[name].iter_rows(values_only=True)) for name in book.sheetnames]
    assert [len(s) for s in sheets] == [4, 4, 2]
    assert all(s[0] == ("n", "text") for s in sheets)
    assert [r[0] for s in sheets for r in s[1:]] == list(range(7))


def test_the_real_sheet_limit_is_excels():
    assert exports.XLSX_DATA_ROWS_PER_SHEET + 1 == 1_048_576


def test_xlsx_cells_are_neutralised_and_dates_kept():
    data = exports.xlsx_bytes(["=h"], [["=1+1"], ["@x"], ["\tx"], ["\rx"], [5], [None], [date(2026, 1, 2)],
                                       [datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)]])
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows == [("'=h",), ("'=1+1",), ("'@x",), ("'\tx",), ("'\rx",), (5,), (None,),
                    (datetime(2026, 1, 2),), (datetime(2026, 1, 2, 3, 4),)]


def test_xlsx_sheet_names_stay_within_excels_31_characters():
    data = exports.xlsx_bytes(["h"], ([i] for i in range(3)), title="x" * 40, rows_per_sheet=2,
                              notes=["=a note"])
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["x" * 31, "x" * 27 + " 2", "Notes"]
    assert list(book["Notes"].iter_rows(values_only=True)) == [("'=a note",)]


def test_an_xlsx_response_is_a_file_download():
    response = exports.response("xlsx", "x.xlsx", ["h"], [[1]], title="t")
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert list(book["t"].iter_rows(values_only=True)) == [("h",), (1,)]
    with pytest.raises(ValueError):
        exports.response("pdf", "x.pdf", ["h"], [])


# ----------------------------------------------------------------------------- XLSX: the writer, read back
#
# Every file is read back three ways (openpyxl normal and read-only, pandas with openpyxl), and the
# values compared with what each Python value should become in a spreadsheet.


def _trimmed(rows) -> list[tuple]:
    """Rows without their trailing blank cells, and without trailing blank rows."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(tuple(row))
    while out and not out[-1]:
        out.pop()
    return out


def _workbooks(data: bytes) -> list[dict[str, list[tuple]]]:
    """The sheets of an XLSX as read by openpyxl (normal, then read-only) and by pandas, each as
    {sheet name: rows of values}; pandas' blanks (NaN, NaT) as None and its Timestamps as datetimes.
    Trailing blanks are dropped (the readers disagree on how long a row or a sheet is)."""
    books = []
    for read_only in (False, True):
        book = load_workbook(io.BytesIO(data), read_only=read_only)
        books.append({name: _trimmed(book[name].iter_rows(values_only=True)) for name in book.sheetnames})
        book.close()
    frames = pd.read_excel(io.BytesIO(data), engine="openpyxl", sheet_name=None, header=None, dtype=object)

    def plain(value):
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
            return None
        return value.item() if hasattr(value, "item") else value

    books.append({name: _trimmed(tuple(plain(v) for v in row) for row in frame.astype(object).itertuples(index=False))
                  for name, frame in frames.items()})
    return books


def _excel_text(text: str) -> str:
    """Text as Excel reads it: SpreadsheetML's _xHHHH_ escapes decoded (openpyxl leaves them)."""
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _same(read, expected) -> bool:
    """A value read back against the expected one: pandas reads whole floats as ints, and dates
    and datetimes come back as datetimes at millisecond precision."""
    if isinstance(expected, str):
        return isinstance(read, str) and _excel_text(read) == expected
    if isinstance(expected, bool) or expected is None:
        return read is expected or read == expected and type(read) is type(expected)
    if isinstance(expected, datetime):
        return isinstance(read, datetime) and abs(read - expected) <= timedelta(milliseconds=1)
    return isinstance(read, int | float) and not isinstance(read, bool) and read == expected


def _assert_reads_back(data: bytes, expected: dict[str, list[tuple]]):
    for book in _workbooks(data):
        assert list(book) == list(expected)
        for name, rows in expected.items():
            got, rows = book[name], _trimmed(rows)
            assert len(got) == len(rows), name
            for got_row, row in zip(got, rows, strict=True):
                assert len(got_row) == len(row) and all(map(_same, got_row, row)), (got_row, row)


XML_ILLEGAL = {*map(chr, range(0x20)), "\ufffe", "\uffff"} - {"\t", "\n", "\r"}


def _expected_text(text: str, neutralised: bool = False) -> str | None:
    """What a text cell should hold, modelled here independently of the writer: characters XML 1.0
    cannot hold removed, then (if any were, or the caller did not neutralise) a formula prefix
    neutralised, cut to 32,767 UTF-16 code units; an empty text is a blank cell."""
    cleaned = "".join(c for c in text if c not in XML_ILLEGAL and not 0xD800 <= ord(c) <= 0xDFFF)
    if cleaned != text or not neutralised:
        cleaned = exports.neutralise(cleaned)
    units = 0
    for i, c in enumerate(cleaned):
        units += 2 if ord(c) > 0xFFFF else 1
        if units > 32_767:
            cleaned = cleaned[:i]
            break
    return cleaned or None


def test_every_value_type_reads_back_typed():
    lazy_text = lazy(lambda: "+lazy", str)()
    row = ["text", lazy_text, 42, -7, 2**62, 2.5, -0.1, 1e300, 2.0, Decimal("1.50"), Decimal("12"),
           Decimal("-0.001"), True, False, date(2026, 3, 1), datetime(2026, 3, 1, 13, 45, 30),
           datetime(2026, 3, 1, 13, 45, 30, 250000, tzinfo=timezone.utc), None, "after a blank"]
    data = exports.xlsx_bytes([f"c{i}" for i in range(len(row))], [row])
    expected_row = ("text", "'+lazy", 42, -7, 2**62, 2.5, -0.1, 1e300, 2.0, 1.5, 12, -0.001, True, False,
                    datetime(2026, 3, 1), datetime(2026, 3, 1, 13, 45, 30), datetime(2026, 3, 1, 13, 45, 30, 250000),
                    None, "after a blank")
    _assert_reads_back(data, {"Data": [tuple(f"c{i}" for i in range(len(row))), expected_row]})
    cells = load_workbook(io.BytesIO(data))["Data"][2]
    assert [type(c.value) for c in cells[2:5]] == [int, int, int]  # exact, not through a float
    assert [c.number_format for c in cells[14:17]] == ["yyyy-mm-dd", "yyyy-mm-dd h:mm:ss", "yyyy-mm-dd h:mm:ss"]
    assert cells[0].font.b is False  # the header and cells are plain, as openpyxl wrote them


def test_numpy_numbers_are_numbers():
    import numpy as np

    data = exports.xlsx_bytes(["h"], [[np.int64(7), np.float64(2.5), np.float32(0.5), np.bool_(True)]])
    _assert_reads_back(data, {"Data": [("h",), (7, 2.5, 0.5, True)]})


def test_numbers_that_excel_cannot_hold_are_blank():
    data = exports.xlsx_bytes(["h"], [[math.nan], [math.inf], [-math.inf], [Decimal("NaN")], [Decimal("1E+400")], [1]])
    _assert_reads_back(data, {"Data": [("h",), (), (), (), (), (), (1,)]})


@pytest.mark.parametrize("value", [object(), b"bytes", {"a": 1}, timedelta(days=1)])
def test_a_value_of_another_type_is_refused_without_showing_it(value):
    with pytest.raises(ValueError, match="cannot write a") as error:
        exports.xlsx_bytes(["h"], [[value]])
    assert "bytes'" not in str(error.value) and "'a'" not in str(error.value)


HOSTILE = [
    "=1+1", "+cmd", "-2", "@SUM(A1)", "\t=x", "\r=x",  # formula prefixes: neutralised
    "a & b < c > d \\" ' \' "quoted"', "<t>not markup</t>", "&amp; already", "]]>",  # XML specials
    "nul\x00byte", "bell\x07 and vt\x0b ff\x0c esc\x1b", "\x00=hidden formula", "lone \ud800 surrogate \udfff",
    "not chars \ufffe\uffff", "\x01",  # characters XML 1.0 cannot hold: removed
    "tab\tnewline\ncr\rcrlf\r\n", "  leading and trailing  ", "\n", " ", "ends in cr\r",  # whitespace kept
    "emoji 🙂🚓 and ZWJ 👩‍⚕️", "Welsh: ŵ ŷ Ŵ Ŷ â ê î ô û", "RTL عربى", "_x0041_ and _X0041_ and _x00zz_",
    "_x005F_x0041_", "", "'=already neutral",
]


@pytest.mark.parametrize("neutralised", [False, True])
def test_hostile_text_reads_back_as_written_and_safe(neutralised):
    rows = [[text] for text in HOSTILE] if not neutralised else [[exports.neutralise(t)] for t in HOSTILE]
    data = exports.xlsx_bytes(["h"], rows, neutralised=neutralised)
    expected = [(_expected_text(row[0], neutralised),) for row in rows]
    _assert_reads_back(data, {"Data": [("h",), *expected]})
    sheet = load_workbook(io.BytesIO(data), read_only=True)["Data"]
    read = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    shown = {HOSTILE[i]: _excel_text(v) if v else v for i, v in enumerate(read)}
    assert shown["=1+1"] == "'=1+1" and shown["\x00=hidden formula"] == "'=hidden formula"
    assert shown["lone \ud800 surrogate \udfff"] == "lone  surrogate " and shown["\x01"] is None
    assert shown["tab\tnewline\ncr\rcrlf\r\n"] == "tab\tnewline\ncr\rcrlf\r\n"
    assert shown["_x0041_ and _X0041_ and _x00zz_"] == "_x0041_ and _X0041_ and _x00zz_"
    assert shown[""] is None  # an empty text is a blank cell, as before


def test_text_is_cut_to_excels_cell_limit_in_utf16_units():
    """Excel holds at most 32,767 characters in a cell, counted in UTF-16 code units (an emoji is
    two): longer text is truncated, never split inside a character."""
    fits, over = "a" * 32_767, "b" * 32_768
    emoji_edge = "c" * 32_766 + "🙂tail"  # the emoji would need units 32,767 and 32,768
    data = exports.xlsx_bytes(["h"], [[fits], [over], [emoji_edge], ["🙂" * 20_000]])
    _assert_reads_back(data, {"Data": [("h",), (fits,), ("b" * 32_767,), ("c" * 32_766,), ("🙂" * 16_383,)]})


def test_dates_are_excel_serials_as_openpyxl_wrote_them():
    for day in [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(1970, 1, 1), date(2026, 11, 30),
                date(9999, 12, 31)]:
        assert xlsx._excel_serial(day) == to_excel(day)
    moment = datetime(2026, 11, 30, 23, 59, 59, 999999)
    assert xlsx._excel_serial(moment) == to_excel(moment)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)))
def test_every_datetime_serial_matches_openpyxls(moment):
    assert xlsx._excel_serial(moment) == to_excel(moment)
    assert xlsx._excel_serial(moment.date()) == to_excel(moment.date())


def _texts():
    tricky = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "&", "<", ">", '"', "'", "\x00", "\x1f",
                              "\ud800", "\udfff", "\ufffe", "\uffff", "_x0041_", "_x005F_", " ", "🙂", "ŵ"])
    return st.lists(st.one_of(st.text(max_size=12), tricky), max_size=4).map("".join)


CELLS = st.one_of(
    _texts(),
    st.builds(lambda t: lazy(lambda: t, str)(), _texts()),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12, places=4),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), timezones=st.sampled_from([None, timezone.utc])),
    st.none(),
)


def _expected_cell(value, neutralised: bool):
    if isinstance(value, str) or hasattr(value, "_proxy____cast"):  # text, or a lazy translation
        return _expected_text(str(value), neutralised and isinstance(value, str))
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELLS, max_size=6), max_size=8), rows_per_sheet=st.integers(1, 5),
       neutralised=st.booleans())
def test_random_rows_of_mixed_types_round_trip(rows, rows_per_sheet, neutralised):
    if neutralised:
        rows = [[exports.neutralise(v) for v in row] for row in rows]
    data = exports.xlsx_bytes(["a", "=b"], rows, title="t", rows_per_sheet=rows_per_sheet, neutralised=neutralised)
    expected, sheet = {}, 0
    for i in range(0, max(len(rows), 1), rows_per_sheet):
        sheet += 1
        expected["t" if sheet == 1 else f"t {sheet}"] = [
            ("a", "'=b"), *(tuple(_expected_cell(v, neutralised) for v in row) for row in rows[i:i + rows_per_sheet])]
    _assert_reads_back(data, expected)


def test_the_archive_is_whole_and_every_part_is_xml():
    data = exports.xlsx_bytes(["h", "d"], ([f"<{i}> & ŵ", date(2026, 1, i % 28 + 1)] for i in range(50)),
                              rows_per_sheet=20, notes=["a note"])
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    names = set(archive.namelist())
    assert names == {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/styles.xml", *(f"xl/worksheets/sheet{i}.xml" for i in range(1, 5))}
    parsed = {name: ElementTree.fromstring(archive.read(name)) for name in names}  # noqa: S314 - our own output
    try:
        from lxml import etree
    except ImportError:  # not a dependency of the portal
        etree = None
    if etree is not None:
        for name in names:
            etree.fromstring(archive.read(name))
    # every part has a content type and every relationship points at a part that is there
    types = parsed["[Content_Types].xml"]
    overridden = {o.get("PartName") for o in types if o.tag.endswith("Override")}
    assert overridden | {"/_rels/.rels", "/xl/_rels/workbook.xml.rels"} == {f"/{n}" for n in names} - {
        "/[Content_Types].xml"}
    targets = [r.get("Target") for r in parsed["xl/_rels/workbook.xml.rels"]]
    assert {f"xl/{t}" for t in targets} == names - {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                                                   "xl/_rels/workbook.xml.rels"}
    assert [r.get("Target") for r in parsed["_rels/.rels"]] == ["xl/workbook.xml"]


def test_the_same_rows_make_the_same_file():
    rows = [["a", 1, date(2026, 1, 2)], ["b", 2.5, None]]
    assert exports.xlsx_bytes(["h"], rows, notes=["n"]) == exports.xlsx_bytes(["h"], rows, notes=["n"])


def test_a_sheet_too_big_for_a_plain_zip_entry_goes_on_in_the_next(monkeypatch):
    """A worksheet part ends before ZIP64's threshold (made small here): the rows go on in the next
    sheet, with the header again, and none is lost."""
    monkeypatch.setattr(xlsx, "PART_BYTES", 6_000)
    rows = [[i, "x" * 100] for i in range(60)]
    data = exports.xlsx_bytes(["n", "text"], rows, title="Data")
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
    assert len(sheets) > 2 and all(i.file_size <= 6_000 for i in sheets)
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["Data"] + [f"Data {n}" for n in range(2, len(sheets) + 1)]
    read = [list(book[name].iter_rows(values_only=True)) for name in book.sheetnames]
    assert all(sheet[0] == ("n", "text") for sheet in read)
    assert [r[0] for sheet in read for r in sheet[1:]] == list(range(60))


def test_sheet_names_are_unique_and_checked():
    data = exports.xlsx_bytes(["h"], [[1]], title="Notes", notes=["n"])
    assert load_workbook(io.BytesIO(data)).sheetnames == ["Notes", "Notes (2)"]
    data = exports.xlsx_bytes(["h"], [[1]], title='A & B <"c">')
    assert load_workbook(io.BytesIO(data)).sheetnames == ['A & B <"c">']
    for bad in ["a/b", "a[1]", "what?", "", "a:b"]:
        with pytest.raises(ValueError):
            exports.xlsx_bytes(["h"], [[1]], title=bad)


def test_rows_are_read_once_as_they_come_and_an_empty_export_has_its_header():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield [i]

    out = exports.write_xlsx(["h"], rows())
    assert consumed == [0, 1, 2] and out.tell() == 0
    _assert_reads_back(out.read(), {"Data": [("h",), (0,), (1,), (2,)]})
    _assert_reads_back(exports.xlsx_bytes(["h", "=i"], []), {"Data": [("h", "'=i")]})


# ----------------------------------------------------------------------------- the downloads


def _download(client, url) -> tuple[StreamingHttpResponse, bytes, int]:
    """The response, its whole body and how many queries making and sending it took."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    return response, body, len(ctx.captured_queries)


def test_the_team_export_streams_with_a_constant_query_count(login, supervisor, officer, teammate, team_a, force):
    client = login(supervisor)
    response, body, small = _download(client, "/team/export.csv")
    assert response.streaming and response["Content-Disposition"].startswith('attachment; filename="team-')
    for _ in range(15):
        OfficerFactory(organisation=force, team=team_a)
    _response, more, large = _download(client, "/team/export.csv")
    assert more.count(b"\r\n") > body.count(b"\r\n") and small == large


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_oh_export_streams_with_a_constant_query_count(login, oh, officer, fmt):
    from wellbeing.tests.helpers import make_checkin

    client = login(oh)
    url = f"/oh/reports/export/?report=checkins&format={fmt}"
    make_checkin(officer, "phq9", [1] * 9)
    response, _body, small = _download(client, url)
    assert response.streaming and response["Content-Disposition"].startswith('attachment; filename="oh-checkins-')
    for _ in range(20):
        make_checkin(officer, "phq9", [1] * 9)
    _response, _body, large = _download(client, url)
    assert small == large


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_training_export_streams(login, trainer, fmt):
    response, body, _queries = _download(login(trainer), f"/training/manage/reports/reach.{fmt}")
    assert response.streaming and response["Content-Disposition"].startswith('attachment; filename="training-reach-')
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(body))["reach"]["A1"].value == "Organisation"
    else:
        assert body.decode("utf-8-sig").startswith("Organisation,")
