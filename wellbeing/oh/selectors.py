"""Reads for occupational health: the escalation queue, one person's case, cohort report rows,
the audit log, a person's own access history, and everything held about one person (subject
access). Every queryset here is already narrowed by `portal.access` or by one person."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import CharField, Count, Exists, Func, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from exposure.models import Exposure, OutcomeRequest, ShiftLog
from portal import access, chunked, exports
from portal.models import AuditEvent, Disclosure, Notification, User
from wellbeing import instruments
from wellbeing.models import (
    CheckIn,
    Flag,
    HelpContact,
    HelpRequest,
    LegalHold,
    OHCaseNote,
    Referral,
    RiskAssessment,
    Screening,
    TrimAssessment,
    TrimCase,
)
from wellbeing.risk.flags import OH, OWNER_FILTERS

# ----------------------------------------------------------------------------- queue


def queue(user) -> QuerySet:
    """OH's triage queue: every active flag of OH's (clinical and urgent flags from the moment they
    are raised, operational ones once escalated; `wellbeing.risk.flags.OWNER_FILTERS`), of people OH may
    see: urgent first, then the most severe, then the oldest within a severity (the `flag_triage`
    index)."""
    people = access.people_visible_to(user, access.CLINICAL_DETAIL)
    return (Flag.objects.filter(OWNER_FILTERS[OH], officer__in=people, status__in=Flag.ACTIVE)
            .select_related("officer__team__unit", "checkin")
            .defer("checkin__answers", "checkin__comment", "checkin__result")
            .order_by("-urgent", "-severity", "raised_at", "id"))


def notified_for(flags) -> dict[int, list[Notification]]:
    """Who was told of each flag, and when (from the notifications `wellbeing.risk.flags` sent), in one
    query for the whole page."""
    keys = {}
    for flag in flags:
        for suffix in ("supervisor", "oh", "oh:urgent", "escalated", "oncall", "oncall-second"):
            keys[f"flag:{flag.pk}:{suffix}"] = flag.pk
    found: dict[int, list[Notification]] = defaultdict(list)
    if not keys:
        return found
    rows = Notification.objects.filter(dedupe_key__in=keys).select_related("user").order_by("created_at", "id")
    for n in rows:
        found[keys[n.dedupe_key]].append(n)
    return found


# ----------------------------------------------------------------------------- case


def welfare_actions_for(person) -> list:
    """Welfare actions recorded for `person`, newest first; [] while the supervisor dashboard's
    WelfareAction model is not installed (it is built on another branch)."""
    try:
        model = apps.get_model("wellbeing", "WelfareAction")
    except LookupError:
        return []
    return list(model.objects.filter(officer=person).select_related("recorded_by", "flag")
                .order_by("-recorded_at")[:50])


def checkin_rows(checkins, *, all_comments: bool = False) -> list[dict]:
    """Check-ins with their answers laid out against the item text (OH only). A comment shows when
    the officer shared it on that check-in, or every comment when they chose to share them all
    (`all_comments`, from `portal.access.all_comments_for_oh`)."""
    rows = []
    for c in checkins:
        definition = instruments.INSTRUMENTS.get(c.instrument)
        answers = []
        if definition is not None:
            answers = [{"number": item.number, "text": item.text, "answer": definition.option_label(value)}
                       for item, value in zip(definition.items, c.answers or [], strict=False)]
        rows.append({"checkin": c, "name": definition.short_name if definition else c.instrument,
                     "max": definition.max_total if definition else None, "answers": answers,
                     "band": c.band_info.label if definition and c.band_info else c.band,
                     "comment": c.comment if all_comments else c.comment_for_oh, "pcl5": pcl5_clusters(c)})
    return rows


def pcl5_clusters(checkin) -> dict | None:
    """A PCL-5 check-in's cluster result as OH reads it: for each DSM-5 cluster (B intrusion,
    C avoidance, D cognition and mood, E arousal) the items endorsed (rated 2 or more) against the
    number the provisional rule needs, and whether the rule is met. None for other check-ins."""
    if checkin.instrument != "pcl5" or not isinstance(checkin.result, dict):
        return None
    from wellbeing.instruments.pcl5 import CLUSTERS

    endorsed = checkin.result.get("endorsed") or {}
    return {"clusters": [{"name": name, "endorsed": endorsed.get(name, 0), "items": len(numbers), "needed": needed,
                          "met": endorsed.get(name, 0) >= needed}
                         for name, (numbers, needed) in CLUSTERS.items()],
            "dsm5_provisional": bool(checkin.result.get("dsm5_provisional"))}


def case_querysets(person) -> dict[str, QuerySet]:
    return {
        "checkins": CheckIn.objects.filter(officer=person).order_by("-completed_at", "-id"),
        "exposures": Exposure.objects.filter(officer=person).select_related("category").order_by("-shift_date", "-id"),
        "assessments": RiskAssessment.objects.filter(officer=person).order_by("-computed_at", "-id"),
        "flags": Flag.objects.filter(officer=person).select_related("acknowledged_by", "closed_by", "checkin",
                                                                    "assessment")
        .defer("checkin__answers", "checkin__comment", "assessment__reasons")
        .order_by("-raised_at", "-id"),
        "referrals": Referral.objects.filter(person=person).select_related("recorded_by"),
        "notes": OHCaseNote.objects.filter(person=person).select_related("author"),
        "holds": LegalHold.objects.filter(person=person).select_related("placed_by", "lifted_by"),
    }


def trim_cases_for(person) -> list[TrimCase]:
    """The person's TRiM cases for OH's case page, latest incident first, each with its incident,
    practitioner and assessments: two queries whatever the number of cases."""
    return list(TrimCase.objects.filter(person=person).select_related("incident", "practitioner")
                .prefetch_related(Prefetch("assessments", queryset=TrimAssessment.objects.order_by("held_on", "id")))
                .order_by("-incident__occurred_at", "-pk"))


TRIM_FOLLOWUPS_SHOWN = 20


def trim_followups_overdue(user) -> QuerySet:
    """Open TRiM cases, of people OH may see, whose follow-up was escalated to OH and is still not
    held: the oldest due first. No band, no assessment: a name, the incident's date and the dates."""
    people = access.people_visible_to(user, access.CLINICAL_DETAIL)
    held = TrimAssessment.objects.filter(case=OuterRef("pk"), stage=TrimAssessment.Stage.FOLLOW_UP)
    return (TrimCase.objects.filter(person__in=people, followup_escalated_at__isnull=False)
            .exclude(stage=TrimCase.Stage.CLOSED).exclude(Exists(held))
            .select_related("person", "incident").order_by("followup_due_at", "pk"))


# ----------------------------------------------------------------------------- cohort reports


@dataclass(frozen=True)
class CohortFilters:
    organisation_ids: list[int]
    unit_id: int | None = None
    role: str = ""
    date_from: date | None = None
    date_to: date | None = None
    instrument: str = ""

    def as_detail(self) -> dict:
        return {"organisations": self.organisation_ids, "unit": self.unit_id, "role": self.role,
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None, "instrument": self.instrument}


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def cohort_checkins(user, filters: CohortFilters) -> QuerySet:
    """Check-ins of the people OH may see, narrowed by the filters (the organisations are already
    limited to OH's own by the form)."""
    people = access.people_visible_to(user, access.CLINICAL_DETAIL).filter(
        organisation_id__in=filters.organisation_ids)
    qs = CheckIn.objects.filter(officer__in=people)
    if filters.unit_id:
        qs = qs.filter(officer__team__unit_id=filters.unit_id)
    if filters.role:
        qs = qs.filter(officer__high_risk_role=filters.role)
    if filters.instrument:
        qs = qs.filter(instrument=filters.instrument)
    if filters.date_from:
        qs = qs.filter(completed_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(completed_at__lt=_day_start(filters.date_to) + timedelta(days=1))
    return qs


class LocalDay(Func):
    """A timestamp's day in the portal's time zone, as ISO 8601 text (YYYY-MM-DD), computed by the
    database: the row-level export gives the day only, never the time (a time of day can single out
    a check-in, and with it the person, to anyone who knows when they sat it)."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        tzname = timezone.get_current_timezone_name() if settings.USE_TZ else None
        sql, params = connection.ops.datetime_cast_date_sql(sql, tuple(params), tzname)
        if connection.vendor == "postgresql":
            sql = f"to_char({sql}, 'YYYY-MM-DD')"
        return sql, params


CHECKIN_COLUMNS = ["officer_id", "officer__organisation_id", "officer__team__unit_id", "officer__organisation__name",
                   "officer__team__unit__name", "officer__high_risk_role", "instrument", "completed_day", "total",
                   "band", "positive"]


def checkin_report_values(qs: QuerySet) -> QuerySet:
    """The query behind the row-level report (the benchmark COPYs exactly this one)."""
    return (qs.annotate(completed_day=LocalDay("completed_at")).order_by("completed_at", "id")
            .values_list(*CHECKIN_COLUMNS))


def checkin_report_groups(qs: QuerySet) -> list[tuple]:
    """(organisation id, unit id, role, check-ins, distinct people) per unit x role group of the
    report, for the small-number rule (`exports.disclosure_plan`). Two queries: the check-ins
    counted per person (no join: each person is in one group), then the people's organisation, unit
    and role; the groups are summed here. (Issue 22: one COUNT(DISTINCT) over the joined check-ins
    took half as long as COPYing a million of them.)"""
    qs = qs.order_by()
    counts = dict(qs.values_list("officer_id").annotate(n=Count("id")).values_list("officer_id", "n"))
    people = User.objects.filter(pk__in=qs.values("officer_id")).values_list(
        "pk", "organisation_id", "team__unit_id", "high_risk_role")
    groups: dict[tuple, list[int]] = {}
    for person, org_id, unit_id, role in people.iterator(chunk_size=5000):
        checkins = counts.get(person)
        if checkins is None:  # a first check-in made between the two queries: not in the plan, left out
            continue
        group = groups.setdefault((org_id, unit_id, role), [0, 0])
        group[0] += checkins
        group[1] += 1
    return [(*key, checkins, size) for key, (checkins, size) in groups.items()]


def checkin_report_rows(qs: QuerySet, pseudonymise, plan: exports.DisclosurePlan, chunk_size: int = 5000):
    """Row-level report rows, streamed from a server-side cursor (bounded memory), with the
    person's id replaced by their pseudonym and the small-number rule applied per unit x role group
    (`plan`: the unit generalised to the whole organisation, or the row left out). Rows come out
    neutralised against formula injection: the text columns hold a few distinct values each, so
    their cells are worked out once per (group, questionnaire, band) and remembered, as is each
    person's pseudonym (issue 22: a million rows, a few thousand people); the pseudonym is hex and
    the day ISO 8601, which cannot start a formula."""
    shown: dict[tuple, tuple | None] = {}  # (org id, unit id, role, questionnaire, band) -> text cells
    names: dict[int, str] = {}  # person id -> pseudonym
    for (officer_id, org_id, unit_id, org, unit, role, instrument, day, total, band,
         positive) in chunked.rows(checkin_report_values(qs), chunk_size):
        key = (org_id, unit_id, role, instrument, band)
        try:
            cells = shown[key]
        except KeyError:
            cells = shown[key] = _report_cells(plan, key, org, unit)
        if cells is None:  # the group is left out
            continue
        name = names.get(officer_id)
        if name is None:
            name = names[officer_id] = pseudonymise(officer_id)
        org, unit, role, instrument, band = cells
        yield (name, org, unit, role, instrument, day, total, band, positive)


def _report_cells(plan: exports.DisclosurePlan, key: tuple, org: str, unit: str | None) -> tuple | None:
    """The neutralised organisation, unit, role, questionnaire and band of a report row, with the
    unit as the small-number plan shows it; None if the plan leaves the row's group out (or has
    not counted it)."""
    org_id, unit_id, role, instrument, band = key
    action = plan.actions.get((org_id, unit_id, role), exports.SUPPRESS)
    if action == exports.SUPPRESS:
        return None
    shown_unit = exports.GENERALISED_UNIT if action == exports.GENERALISE else unit or ""
    return tuple(exports.neutralise(v) for v in (org, shown_unit, role, instrument, band))


def checkin_report_csv(qs: QuerySet, pseudonymise, plan: exports.DisclosurePlan, chunk_size: int = 5000):
    """The rows of `checkin_report_rows` as lines of CSV text (for `exports.csv_lines(written=True)`),
    the same text the csv module writes for them, put together from parts worked out once per
    distinct value: the organisation, unit, role and questionnaire once per group and
    questionnaire, each pseudonym once per person, each day, total, band and answer once."""
    parts: dict[tuple, tuple | None] = {}  # (org id, unit id, role, questionnaire, band) -> CSV text
    names = exports.Remembered(lambda person: exports.csv_text([pseudonymise(person)]))
    days, totals, flags = (exports.Remembered(lambda value: exports.csv_text([value])) for _ in range(3))
    end = exports.CSV_LINE_END
    for (officer_id, org_id, unit_id, org, unit, role, instrument, day, total, band,
         positive) in chunked.rows(checkin_report_values(qs), chunk_size):
        key = (org_id, unit_id, role, instrument, band)
        try:
            text = parts[key]
        except KeyError:
            cells = _report_cells(plan, key, org, unit)
            text = parts[key] = None if cells is None else (exports.csv_text(cells[:4]), exports.csv_text(cells[4:]))
        if text is None:  # the group is left out
            continue
        yield f"{names[officer_id]},{text[0]},{days[day]},{totals[total]},{text[1]},{flags[positive]}{end}"


def summary_report_rows(qs: QuerySet):
    """Aggregate rows: check-ins and people per unit, role, questionnaire and band (raw counts;
    the caller suppresses small numbers)."""
    return (qs.values_list("officer__team__unit__name", "officer__high_risk_role", "instrument", "band")
            .annotate(checkins=Count("id"), people=Count("officer", distinct=True))
            .order_by("officer__team__unit__name", "officer__high_risk_role", "instrument", "band"))


# ----------------------------------------------------------------------------- audit log


def can_read_audit_log(user) -> bool:
    """Admins, and OH staff granted `portal.view_auditevent` (the "OH lead")."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or (user.is_oh and user.has_perm("portal.view_auditevent"))


def audit_events_for(user) -> QuerySet:
    """Admins see every event. An OH lead sees only events whose subject (the person the record is
    about) is in an organisation they cover (own or granted): not events about people elsewhere
    that a colleague of theirs happens to have caused, and not events with no subject (sign-in
    failures, exports, list views, configuration), which only an admin reviews."""
    events = AuditEvent.objects.select_related("actor", "subject")
    if user.is_staff:
        return events
    people = User.objects.filter(organisation_id__in=access.organisation_ids(user)).values("pk")
    return events.filter(subject_id__in=people)


def access_history(person) -> QuerySet:
    """What others did with this person's records: audit events about them, by someone else."""
    return (AuditEvent.objects.filter(subject=person).exclude(actor=None).exclude(actor=person)
            .select_related("actor").order_by("-at", "-id"))


# ----------------------------------------------------------------------------- subject access


def _table(queryset, fields: list[str]) -> tuple[list[str], list[list]]:
    return fields, [list(row) for row in queryset.values_list(*fields).iterator(chunk_size=2000)]


def _without_private_comments(table: tuple[list[str], list[list]]) -> tuple[list[str], list[list]]:
    """Check-in rows with the comment blanked where the person did not share it with OH."""
    header, rows = table
    comment, shared = header.index("comment"), header.index("share_comment_with_oh")
    for row in rows:
        if not row[shared]:
            row[comment] = ""
    return header, rows


def _outcome_request_table(person, *, own_copy: bool) -> tuple[list[str], list[list]]:
    """The person's call outcome requests (issue 18). The incident reference and the supervisor's
    answer are for the call handler and their supervisor only, so they are in the person's own copy
    and not in OH's."""
    fields = ["id", "shift_id", "category__name", "detail_wanted", "status", "created_at", "answered_at",
              "closed_at"]
    if own_copy:
        fields[3:3] = ["reference", "answer"]
    return _table(OutcomeRequest.objects.filter(officer=person).order_by("created_at", "id"), fields)


def subject_access_tables(person, *, private_comments: bool = False,
                          own_copy: bool = False) -> dict[str, tuple[list[str], list[list]]]:
    """Everything the portal holds about `person`, one table per kind of record (for the ZIP).
    Authentication secrets (password hash, TOTP keys, recovery codes) are deliberately left out:
    they are not information about the person and would weaken their account if disclosed.
    Check-in comments the person kept private (not shared with OH) are blanked unless
    `private_comments` (only the person's own copy: OH never had them)."""
    tables = {
        "checkins": _table(CheckIn.objects.filter(officer=person).order_by("completed_at"), [
            "id", "instrument", "instrument_version", "completed_at", "answers", "total", "band", "positive",
            "urgent", "result", "comment", "share_comment_with_oh"]),
        "shifts": _table(ShiftLog.objects.filter(officer=person).order_by("shift_date"), [
            "id", "shift_date", "start_time", "duration_minutes", "role", "nothing_notable", "detail", "created_at"]),
        "exposures": _table(Exposure.objects.filter(officer=person).order_by("shift_date"), [
            "id", "shift_id", "shift_date", "role", "category__name", "intensity", "minutes", "critical_incident",
            "defined_task", "mitigations", "outcome_known", "outcome_wanted", "count", "detail", "dose",
            "created_at"]),
        "risk_assessments": _table(RiskAssessment.objects.filter(officer=person).order_by("computed_at"), [
            "id", "computed_at", "refreshed_at", "level", "score", "reasons", "exposure", "rules_version"]),
        "flags": _table(Flag.objects.filter(officer=person).order_by("raised_at"), [
            "id", "reason_code", "kind", "urgent", "status", "raised_at", "acknowledged_at", "escalated_at",
            "closed_at", "outcome", "dismiss_reason", "officer_context", "officer_context_at"]),
        "referrals": _table(Referral.objects.filter(person=person).order_by("referred_on"), [
            "id", "kind", "referred_on", "outcome", "outcome_on", "recorded_at"]),
        "oh_case_notes": _table(OHCaseNote.objects.filter(person=person).order_by("created_at"), [
            "id", "created_at", "author__first_name", "author__last_name", "text"]),
        "legal_holds": _table(LegalHold.objects.filter(person=person).order_by("placed_at"), [
            "id", "reason", "placed_at", "lifted_at"]),
        "notifications": _table(Notification.objects.filter(user=person).order_by("created_at"), [
            "id", "created_at", "title", "body", "link", "read_at", "emailed_at"]),
        "sharing_choices": _table(Disclosure.objects.filter(officer=person).order_by("chosen_at", "id"), [
            "id", "audience", "choice", "peer_supporter__username", "chosen_at", "withdrawn_at"]),
        "access_history": _table(AuditEvent.objects.filter(subject=person).order_by("at", "id"), [
            "id", "at", "action", "actor__username", "actor__first_name", "actor__last_name", "object_type",
            "object_id", "reason"]),
    }
    if not private_comments:
        tables["checkins"] = _without_private_comments(tables["checkins"])
    tables.update(_help_request_tables(person, private_comments=private_comments))
    tables["outcome_requests"] = _outcome_request_table(person, own_copy=own_copy)
    # Screening (docs/screening.md): the outcome band is in OH's copy (a request made through OH),
    # not in the person's self-service copy: OH discusses results with the person (Oscar Kilo).
    tables["screenings"] = _table(Screening.objects.filter(person=person).order_by("due_on", "id"), [
        "id", "kind", "role", "role_since", "due_on", "invited_at", "reminded_at", "appointment_at", "attended",
        "completed_on", "withdrawn_on", *([] if private_comments else ["outcome"])])
    for label, fields, owner in [
        ("wellbeing.WelfareAction", ["id", "kind", "recorded_at", "follow_up_on", "follow_up_done"], "officer"),
        ("training.Assignment", ["id", "module__slug", "module__current_version__title", "assigned_at", "due_on",
                                  "completed_at"], "person"),
        ("training.Completion", ["id", "module__slug", "version__title", "version__number", "score", "completed_at"],
         "person"),
    ]:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        known = {f.name for f in model._meta.get_fields()}
        usable = [f for f in fields if f.split("__")[0] in known]
        tables[label.split(".")[1].lower() + "s"] = _table(model.objects.filter(**{owner: person}), usable)
    return tables


def _help_request_tables(person, *, private_comments: bool) -> dict:
    """The person's help requests and the contacts recorded on them. OH's copy holds only the
    requests that reached OH: one to a peer supporter alone was never OH's to read (docs/talk.md);
    the person's own copy holds them all."""
    requests = HelpRequest.objects.filter(officer=person).order_by("created_at")
    if not private_comments:
        requests = requests.filter(to_oh=True)
    return {
        "help_requests": _table(requests, [
            "id", "created_at", "peer__first_name", "peer__last_name", "to_oh", "urgent", "shares", "shared_level",
            "shared_checkins", "status", "accepted_at", "closed_at"]),
        "help_contacts": _table(HelpContact.objects.filter(request__in=requests).order_by("on", "id"), [
            "id", "request_id", "on", "kind", "recorded_at"]),
    }


def profile_of(person) -> dict:
    return {
        "id": person.pk, "username": person.username, "first_name": person.first_name,
        "last_name": person.last_name, "email": person.email,
        "organisation": str(person.organisation) if person.organisation_id else None,
        "team": str(person.team) if person.team_id else None, "high_risk_role": person.high_risk_role,
        "roles": person.roles, "language": person.language, "date_joined": person.date_joined.isoformat(),
        "employment_ended_on": person.employment_ended_on.isoformat() if person.employment_ended_on else None,
    }


def json_default(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def to_json(value) -> str:
    return json.dumps(value, default=json_default, ensure_ascii=False, indent=2)
