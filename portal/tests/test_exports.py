"""The one export module: neutralising (every formula prefix, nothing else touched), small-number
suppression, streamed CSV, write-only XLSX, and the team, OH and training downloads built on it."""

import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazy
from openpyxl import load_workbook

from portal import exports
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
