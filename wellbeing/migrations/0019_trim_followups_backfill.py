"""Critical incidents logged before TRiM cases existed get a case (issue 20), so their check-in
follow-ups, their risk reason and their training recommendation, which now come only from cases,
are not lost at the change.

- Every shift with an exposure marked critical whose follow-up could still be shown (the
  organisation's follow-up days plus the three weeks a follow-up stays on the list) and that has no
  case yet gets a logged incident and a case (`shift_key` "shift:<id>", as a log opens one), due
  when the organisation's TRiM timings say, from the start of the shift (as the check-ins counted).
- An escalation whose moment had already passed before the portal ran TRiM (an assessment more than
  24 hours late, a follow-up more than 7 days late) is marked as done without being sent: nobody was
  asked to hold those meetings, and a burst of them on the first night would bury the real ones.
  Later deadlines escalate as usual. The coordinator sees the cases as new.
- A check-in reminder already sent under the old item key (`checkin-reminder:ci:<shift>:<code>:<hours>`)
  is moved to the new key (`checkin-reminder:<trigger>:<case>:<code>`), so nobody is reminded of the
  same follow-up twice.
Officers without an organisation cannot have a case (an incident belongs to one): none were expected.
The reverse leaves the cases (they may have been worked on since)."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

from exposure import shift_times
from wellbeing.trim.deadlines import due_dates

SHOWN_FOR = timedelta(days=21)  # wellbeing.instruments.schedule.FOLLOWUP_SHOWN_FOR
WEEK_HOURS = 7 * 24


def backfill(apps, schema_editor, now=None):
    now = now or timezone.now()
    Exposure = apps.get_model("exposure", "Exposure")
    TrimIncident = apps.get_model("wellbeing", "TrimIncident")
    TrimCase = apps.get_model("wellbeing", "TrimCase")
    Notification = apps.get_model("portal", "Notification")
    Organisation = apps.get_model("portal", "Organisation")
    longest = max(Organisation.objects.values_list("trim_followup_days", flat=True), default=28)
    since = shift_times.local_date(now - timedelta(days=longest) - SHOWN_FOR) - timedelta(days=1)
    shifts = (Exposure.objects.filter(critical_incident=True, shift_date__gte=since,
                                      officer__organisation__isnull=False)
              .values_list("shift_id", "officer_id", "shift_date", "shift__start_time", "officer__organisation_id")
              .distinct().order_by("shift_id"))
    organisations = {o.pk: o for o in Organisation.objects.all()}
    for shift_id, officer_id, day, start, organisation_id in shifts:
        if TrimCase.objects.filter(person_id=officer_id, shift_key=f"shift:{shift_id}").exists():
            continue
        organisation = organisations[organisation_id]
        at = shift_times.shift_start(day, start)
        assessment_due, followup_due = due_dates(at, assessment_hours=organisation.trim_assessment_hours,
                                                 followup_days=organisation.trim_followup_days)
        if followup_due + SHOWN_FOR <= now:
            continue
        incident = TrimIncident.objects.create(
            organisation_id=organisation_id, title=f"Critical incident logged for the shift of {day:%d/%m/%Y}",
            occurred_at=at, source="logged", created_by_id=officer_id, created_at=now)
        case = TrimCase.objects.create(
            incident=incident, person_id=officer_id, shift_key=f"shift:{shift_id}", assessment_due_at=assessment_due,
            followup_due_at=followup_due, created_at=now,
            assessment_escalated_at=now if assessment_due + timedelta(hours=24) <= now else None,
            followup_escalated_at=now if followup_due + timedelta(days=7) <= now else None)
        old_keys = f"checkin-reminder:ci:{shift_id}:"
        for note in Notification.objects.filter(user_id=officer_id, dedupe_key__startswith=old_keys):
            _prefix, _ci, _shift, code, hours = note.dedupe_key.split(":")
            trigger = "trim_assessment" if int(hours) < WEEK_HOURS else "trim_followup"
            key = f"checkin-reminder:{trigger}:{case.pk}:{code}"
            if not Notification.objects.filter(user_id=officer_id, dedupe_key=key).exists():
                note.dedupe_key = key
                note.save(update_fields=["dedupe_key"])


class Migration(migrations.Migration):

    dependencies = [
        ("exposure", "0008_category_welsh_names_forms"),
        ("portal", "0012_trim"),
        ("wellbeing", "0018_checkin_schedule_trim"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
