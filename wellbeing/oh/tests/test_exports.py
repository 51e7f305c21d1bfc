"""Pure export helpers: keyed pseudonyms, suppression, formula neutralisation, CSV and XLSX writers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from wellbeing import exports


def test_a_pseudonym_is_stable_for_the_same_person_and_key():
    assert exports.pseudonym(42, "key-one") == exports.pseudonym(42, "key-one")
    assert len(exports.pseudonym(42, "key-one")) == exports.PSEUDONYM_LENGTH


def test_a_pseudonym_differs_between_people_and_between_keys():
    assert exports.pseudonym(42, "key-one") != exports.pseudonym(43, "key-one")
    assert exports.pseudonym(42, "key-one") != exports.pseudonym(42, "key-two")


def test_a_pseudonym_is_not_a_plain_hash_of_the_id():
    import hashlib

    plain = hashlib.sha256(b"42").hexdigest()[: exports.PSEUDONYM_LENGTH]
    assert exports.pseudonym(42, "key-one") != plain
    assert "42" not in exports.pseudonym(42, "key-one")


def test_a_pseudonym_needs_a_key():
    with pytest.raises(ValueError):
        exports.pseudonym(1, "")


def test_the_pseudonymiser_caches_and_agrees_with_the_function():
    p = exports.Pseudonymiser("k")
    assert p(7) == exports.pseudonym(7, "k") == p(7)


@pytest.mark.parametrize(("count", "shown"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, 5), (6, 6), (1000, 1000)])
def test_counts_under_five_are_suppressed(count, shown):
    assert exports.suppress(count) == shown


@pytest.mark.parametrize("text", ["=1+1", "+44", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", "=HYPERLINK(\"x\")"])
def test_text_that_a_spreadsheet_would_run_is_neutralised(text):
    assert exports.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Response", "a=b", "", None, -3, 2.5, "Team 1-2"])
def test_other_values_are_left_alone(value):
    assert exports.neutralise(value) == value


def test_csv_lines_neutralise_every_cell_and_keep_numbers():
    text = "".join(exports.csv_lines(["=head", "n"], [["=evil()", -1], ["ok", 3]]))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["'=head", "n"], ["'=evil()", "-1"], ["ok", "3"]]


def test_csv_lines_is_lazy_and_writes_in_blocks():
    def rows():
        yield ["a"]
        yield ["b"]
        raise AssertionError("read too far")

    lines = exports.csv_lines(["h"], rows(), batch=2)
    assert next(lines).endswith("h\r\n")
    assert next(lines) == "a\r\nb\r\n"


def test_csv_cells_show_dates_as_iso_and_none_as_empty():
    from datetime import date, datetime, timezone

    text = "".join(exports.csv_lines(["a", "b", "c"], [[date(2026, 1, 2), None,
                                                          datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)]]))
    assert text.splitlines()[1] == "2026-01-02,,2026-01-02T03:04:00+00:00"


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


def test_xlsx_cells_are_neutralised():
    data = exports.xlsx_bytes(["h"], [["=1+1"], ["@x"], [5]])
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows == [("h",), ("'=1+1",), ("'@x",), (5,)]


def test_the_cached_neutraliser_agrees_with_neutralise():
    safe = exports.CachedNeutraliser()
    for value in ["=x", "=x", "Response", "-1", "", "@a", "Response"]:
        assert safe(value) == exports.neutralise(value)


def test_rows_already_neutralised_are_written_as_they_are():
    text = "".join(exports.csv_lines(["h"], [["'=x"]], neutralised=True))
    assert text.splitlines()[1] == "'=x"
