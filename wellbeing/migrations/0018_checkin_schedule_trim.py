"""Check-in follow-ups after a critical incident come from the person's TRiM cases (issue 20): a
schedule row no longer holds a timing (`hours_after`), only which questionnaire is asked when a
case's initial assessment ("trim_assessment") or follow-up ("trim_followup") is due. Rows of the old
"critical_incident" trigger become one or the other: under a week after the incident is the initial
one (the seeded 72 hours), later the follow-up (the seeded 672 hours, 28 days)."""

from django.db import migrations, models

WEEK_HOURS = 7 * 24


def to_trim_triggers(apps, schema_editor):
    Schedule = apps.get_model("wellbeing", "CheckInSchedule")
    seen = set()
    for row in Schedule.objects.filter(trigger="critical_incident").order_by("hours_after", "pk"):
        trigger = "trim_assessment" if (row.hours_after or 0) < WEEK_HOURS else "trim_followup"
        key = (row.organisation_id, row.role, row.instrument, trigger)
        if key in seen:  # two old timings on one side: the earliest stands for both
            row.delete()
            continue
        seen.add(key)
        row.trigger = trigger
        row.save(update_fields=["trigger"])


def to_hours(apps, schema_editor):
    Schedule = apps.get_model("wellbeing", "CheckInSchedule")
    Schedule.objects.filter(trigger="trim_assessment").update(trigger="critical_incident", hours_after=72)
    Schedule.objects.filter(trigger="trim_followup").update(trigger="critical_incident", hours_after=672)


class Migration(migrations.Migration):

    dependencies = [
        ('wellbeing', '0017_trim_deadlines'),
    ]

    operations = [
        migrations.RunPython(to_trim_triggers, to_hours),
        migrations.AlterModelOptions(
            name='checkinschedule',
            options={'ordering': ['instrument', 'trigger', 'organisation__name', 'role'], 'verbose_name': 'check-in schedule'},
        ),
        migrations.RemoveField(
            model_name='checkinschedule',
            name='hours_after',
        ),
        migrations.AlterField(
            model_name='checkinschedule',
            name='trigger',
            field=models.CharField(choices=[('after_shift', 'After every shift'), ('every', 'Every so many days'), ('trim_assessment', "When a TRiM case's initial assessment is due"), ('trim_followup', "When a TRiM case's follow-up is due")], help_text="A TRiM follow-up is due when the person's TRiM case says: the organisation's TRiM timings (72 hours and 28 days after the incident unless changed), never a timing set here.", max_length=20, verbose_name='when'),
        ),
    ]
