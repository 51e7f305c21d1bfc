"""A deterministic synthetic force in PostgreSQL, written with COPY for speed.

`build(officers=..., rows=..., seed=...)` replaces every officer, shift, exposure and check-in in
the benchmark database with invented ones: officers spread over the four high-risk roles and
teams of 10, each team with a supervisor, and one occupational health member (the people the sweep
notifies); exposures with a skewed number per officer (a few officers log far more than most);
about one check-in for every four exposures (mostly pulses, some PHQ-9, GAD-7 and PCL-5). Rows
are stored oldest first, the order in which a live system receives them."""

from __future__ import annotations

import io
import json
import uuid
from datetime import date, datetime, timedelta, timezone

import numpy as np

ROLES = ["call_handling", "cse_review", "firearms", "counter_terrorism"]
USER_COLUMNS = [
    "id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active",
    "date_joined", "organisation_id", "team_id", "high_risk_role", "is_officer", "is_supervisor", "is_trainer", "is_oh",
    "is_wellbeing_lead", "is_peer_supporter", "peer_availability", "is_trim_practitioner", "is_trim_coordinator",
    "staff_number", "language"]
INSTRUMENTS = [("pulse", 0.7, 20), ("phq9", 0.12, 27), ("gad7", 0.12, 21), ("pcl5", 0.06, 80)]


def _copy(cursor, table: str, columns: list[str], lines) -> None:
    buffer = io.StringIO()
    count = 0
    for line in lines:
        buffer.write(line)
        count += 1
        if count % 200_000 == 0:
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
            buffer = io.StringIO()
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def build(*, officers: int, rows: int, seed: int = 20261126, today: date | None = None) -> dict:
    from django.db import connection, transaction

    from exposure.models import ExposureCategory
    from portal.models import Organisation, Team, Unit

    rng = np.random.default_rng(seed)
    today = today or datetime.now(timezone.utc).date()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE wellbeing_checkin, exposure_exposure, exposure_shiftlog, wellbeing_flag, "
                    "wellbeing_riskassessment, wellbeing_rolebaseline, portal_notification, portal_recomputepending "
                    "RESTART IDENTITY CASCADE")
        cur.execute("DELETE FROM portal_team_supervisors")
        cur.execute("DELETE FROM portal_user WHERE username LIKE 'bench%%'")
        org, _ = Organisation.objects.get_or_create(slug="bench-force", defaults={"name": "Bench Constabulary"})
        unit, _ = Unit.objects.get_or_create(organisation=org, name="Bench unit")
        teams = [Team.objects.get_or_create(unit=unit, name=f"Bench team {i}")[0] for i in range(officers // 10 + 1)]
        categories = {role: list(ExposureCategory.objects.filter(role=role).values_list("pk", flat=True))
                      for role in ROLES}
        if not all(categories.values()):
            raise SystemExit("exposure categories missing: run the migrations first")

        cur.execute("SELECT COALESCE(MAX(id), 0) FROM portal_user")
        first_id = cur.fetchone()[0] + 1
        roles = rng.integers(0, len(ROLES), officers)
        now = datetime.now(timezone.utc).isoformat()
        _copy(cur, "portal_user", USER_COLUMNS,
            (f"{first_id + i}\t!\tf\tbench{i}\tBench\tOfficer {i}\t\tf\tt\t{now}\t{org.pk}\t"
             f"{teams[i // 10].pk}\t{ROLES[roles[i]]}\tt\tf\tf\tf\tf\tf\t\tf\tf\tB{first_id + i}\ten-gb\n"
             for i in range(officers)))
        # The people a force's sweep tells: a supervisor for each team (operational flags) and one
        # occupational health member (clinical and urgent flags), so that a sweep here writes the
        # notifications it would write in a force. No email addresses: in-app notifications only
        # (emails are a worker's job after the sweep's transaction, not the sweep's).
        staff = [(f"bench-sup{j}", "Supervisor", "t", "f") for j in range(len(teams))]
        staff.append(("bench-oh", "Health", "f", "t"))
        staff_first = first_id + officers
        _copy(cur, "portal_user", USER_COLUMNS,  # no team, no high-risk role
            (f"{staff_first + j}\t!\tf\t{name}\tBench\t{last} {j}\t\tf\tt\t{now}\t{org.pk}\t\\N\t\tf\t{sup}\tf\t"
             f"{oh}\tf\tf\t\tf\tf\tBS{staff_first + j}\ten-gb\n" for j, (name, last, sup, oh) in enumerate(staff)))
        _copy(cur, "portal_team_supervisors", ["team_id", "user_id"],
              (f"{team.pk}\t{staff_first + j}\n" for j, team in enumerate(teams)))
        cur.execute("SELECT setval(pg_get_serial_sequence('portal_user', 'id'), %s)", [staff_first + len(staff)])

        # Skewed exposure counts per officer (lognormal weights), over the last 365 days.
        weights = rng.lognormal(0, 0.8, officers)
        per_officer = np.maximum(1, np.round(weights / weights.sum() * rows)).astype(int)
        per_officer[-1] += rows - per_officer.sum()
        per_officer = np.maximum(per_officer, 1)
        owner = np.repeat(np.arange(officers), per_officer)
        n = len(owner)
        days_ago = rng.integers(0, 365, n)
        # Rows are written oldest first, as a live system stores them (shifts are logged within days),
        # so the table's physical order follows the date as it would in production.
        chronological = np.argsort(-days_ago, kind="stable")
        owner, days_ago = owner[chronological], days_ago[chronological]
        intensity = rng.integers(1, 6, n)
        minutes = rng.integers(5, 240, n)
        critical = rng.random(n) < 0.01
        dose = intensity * (0.5 + minutes / 120.0)

        _copy(cur, "exposure_shiftlog", ["id", "officer_id", "shift_date", "start_time", "duration_minutes", "role",
                                         "nothing_notable", "detail", "created_at", "updated_at"],
              (f"{i + 1}\t{first_id + owner[i]}\t{today - timedelta(days=int(days_ago[i]))}\t08:00\t480\t"
               f"{ROLES[roles[owner[i]]]}\tf\t{{}}\t{now}\t{now}\n" for i in range(n)))
        cat_choice = rng.integers(0, 1000, n)

        def category(i):
            options = categories[ROLES[roles[owner[i]]]]
            return options[cat_choice[i] % len(options)]

        def exposure_line(i):
            return (f"{i + 1}\t{first_id + owner[i]}\t{today - timedelta(days=int(days_ago[i]))}\t"
                    f"{ROLES[roles[owner[i]]]}\t{category(i)}\t{intensity[i]}\t{minutes[i]}\t"
                    f"{'t' if critical[i] else 'f'}\t\\N\t[]\t\\N\t{{}}\t{dose[i]:.4f}\t{now}\t{now}\t1\n")

        _copy(cur, "exposure_exposure", [
            "shift_id", "officer_id", "shift_date", "role", "category_id", "intensity", "minutes",
            "critical_incident", "defined_task", "mitigations", "outcome_known", "detail", "dose",
            "created_at", "updated_at", "count"],
            (exposure_line(i) for i in range(n)))
        cur.execute("SELECT setval(pg_get_serial_sequence('exposure_shiftlog', 'id'), %s)", [n + 1])

        checkins = n // 4
        who = rng.integers(0, officers, checkins)
        when = -np.sort(-rng.integers(0, 365 * 24 * 60, checkins))  # minutes ago, oldest first
        kind = rng.choice(len(INSTRUMENTS), checkins, p=[p for _, p, _ in INSTRUMENTS])
        totals = rng.random(checkins)
        submissions = rng.integers(0, 2**63 - 1, checkins, dtype=np.int64)
        base = datetime.now(timezone.utc)

        def checkin_line(i):
            code, _, top = INSTRUMENTS[kind[i]]
            total = int(totals[i] * (top + 1)) if code != "pulse" else int(8 + totals[i] * 12)
            at = (base - timedelta(minutes=int(when[i]))).isoformat()
            return (f"{first_id + who[i]}\t{code}\tv1\t{at}\t[]\t{total}\t-\tf\t{json.dumps({})}\tf\t\tf\t"
                    f"{uuid.UUID(int=int(submissions[i]))}\n")

        _copy(cur, "wellbeing_checkin", ["officer_id", "instrument", "instrument_version", "completed_at", "answers",
                                        "total", "band", "positive", "result", "urgent", "comment",
                                        "share_comment_with_oh", "submission"],
              (checkin_line(i) for i in range(checkins)))
        cur.execute("ANALYZE")
    # Autovacuum would long since have visited a year of rows in a live system (setting hint bits and
    # summarising block ranges); VACUUM cannot run inside a transaction. Every table with a BRIN index
    # the sweep reads: the shift logs' too (without it, each of their block ranges is unsummarised and
    # the sweep's query for recent call-handling shifts reads the whole table).
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE exposure_exposure")
        cur.execute("VACUUM ANALYZE exposure_shiftlog")
        cur.execute("VACUUM ANALYZE wellbeing_checkin")
    return {"officers": officers, "exposures": int(n), "checkins": int(checkins)}
