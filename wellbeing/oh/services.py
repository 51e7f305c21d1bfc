"""Writes for occupational health: referrals and outcomes, case notes, legal holds,
and the retention sweep. Audit events carry ids and codes, never note text or answers."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from io import BytesIO

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from portal import access, audit, exports
from portal.models import User
from wellbeing.models import ErasureReport, Flag, LegalHold, OHCaseNote, Referral, RetentionPolicy

DEFAULT_RETENTION_YEARS = 6


def referral_record(*, person, kind: str, referred_on: date, by, purpose: str, flag: Flag | None = None) -> Referral:
    referral = Referral.objects.create(person=person, kind=kind, referred_on=referred_on, flag=flag, recorded_by=by)
    audit.record("oh_referral_recorded", actor=by, subject=person, obj=referral,
                 reason=purpose, detail={"kind": kind})
    return referral


def referral_outcome_set(*, referral: Referral, outcome: str, outcome_on: date | None, by) -> Referral:
    referral.outcome, referral.outcome_on = outcome, outcome_on
    referral.save(update_fields=["outcome", "outcome_on"])
    audit.record("oh_referral_outcome", actor=by, subject=referral.person, obj=referral,
                 detail={"kind": referral.kind, "outcome": outcome})
    return referral


def case_note_add(*, person, text: str, by, purpose: str) -> OHCaseNote:
    note = OHCaseNote.objects.create(person=person, author=by, text=text)
    audit.record("oh_note_added", actor=by, subject=person, obj=note, reason=purpose)
    return note


def legal_hold_place(*, person, reason: str, by, purpose: str) -> LegalHold:
    """`reason` (free text, e.g. a claim reference) stays on the hold; only the `purpose` code is
    audited."""
    hold = LegalHold.objects.create(person=person, reason=reason, placed_by=by)
    audit.record("legal_hold_placed", actor=by, subject=person, obj=hold, reason=purpose)
    return hold


def legal_hold_lift(*, hold: LegalHold, by, now=None) -> bool:
    lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at=None).update(lifted_at=now or timezone.now(),
                                                                         lifted_by=by)
    if lifted:
        audit.record("legal_hold_lifted", actor=by, subject=hold.person, obj=hold)
    return bool(lifted)


# ----------------------------------------------------------------------------- subject access


OWN_COPY = "own"
OH_COPY = "oh"


def subject_access_zip(*, person, by, copy: str = OH_COPY, reference: str = "",
                       purpose: str = "") -> bytes:
    """Everything held about `person` as a ZIP: a JSON file per table and a CSV of each, plus the
    profile, for a UK GDPR subject access request. Audited; the content itself is never logged.

    `copy` is OWN_COPY when the person downloads their own data (action "own_data_export"; their
    private check-in comments included), or OH_COPY when OH produces it for a formal request: then
    `reference` (e.g. SAR-2026-0142) and `purpose` (a code of SUBJECT_ACCESS_REASONS) are required
    and recorded, and comments the person did not share with OH are left out."""
    from wellbeing.oh.selectors import profile_of, subject_access_tables, to_json

    if copy not in (OWN_COPY, OH_COPY):
        raise ValueError(f"unknown copy {copy!r}")
    if copy == OWN_COPY and by.pk != person.pk:
        raise ValueError("only the person themself receives their own copy")
    if copy == OH_COPY and not (reference and purpose):
        raise ValueError("OH's subject access export needs the request reference and a reason")
    # OH's copy holds the comments OH may read: those shared per check-in, or all of them when the
    # person chose to share every comment with OH (`portal.access`).
    tables = subject_access_tables(person, private_comments=copy == OWN_COPY or access.all_comments_for_oh(person),
                                   own_copy=copy == OWN_COPY)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", (
            "Everything the wellbeing portal holds about one person, exported for a subject access request.\n"
            "profile.json: the account. Each other kind of record is in <name>.csv and <name>.json.\n"
            "access_history: every recorded access to or action on these records, and by whom.\n"))
        archive.writestr("profile.json", to_json(profile_of(person)))
        for name, (header, rows) in tables.items():
            archive.writestr(f"{name}.json", to_json([dict(zip(header, row, strict=True)) for row in rows]))
            archive.writestr(f"{name}.csv", exports.csv_bytes(header, ([_flat(v) for v in row] for row in rows)))
    counts = {name: len(rows) for name, (_h, rows) in tables.items()}
    if copy == OWN_COPY:
        audit.record("own_data_export", actor=by, subject=person, reason="own_copy",
                     detail={"copy": OWN_COPY, "tables": counts})
    else:
        audit.record("subject_access_export", actor=by, subject=person, reason=purpose,
                     detail={"copy": OH_COPY, "reference": reference, "tables": counts})
    return buffer.getvalue()


def _flat(value):
    from wellbeing.oh.selectors import to_json

    if isinstance(value, dict | list):
        return to_json(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# ----------------------------------------------------------------------------- retention


def retention_cutoff(today: date, years: int) -> date:
    """The last day of employment whose records are now past `years`: anyone whose employment
    ended before the returned date has records older than the period. 29 February counts as
    28 February in a year without one."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _erasable(model_label: str):
    """(model, owner field) for each record type; None where the model is not installed."""
    try:
        return apps.get_model(model_label)
    except LookupError:
        return None


RECORD_MODELS = {
    # record type: (model label, owner field). Flags go before assessments (a flag points at one).
    RetentionPolicy.RecordType.FLAGS: ("wellbeing.Flag", "officer"),
    RetentionPolicy.RecordType.CHECKINS: ("wellbeing.CheckIn", "officer"),
    RetentionPolicy.RecordType.ASSESSMENTS: ("wellbeing.RiskAssessment", "officer"),
    RetentionPolicy.RecordType.EXPOSURES: ("exposure.ShiftLog", "officer"),
    RetentionPolicy.RecordType.WELFARE_ACTIONS: ("wellbeing.WelfareAction", "officer"),
    RetentionPolicy.RecordType.REFERRALS: ("wellbeing.Referral", "person"),
    RetentionPolicy.RecordType.CASE_NOTES: ("wellbeing.OHCaseNote", "person"),
    # The officer's own requests for help ("Talk to someone"), with their contacts (date and kind).
    # Only closed ones: a request still open is in someone's queue and is closed there first.
    RetentionPolicy.RecordType.HELP_REQUESTS: ("wellbeing.HelpRequest", "officer"),
    # Psychological screening and routine appointments (wellbeing/screening): OH's records.
    RetentionPolicy.RecordType.SCREENINGS: ("wellbeing.Screening", "person"),
}
# Records of a type that retention may erase, beyond the owner's leaving date (see above).
RECORD_FILTERS = {RetentionPolicy.RecordType.HELP_REQUESTS: {"status": "closed"}}


def retention_erase(*, now=None) -> ErasureReport:
    """Erase every record past its retention period: of people whose employment ended more than the
    period ago (per record type) and who have no active legal hold. Never touches audit events (they
    have no database foreign key, so nothing cascades to them) and leaves the account itself to the
    admin. Writes an ErasureReport and one audit event, both with counts only. Safe to rerun."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    years = dict(RetentionPolicy.objects.values_list("record_type", "years_after_employment"))
    held = LegalHold.objects.filter(lifted_at=None).values("person_id")
    leavers = User.objects.filter(employment_ended_on__isnull=False).exclude(pk__in=held)
    counts: dict[str, int] = {}
    people: set[int] = set()
    with transaction.atomic():
        for record_type, (label, owner) in RECORD_MODELS.items():
            model = _erasable(label)
            if model is None:
                continue
            cutoff = retention_cutoff(today, years.get(record_type, DEFAULT_RETENTION_YEARS))
            due = leavers.filter(employment_ended_on__lt=cutoff).values("pk")
            rows = model.objects.filter(**{f"{owner}__in": due}, **RECORD_FILTERS.get(record_type, {}))
            people.update(rows.values_list(f"{owner}_id", flat=True).distinct())
            if record_type == RetentionPolicy.RecordType.EXPOSURES:
                from exposure.models import Exposure

                counts["exposures"] = Exposure.objects.filter(shift__in=rows).count()
            if record_type == RetentionPolicy.RecordType.HELP_REQUESTS:
                counts["help_contacts"] = apps.get_model("wellbeing.HelpContact").objects.filter(
                    request__in=rows).count()
            _total, per_model = rows.delete()
            name = "shifts" if record_type == RetentionPolicy.RecordType.EXPOSURES else str(record_type)
            counts[name] = per_model.get(model._meta.label, 0)
        report = ErasureReport.objects.create(ran_at=now, people=len(people), counts=counts)
        audit.record("retention_erasure", obj=report, detail={"people": len(people), "counts": counts},
                     actor=audit.SYSTEM)
    return report

