"""A role's check-in interval (issue 18: roles are data) as check-in schedule rows.

When an admin gives a high-risk role an interval ("questionnaires every N days"), every regular
questionnaire the default schedule asks "every so many days" is asked every N days of people in that
role: one `CheckInSchedule` row per questionnaire for the role (and its organisation, for a force's
own role), which beats the default row (`wellbeing.instruments.schedule.resolve_rules`). The
schedule stays the one place check-ins are decided; the four shipped roles have no interval, so
their schedule is unchanged. Emptying the interval leaves the rows as they are: an admin removes or
switches them off under Check-in schedules."""

from __future__ import annotations

from wellbeing.models import CheckInSchedule

EVERY = CheckInSchedule.Trigger.EVERY


def role_saved_receiver(sender, instance, raw=False, **kwargs) -> None:
    """post_save of `portal.Role`: write the role's "every" rows from its interval."""
    if raw or not instance.questionnaire_every_days:
        return
    instruments = set(CheckInSchedule.objects.filter(organisation=None, role="", trigger=EVERY)
                      .values_list("instrument", flat=True))
    for instrument in sorted(instruments):
        row = CheckInSchedule.objects.filter(organisation_id=instance.organisation_id, role=instance.code,
                                             instrument=instrument, trigger=EVERY).first()
        if row is None:
            row = CheckInSchedule(organisation_id=instance.organisation_id, role=instance.code,
                                  instrument=instrument, trigger=EVERY)
        row.every_days = instance.questionnaire_every_days
        row.active = True
        row.save()
