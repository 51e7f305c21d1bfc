"""The page's calls into `portal.hr`: read a file without ever failing the request, tell a file that
cannot be read at all (shown on the upload form) from rows that cannot be applied (shown in the
preview, by row and column), and plan a stored upload again from its bytes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)
HEADER_ROW = 1  # errors of row 0 (the file) or 1 (the header row) concern the whole file
# The most people a file on the page may hold. Its "Apply" request reads, plans and writes the whole
# file in one web request: 50,000 people took about 30 s on PostgreSQL and longer on SQLite
# (bench/hr_admin_apply.py, docs/onboarding.md), more than a request may last behind a proxy. A
# larger file goes through `manage.py import_people` (the same code, no request to time out).
PAGE_MAX_ROWS = 20_000


def page_max_rows() -> int:
    return int(getattr(settings, "HR_IMPORT_PAGE_MAX_ROWS", PAGE_MAX_ROWS))


def too_many_rows() -> str:
    limit = page_max_rows()
    return ngettext(
        "The file has more than %(limit)d person, the most this page takes: applying more would take longer than "
        "a web page may wait. Ask whoever runs the portal's server to import it with manage.py import_people "
        "(the same checks and preview), or split it by unit and upload each part (not as a full import).",
        "The file has more than %(limit)d people, the most this page takes: applying more would take longer than "
        "a web page may wait. Ask whoever runs the portal's server to import it with manage.py import_people "
        "(the same checks and preview), or split it by unit and upload each part (not as a full import).",
        limit) % {"limit": limit}


@dataclass
class Unreadable:
    """What `read` returns when the reader itself failed: no records, one problem."""

    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    failed: bool = True


def read(data: bytes, filename: str):
    from portal.hr import read_file

    try:
        return read_file(data, filename, row_limit=page_max_rows())
    except Exception as exc:  # noqa: BLE001 - an uploaded file must never end in a 500
        # The kind of failure only: the message could quote the file's content (personal data).
        log.warning("HR file not readable: %s", type(exc).__name__)
        return Unreadable()


def file_problems(result) -> list[str]:
    """The problems that make the whole file unusable, in plain words (empty: go to the preview)."""
    if getattr(result, "failed", False):
        return [_("The file could not be read. Save it as CSV (UTF-8) or as an Excel workbook (.xlsx) and "
                  "upload it again.")]
    if result.rows > page_max_rows():
        return [too_many_rows()]
    whole_file = [e for e in result.errors if e.row <= HEADER_ROW]
    if whole_file:
        return [describe(e) for e in whole_file]
    if not result.records:
        if result.errors:
            return [describe(e) for e in result.errors[:10]]
        return [_("The file has a header row but no people in it.")]
    return []


def describe(error) -> str:
    """One problem in plain words: "row 214, column team: ..." (`RowError.__str__`)."""
    return str(error)


def plan_upload(upload, *, by=None):
    """The plan of a stored upload, made again from its bytes, and every error of its rows (the
    reader's and the planner's, each once, in row order). `by`: the admin who would apply it."""
    from portal.hr import build_plan

    result = read(bytes(upload.data), upload.filename)
    plan = build_plan(result.records, full=upload.full, organisation=upload.organisation, file_sha256=upload.sha256,
                      by=by)
    seen, errors = set(), []
    for error in [*result.errors, *plan.errors]:
        key = (error.row, error.column, error.message)
        if key not in seen:
            seen.add(key)
            errors.append(error)
    errors.sort(key=lambda e: (e.row, e.column))
    return plan, errors
