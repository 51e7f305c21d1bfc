"""Building HR files for the tests. Every person is invented."""

from __future__ import annotations

import io

from portal.hr.records import COLUMNS

HEADER = list(COLUMNS)


def row(staff_number, given="Ann", family="Able", *, email=None, organisation="testshire", unit="Response",
        team="A", roles="officer", supervises="", high_risk_role="", since="", ended="") -> dict:
    return {"staff_number": staff_number, "given_name": given, "family_name": family,
            "email": email or f"person{staff_number}@example.invalid",
            "organisation": organisation, "unit": unit, "team": team, "roles": roles, "supervises": supervises,
            "high_risk_role": high_risk_role, "high_risk_role_since": since, "employment_ended_on": ended}


def csv_bytes(rows, *, delimiter=",", header=None, encoding="utf-8", bom=False) -> bytes:
    header = header or HEADER
    lines = [delimiter.join(header)]
    for r in rows:
        lines.append(delimiter.join(_quote(str(r.get(name, "")), delimiter) for name in header))
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _quote(value: str, delimiter: str) -> str:
    if delimiter in value or '"' in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def xlsx_bytes(sheets: dict) -> bytes:
    """{sheet title: list of rows (lists of cell values)} -> an XLSX workbook."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for cells in rows:
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_rows(rows) -> list[list]:
    return [HEADER] + [[r.get(name, "") for name in HEADER] for r in rows]
