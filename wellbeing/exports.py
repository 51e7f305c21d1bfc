"""Pure helpers for OH's exports: keyed pseudonyms, small-number suppression, neutralising cells a
spreadsheet would run as formulas, and streaming writers (CSV line by line; XLSX in write-only mode,
a new sheet whenever one reaches Excel's row limit). No ORM here: callers pass rows in."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"
# Excel's limit is 1,048,576 rows a sheet; one is the header.
XLSX_DATA_ROWS_PER_SHEET = 1_048_575
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PSEUDONYM_LENGTH = 16  # hex characters: 64 bits, no collision to expect in any force's headcount


def pseudonym(person_id: int, key: str | bytes) -> str:
    """A stable pseudonym for one person: HMAC-SHA256 of their id under the secret key. The same
    person gets the same pseudonym in every export made with the key; without the key it cannot be
    reversed (nor rebuilt by hashing every possible id)."""
    if isinstance(key, str):
        key = key.encode()
    if not key:
        raise ValueError("a pseudonym key is required")
    return hmac.new(key, str(person_id).encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


class Pseudonymiser:
    """pseudonym() with a cache: an export repeats the same few thousand people many times."""

    def __init__(self, key: str | bytes):
        self.key = key.encode() if isinstance(key, str) else key
        self._cache: dict[int, str] = {}

    def __call__(self, person_id: int) -> str:
        value = self._cache.get(person_id)
        if value is None:
            value = self._cache[person_id] = pseudonym(person_id, self.key)
        return value


def export_key(key: str | bytes, *, longitudinal: bool) -> bytes:
    """The pseudonym key of one export. By default a fresh random salt is mixed in, kept nowhere,
    so the pseudonyms of two exports cannot be linked (nor by the portal itself). Only a
    longitudinal cohort, asked for explicitly (and audited), uses the stable key."""
    key = key.encode() if isinstance(key, str) else key
    if not key:
        raise ValueError("a pseudonym key is required")
    if longitudinal:
        return key
    return hmac.new(key, secrets.token_bytes(32), hashlib.sha256).digest()


# The small-number rule of the row-level export, per group of people sharing a unit and a role.
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


def suppress(count: int, below: int = SUPPRESS_BELOW) -> int | str:
    """A count for an aggregate table: counts under `below` are shown as "<5", so a small group
    cannot be singled out."""
    return SUPPRESSED if count < below else count


def neutralise(value):
    """A cell value safe to open in a spreadsheet: text starting with =, +, -, @ (or a tab or
    carriage return, which some spreadsheets skip before a formula) gets a leading apostrophe so it
    is shown as text, never run. Numbers, dates and None are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


CSV_BATCH_ROWS = 2000


def _safe_row(row) -> list:
    return [("'" + v if v.startswith(FORMULA_STARTS) else v) if v.__class__ is str
            else ("" if v is None else v.isoformat() if isinstance(v, date) else v) for v in row]


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


def csv_lines(header: list[str], rows: Iterable[Iterable], batch: int = CSV_BATCH_ROWS,
              neutralised: bool = False) -> Iterator[str]:
    """CSV text in blocks of `batch` rows (for a StreamingHttpResponse): memory stays flat however
    many rows, and each block is written by the csv module's C loop. Every cell is neutralised
    (dates as ISO 8601, None as empty) unless the caller says its rows already are: rows of plain
    text, numbers and booleans whose text cells went through neutralise()."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    yield "\ufeff" + buffer.getvalue()  # BOM: Excel then reads the file as UTF-8
    block: list = []
    for row in rows:
        block.append(row if neutralised else _safe_row(row))
        if len(block) == batch:
            yield _block(block)
            block = []
    if block:
        yield _block(block)


def _block(rows: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: Iterable[Iterable]) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


def xlsx_cell(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; callers pass local times
    return neutralise(value)


def write_xlsx(header: list[str], rows: Iterable[Iterable], *, title: str = "Data",
               rows_per_sheet: int = XLSX_DATA_ROWS_PER_SHEET, target=None, notes: Iterable[str] = ()):
    """Write the rows to an XLSX in write-only mode (rows go to disk as they come), starting a new
    sheet ("Data 2", ...) with the header again whenever a sheet reaches `rows_per_sheet` data rows,
    then a "Notes" sheet with one line of `notes` a row, if any.
    Returns the file object (a temporary file unless `target` is given), positioned at the start."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    heading = [neutralise(h) for h in header]
    sheet_number, in_sheet = 1, 0
    sheet = workbook.create_sheet(title=title)
    sheet.append(heading)
    for row in rows:
        if in_sheet == rows_per_sheet:
            sheet_number += 1
            sheet = workbook.create_sheet(title=f"{title} {sheet_number}")
            sheet.append(heading)
            in_sheet = 0
        sheet.append([xlsx_cell(v) for v in row])
        in_sheet += 1
    notes = list(notes)
    if notes:
        notes_sheet = workbook.create_sheet(title="Notes")
        for line in notes:
            notes_sheet.append([neutralise(line)])
    out = target if target is not None else tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller
    workbook.save(out)
    out.seek(0)
    return out


def xlsx_bytes(header: list[str], rows: Iterable[Iterable], **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(header, rows, target=buffer, **kwargs)
    return buffer.getvalue()
