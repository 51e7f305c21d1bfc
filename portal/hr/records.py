"""One row of an HR file, checked and typed: the columns (docs/onboarding.md), `RowError`,
`PersonRecord`, and `record_from_cells`, which turns a row's cells into a record or plain-worded
errors. Pure: no database."""

from __future__ import annotations

import datetime
import difflib
import functools
import re
import sys
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import HighRiskRole, Role

REQUIRED_COLUMNS = ("staff_number", "given_name", "family_name", "email", "organisation")
# Optional columns: when one is not in the file, the import leaves what the portal holds for it.
OPTIONAL_COLUMNS = ("unit", "team", "roles", "supervises", "high_risk_role", "high_risk_role_since",
                    "employment_ended_on")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
ALL_OPTIONAL = frozenset(OPTIONAL_COLUMNS)

# Role code -> the User flag it sets. "admin" is Django's is_staff (never is_superuser).
ROLE_FLAGS = {
    "officer": "is_officer",
    "supervisor": "is_supervisor",
    "trainer": "is_trainer",
    "oh": "is_oh",
    "wellbeing_lead": "is_wellbeing_lead",
    "peer_supporter": "is_peer_supporter",
    "trim_practitioner": "is_trim_practitioner",
    "trim_coordinator": "is_trim_coordinator",
    "admin": "is_staff",
}
ROLE_CODES = tuple(ROLE_FLAGS)
# A cell that a spreadsheet would run as a formula (the same starts as portal.exports neutralises).
FORMULA_STARTS = "=+-@"
MAX_CELL = 200  # the longest name the portal stores (Unit.name, Team.name)
FIELD_LIMITS = {"staff_number": 40, "given_name": 150, "family_name": 150, "email": 254}


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem, in plain words. `row` is the row number a spreadsheet shows (the header is row
    1); 0 with an empty column is a problem with the whole file."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        if not self.column:
            return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person as the HR file gives them, typed. `columns` names the optional columns the
    source gave: a column it did not give is left as the portal has it (SCIM sends no roles, for
    example). `supervises` is a tuple of (unit name, team name)."""

    staff_number: str
    given_name: str
    family_name: str
    email: str
    organisation: str
    unit: str = ""
    team: str = ""
    roles: frozenset = frozenset()
    supervises: tuple = ()
    high_risk_role: str = ""
    high_risk_role_since: datetime.date | None = None
    employment_ended_on: datetime.date | None = None
    row: int = 0
    columns: frozenset = field(default=ALL_OPTIONAL)

    def gives(self, column: str) -> bool:
        return column in self.columns


@dataclass
class ReadResult:
    """What `read_file` found: the records it could read, every problem, and the file's SHA-256."""

    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    sha256: str = ""
    columns: tuple = ()
    rows: int = 0  # data rows read (blank rows not counted)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise_header(text) -> str:
    return re.sub(r"[\s\-]+", "_", str(text or "").strip().casefold())


def suggestion(word: str, choices, *, cutoff: float = 0.6) -> str | None:
    """The closest of `choices` to `word` (difflib), comparing without case; None if none is close."""
    by_key = {}
    for choice in choices:
        by_key.setdefault(choice.casefold(), choice)
    found = difflib.get_close_matches(word.casefold(), list(by_key), n=1, cutoff=cutoff)
    return by_key[found[0]] if found else None


def _did_you_mean(message: str, word: str, choices) -> str:
    close = suggestion(word, choices)
    if close is None:
        return message
    return _("%(message)s — did you mean '%(suggestion)s'?") % {"message": message, "suggestion": close}


# ----------------------------------------------------------------------------- typed values

_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value) -> datetime.date:
    """A date from YYYY-MM-DD, DD/MM/YYYY or a spreadsheet's date cell; ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        day = datetime.date.fromisoformat(text)
    elif match := _DAY_FIRST.fullmatch(text):
        day = datetime.date(int(match[3]), int(match[2]), int(match[1]))
    else:
        raise ValueError(text)
    if day.year < 1900:
        raise ValueError(text)
    return day


@functools.cache
def _high_risk_roles() -> dict[str, str]:
    """Code and English label (without case) -> code, of the shipped roles and "other" (no query)."""
    found = {}
    with translation.override("en"):
        for code, label in HighRiskRole.choices:
            found[code.casefold()] = code
            found[str(label).casefold()] = code
    return found


def _added_roles() -> dict[str, str]:
    """Code and English name (without case) -> code, of every role in the Role table (roles an admin
    added included; read only for a value that is not a shipped role's)."""
    found = dict(_high_risk_roles())
    for code, name in Role.objects.values_list("code", "name"):
        found[code.casefold()] = code
        found[name.casefold()] = code
    return found


def split_list(text: str) -> list[str]:
    return [part.strip() for part in str(text or "").split(";") if part.strip()]


def role_code(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def split_team_label(text: str) -> tuple[str, str] | None:
    """"Unit / Team" -> (unit, team); None without a slash."""
    sep = " / " if " / " in text else "/"
    if sep not in text:
        return None
    unit, team = text.split(sep, 1)
    unit, team = " ".join(unit.split()), " ".join(team.split())
    return (unit, team) if unit and team else None


# ----------------------------------------------------------------------------- one row

class _Row:
    """Collects the errors of one row while its cells are typed."""

    __slots__ = ("cells", "errors", "row")

    def __init__(self, row: int, cells: dict):
        self.row, self.cells, self.errors = row, cells, []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def text(self, column: str) -> str:
        value = self.cells.get(column)
        if value is None:
            return ""
        if value.__class__ is not str:  # a spreadsheet's number or date
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            value = value.isoformat()[:10] if isinstance(value, datetime.date) else str(value)
        text = value.strip()
        if not text:
            return ""
        if text[0] in FORMULA_STARTS:
            self.error(column, _("starts with '%(start)s': spreadsheets would run it as a formula. Give the "
                                 "value itself (the import takes values only, never formulas).")
                       % {"start": text[0]})
            return ""
        if len(text) > FIELD_LIMITS.get(column, MAX_CELL):
            limit = FIELD_LIMITS.get(column, MAX_CELL)
            self.error(column, ngettext("is longer than %(limit)d character.", "is longer than %(limit)d characters.",
                                        limit) % {"limit": limit})
            return ""
        return text

    def required(self, column: str) -> str:
        before = len(self.errors)
        text = self.text(column)
        if not text and len(self.errors) == before:
            self.error(column, _("is empty; every person needs one."))
        return text

    def date(self, column: str) -> datetime.date | None:
        value = self.cells.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, datetime.date):
            value = self.text(column)
            if not value:
                return None
        try:
            return parse_date(value)
        except ValueError:
            self.error(column, _("'%(value)s' is not a date: write it as YYYY-MM-DD (2026-03-31) or DD/MM/YYYY "
                                 "(31/03/2026).") % {"value": value})
            return None


# Plain addresses (dot-atom@host.tld): accepted without Django's slower validator, which decides the rest.
_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                          r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def _email(row: _Row) -> str:
    email = row.required("email")
    if email and not _PLAIN_EMAIL.fullmatch(email):
        try:
            validate_email(email)
        except ValidationError:
            row.error("email", _("'%(value)s' is not an email address.") % {"value": email})
            return ""
    return email


@functools.lru_cache(maxsize=4096)
def _parse_roles(text: str) -> tuple[frozenset, tuple]:
    """(the role codes, the parts that are not roles) of a roles cell; remembered, as a file holds
    few distinct ones (and the records then share one frozenset)."""
    codes, unknown = set(), []
    for part in split_list(text):
        code = role_code(part)
        if code in ROLE_FLAGS:
            codes.add(code)
        else:
            unknown.append(part)
    return frozenset(codes), tuple(unknown)


def _roles(row: _Row) -> frozenset:
    codes, unknown = _parse_roles(row.text("roles"))
    for part in unknown:
        row.error("roles", _did_you_mean(_("'%(value)s' is not a role (the roles are: %(roles)s)")
                                         % {"value": part, "roles": ", ".join(ROLE_CODES)},
                                         role_code(part), ROLE_CODES))
    return codes


@functools.lru_cache(maxsize=4096)
def _parse_supervises(text: str) -> tuple[tuple, tuple]:
    teams, bad = [], []
    for part in split_list(text):
        pair = split_team_label(part)
        if pair is None:
            bad.append(part)
        elif pair not in teams:
            teams.append(pair)
    return tuple(teams), tuple(bad)


def _supervises(row: _Row) -> tuple:
    teams, bad = _parse_supervises(row.text("supervises"))
    for part in bad:
        row.error("supervises", _("'%(value)s' does not name a team: write each as “Unit / Team”, separated "
                                  "by semicolons.") % {"value": part})
    return teams


def _high_risk_role(row: _Row) -> str:
    text = row.text("high_risk_role")
    if not text:
        return ""
    known = _high_risk_roles()
    code = known.get(text.casefold()) or known.get(role_code(text))
    if code is None:
        known = _added_roles()
        code = known.get(text.casefold()) or known.get(role_code(text))
    if code is None:
        codes = list(dict.fromkeys(known.values()))
        row.error("high_risk_role", _did_you_mean(
            _("'%(value)s' is not a high-risk role (the codes are: %(codes)s)")
            % {"value": text, "codes": ", ".join(codes)}, text, list(known)))
        return ""
    return code


_REPEATED = ("unit", "team", "roles", "supervises", "high_risk_role", "high_risk_role_since", "employment_ended_on")
_CACHED_ROWS = 10_000  # distinct combinations of those cells remembered while reading one file


def _typed_repeated(row: _Row, columns: frozenset) -> tuple:
    """(unit, team, roles, supervises, high-risk role, since, ended) of a row, typed and checked."""
    unit, team = " ".join(row.text("unit").split()), " ".join(row.text("team").split())
    if team and not unit:
        row.error("unit", _("is empty, but the row gives team '%(team)s': a team belongs to a unit.") % {"team": team})
    if unit and not team and "team" in columns:
        row.error("team", _("is empty, but the row gives unit '%(unit)s': give the person's team too.")
                  % {"unit": unit})
    roles, supervises = _roles(row), _supervises(row)
    if supervises and "roles" in columns and "supervisor" not in roles:
        row.error("roles", _("the person supervises teams but 'supervisor' is not among their roles: add it."))
    return (sys.intern(unit), sys.intern(team), roles, supervises, _high_risk_role(row),
            row.date("high_risk_role_since"), row.date("employment_ended_on"))


def _repeated(row: _Row, columns: frozenset, cache: dict | None) -> tuple:
    """`_typed_repeated`, looked up in `cache` (by the cells' values and types: a file repeats a
    team, a roles list, a date on many rows; the errors are kept without their row number)."""
    if cache is None:
        return _typed_repeated(row, columns)
    values = tuple(map(row.cells.get, _REPEATED))
    key = (values, tuple(map(type, values)))
    found = cache.get(key)
    if found is None:
        blank = _Row(0, dict(zip(_REPEATED, values, strict=True)))
        found = (_typed_repeated(blank, columns), tuple((e.column, e.message) for e in blank.errors))
        if len(cache) < _CACHED_ROWS:
            cache[key] = found
    for column, message in found[1]:
        row.error(column, message)
    return found[0]


_TEXTS = (("staff_number", FIELD_LIMITS["staff_number"]), ("given_name", FIELD_LIMITS["given_name"]),
          ("family_name", FIELD_LIMITS["family_name"]), ("organisation", MAX_CELL), ("email", FIELD_LIMITS["email"]))


def record_from_cells(row_number: int, cells: dict, columns: frozenset,
                      cache: dict | None = None) -> tuple[PersonRecord | None, list]:
    """A record from one row's cells ({column: value}), or None and the row's errors. `columns`:
    the optional columns the file has. `cache`: a dict kept while reading one file (and one
    language), to type the cells many rows repeat once."""
    row = _Row(row_number, cells)
    values = {}
    for name, limit in _TEXTS:
        value = cells.get(name)
        # Most cells need nothing done (no spaces around them, not a formula, short enough).
        if not (value.__class__ is str and value and value[0] not in FORMULA_STARTS and len(value) <= limit
                and not value[0].isspace() and not value[-1].isspace()):
            value = None if name == "email" else row.required(name)
        values[name] = value
    values["organisation"] = sys.intern(values["organisation"])  # repeated on every row: kept once
    email = values["email"]
    values["email"] = email if email is not None and _PLAIN_EMAIL.fullmatch(email) else _email(row)
    unit, team, roles, supervises, high_risk_role, since, ended = _repeated(row, columns, cache)
    record = PersonRecord(
        **values, unit=unit, team=team, roles=roles, supervises=supervises, high_risk_role=high_risk_role,
        high_risk_role_since=since, employment_ended_on=ended, row=row_number, columns=columns)
    return (None, row.errors) if row.errors else (record, [])
