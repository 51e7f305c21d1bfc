"""Reading HR files: every bad file gets a plain-worded error naming the row and column, never an
exception."""

import datetime

import pytest
from django.test import override_settings

from portal.hr import read_file
from portal.hr.tests.helpers import HEADER, csv_bytes, row, xlsx_bytes, xlsx_rows


def messages(result):
    return [str(error) for error in result.errors]


def test_a_plain_utf8_csv_gives_typed_records():
    result = read_file(csv_bytes([row("1001", roles="officer; Supervisor", supervises="Response / A",
                                      high_risk_role="Firearms", since="31/03/2024")]), "people.csv")
    assert result.ok, messages(result)
    record = result.records[0]
    assert record.row == 2
    assert record.roles == frozenset({"officer", "supervisor"})
    assert record.supervises == (("Response", "A"),)
    assert record.high_risk_role == "firearms"
    assert record.high_risk_role_since == datetime.date(2024, 3, 31)
    assert len(result.sha256) == 64


def test_a_utf8_file_with_a_byte_order_mark_reads_the_first_column():
    result = read_file(csv_bytes([row("1001", given="Siân")], bom=True), "people.csv")
    assert result.ok, messages(result)
    assert result.records[0].staff_number == "1001"
    assert result.records[0].given_name == "Siân"


def test_a_windows_1252_file_is_read():
    result = read_file(csv_bytes([row("1001", given="Zoë", family="O’Neill")], encoding="cp1252"), "people.csv")
    assert result.ok, messages(result)
    assert (result.records[0].given_name, result.records[0].family_name) == ("Zoë", "O’Neill")


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter):
    result = read_file(csv_bytes([row("1001"), row("1002")], delimiter=delimiter), "people.csv")
    assert result.ok, messages(result)
    assert [r.staff_number for r in result.records] == ["1001", "1002"]


def test_an_unknown_delimiter_is_a_clear_error():
    result = read_file(csv_bytes([row("1001")], delimiter=":"), "people.csv")
    assert result.records == []
    assert "commas, semicolons, tabs" in messages(result)[0]


def test_a_missing_required_column_names_it_and_the_columns_found():
    header = [name for name in HEADER if name != "email"]
    result = read_file(csv_bytes([row("1001")], header=header), "people.csv")
    assert result.records == []
    assert "no column 'email'" in messages(result)[0]
    assert "'given_name'" in messages(result)[0]


def test_headers_ignore_case_and_spaces_and_unknown_columns_are_a_warning():
    data = (b" Staff Number,GIVEN_NAME,family-name,Email ,organisation,payroll\r\n"
            b"1001,Ann,Able,ann@example.invalid,testshire,x\r\n")
    result = read_file(data, "people.csv")
    assert result.ok, messages(result)
    assert "payroll" in str(result.warnings[0])
    assert result.records[0].columns == frozenset()  # no optional column given: nothing else is touched


def test_duplicate_staff_numbers_name_each_duplicate_row():
    result = read_file(csv_bytes([row("1001"), row("1002"), row("1001"), row("1001")]), "people.csv")
    assert [r.staff_number for r in result.records] == ["1001", "1002"]
    assert messages(result) == [
        "row 4, column staff_number: staff number 1001 is also on row 2: each person must appear once.",
        "row 5, column staff_number: staff number 1001 is also on row 2: each person must appear once."]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_formula_looking_cell_is_a_row_error(start):
    result = read_file(csv_bytes([row("1001"), row("1002", given=f"{start}cmd|' /C calc'!A0")]), "people.csv")
    assert [r.staff_number for r in result.records] == ["1001"]
    assert messages(result)[0].startswith(f"row 3, column given_name: starts with '{start}'")
    assert "formula" in messages(result)[0]


def test_a_zero_byte_file_is_refused():
    result = read_file(b"", "people.csv")
    assert messages(result) == ["The file is empty (0 bytes)."]


def test_a_header_without_people_is_refused():
    assert "no people" in messages(read_file(csv_bytes([]), "people.csv"))[0]


@override_settings(HR_IMPORT_MAX_BYTES=1024)
def test_a_file_over_the_limit_is_refused_with_its_size():
    result = read_file(csv_bytes([row(str(n)) for n in range(1000, 1100)]), "people.csv")
    assert result.records == []
    assert "the most the import takes is" in messages(result)[0]


def test_a_fifty_megabyte_file_is_refused_without_reading_it():
    big = csv_bytes([row("1001")]) + b"x" * (50 * 1024 * 1024)
    result = read_file(big, "people.csv")
    assert result.records == []
    assert "50.0 MB" in messages(result)[0]


@pytest.mark.django_db  # a value that is no shipped role is looked up in the Role table (roles are data)
def test_bad_values_name_the_row_and_column():
    result = read_file(csv_bytes([
        row("1001", email="not-an-email"),
        row("1002", since="2024-13-45"),
        row("1003", roles="officer;supervisr"),
        row("1004", high_risk_role="juggling"),
        row("1005", given=""),
        row("1006", supervises="Response A"),
    ]), "people.csv")
    assert result.records == []
    got = messages(result)
    assert got[0] == "row 2, column email: 'not-an-email' is not an email address."
    assert got[1].startswith("row 3, column high_risk_role_since: '2024-13-45' is not a date")
    assert got[2].startswith("row 4, column roles: 'supervisr' is not a role")
    assert got[2].endswith("did you mean 'supervisor'?")
    assert got[3].startswith("row 5, column high_risk_role: 'juggling' is not a high-risk role")
    assert got[4] == "row 6, column given_name: is empty; every person needs one."
    assert got[5].startswith("row 7, column supervises: 'Response A' does not name a team")


def test_supervising_without_the_supervisor_role_is_an_error():
    result = read_file(csv_bytes([row("1001", roles="officer", supervises="Response / A")]), "people.csv")
    assert "'supervisor' is not among their roles" in messages(result)[0]


def test_blank_rows_are_skipped_and_row_numbers_stay_the_spreadsheets():
    second = csv_bytes([row("1002", email="bad")]).split(b"\r\n", 1)[1]
    data = csv_bytes([row("1001")]) + b",,,,,,,,,,,\r\n" + second
    result = read_file(data, "people.csv")
    assert messages(result) == ["row 4, column email: 'bad' is not an email address."]


def test_an_unclosed_quote_is_a_file_error_not_an_exception():
    data = csv_bytes([row("1001")]) + b'1002,"Ann\r\n'
    result = read_file(data, "people.csv")
    assert result.errors  # an error, whatever csv makes of it
    assert all(isinstance(str(error), str) for error in result.errors)


def test_an_xlsx_workbook_is_read_with_numbers_and_dates_typed():
    rows = xlsx_rows([row("1001")])
    rows[1][0] = 1001  # a staff number stored as a number
    rows[1][HEADER.index("high_risk_role_since")] = datetime.datetime(2024, 3, 31)  # noqa: DTZ001
    result = read_file(xlsx_bytes({"People": rows, "Notes": [["Exported from HR"]]}), "people.xlsx")
    assert result.ok, messages(result)
    assert result.records[0].staff_number == "1001"
    assert result.records[0].high_risk_role_since == datetime.date(2024, 3, 31)


def test_an_xlsx_with_several_people_sheets_is_refused():
    result = read_file(xlsx_bytes({"North": xlsx_rows([row("1001")]), "South": xlsx_rows([row("1002")])}),
                       "people.xlsx")
    assert result.records == []
    assert "Several sheets have a header row ('North', 'South')" in messages(result)[0]


def test_an_xlsx_formula_is_an_error_for_that_cell_and_never_evaluated():
    rows = xlsx_rows([row("1001"), row("1002")])
    rows[2][HEADER.index("family_name")] = '=HYPERLINK("http://example.invalid","x")'
    result = read_file(xlsx_bytes({"People": rows}), "people.xlsx")
    assert [r.staff_number for r in result.records] == ["1001"]
    assert messages(result)[0].startswith("row 3, column family_name: starts with '='")


def test_a_damaged_xlsx_is_a_clear_error():
    result = read_file(b"PK\x03\x04 this is not really a workbook", "people.xlsx")
    assert "could not be read as an XLSX workbook" in messages(result)[0]


def test_an_old_xls_file_is_refused():
    assert "save it as .xlsx or as CSV" in messages(read_file(b"\xd0\xcf\x11\xe0rest", "people.xls"))[0]


def test_a_file_object_is_read_like_bytes(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([row("1001")]))
    with path.open("rb") as handle:
        result = read_file(handle, "people.csv")
    assert result.ok and result.records[0].staff_number == "1001"


def test_a_bad_cell_repeated_on_many_rows_is_an_error_on_each_of_them():
    # The cells a file repeats (roles, teams, dates) are typed once per file: each row still gets its own error.
    result = read_file(csv_bytes([row("1001", roles="officer; sergeant"), row("1002"),
                                  row("1003", roles="officer; sergeant"), row("1004", roles="officer; sergeant")]),
                       "people.csv")
    assert [r.staff_number for r in result.records] == ["1002"]
    assert [(error.row, error.column) for error in result.errors] == [(2, "roles"), (4, "roles"), (5, "roles")]
    assert all("'sergeant' is not a role" in message for message in messages(result))


def test_an_xlsx_cell_of_1_and_of_true_are_read_as_what_they_are():
    # 1 == True in Python: remembering typed cells must not mix them up.
    data = xlsx_bytes({"People": xlsx_rows([row("1001", team=1), row("1002", team=True)])})
    result = read_file(data, "people.xlsx")
    assert result.ok, messages(result)
    assert [r.team for r in result.records] == ["1", "True"]
