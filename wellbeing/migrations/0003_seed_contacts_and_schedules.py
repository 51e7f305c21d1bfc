"""National support contacts (DOMAIN.md section 4) and the default check-in schedules.

Both are admin-editable afterwards; re-check every number on the service's live site before a
force goes live. Reversing removes only the rows this migration added (matched by name/timing)."""

from django.db import migrations

NATIONAL_CONTACTS = [
    # (order, nation, name, contact, detail)
    (0, "", "Emergency services", "999",
     "If you or someone else is in immediate danger, or life is at risk."),
    (10, "", "Samaritans", "116 123",
     "Free from any phone, 24 hours a day, every day. Or email jo@samaritans.org."),
    (20, "england", "NHS 111", "111",
     "Call 111 and select the mental health option. Answered by mental health staff, 24 hours a day."),
    (30, "", "Shout", "Text SHOUT to 85258",
     "Free, confidential text support, 24 hours a day."),
    (40, "", "Police Care UK", "0300 012 0030",
     "Confidential support for serving and former police officers, staff and volunteers, and their families. "
     "Independent of the police."),
    (50, "", "Mind", "0300 123 3393",
     "Information and signposting, Monday to Friday, 9am to 6pm."),
]

DEFAULT_SCHEDULES = [
    # (instrument, trigger, every_days, hours_after, grace_days)
    ("pulse", "after_shift", None, None, 2),
    ("phq9", "every", 28, None, 7),
    ("gad7", "every", 28, None, 7),
    ("pcl5", "every", 84, None, 14),
    # TRiM-style follow-ups after a critical incident: about 72 hours and about 28 days.
    ("pcl5", "critical_incident", None, 72, 2),
    ("pulse", "critical_incident", None, 72, 2),
    ("pcl5", "critical_incident", None, 672, 7),
    ("pulse", "critical_incident", None, 672, 7),
]


def seed(apps, schema_editor):
    SupportContact = apps.get_model("wellbeing", "SupportContact")
    CheckInSchedule = apps.get_model("wellbeing", "CheckInSchedule")
    for order, nation, name, contact, detail in NATIONAL_CONTACTS:
        SupportContact.objects.get_or_create(
            organisation=None, name=name, nation=nation,
            defaults={"contact": contact, "detail": detail, "order": order},
        )
    for instrument, trigger, every_days, hours_after, grace_days in DEFAULT_SCHEDULES:
        CheckInSchedule.objects.get_or_create(
            organisation=None, role="", instrument=instrument, trigger=trigger, hours_after=hours_after,
            defaults={"every_days": every_days, "grace_days": grace_days},
        )


def unseed(apps, schema_editor):
    SupportContact = apps.get_model("wellbeing", "SupportContact")
    CheckInSchedule = apps.get_model("wellbeing", "CheckInSchedule")
    for _order, nation, name, _contact, _detail in NATIONAL_CONTACTS:
        SupportContact.objects.filter(organisation=None, name=name, nation=nation).delete()
    for instrument, trigger, _every, hours_after, _grace in DEFAULT_SCHEDULES:
        CheckInSchedule.objects.filter(organisation=None, role="", instrument=instrument, trigger=trigger,
                                       hours_after=hours_after).delete()


class Migration(migrations.Migration):
    dependencies = [("wellbeing", "0002_checkins")]
    operations = [migrations.RunPython(seed, unseed)]
