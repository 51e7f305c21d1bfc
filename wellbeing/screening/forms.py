"""OH's record of one screening (or appointment): when it is booked, whether the person came, when
it was completed and, for a screening, the outcome band. No free text: nothing said in the
appointment is written here; OH's own notes stay in the case notes."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import BoundedDateField
from wellbeing.models import Screening, ScreeningKind

# How far from today an appointment or a completion may be: a typo in a year, not a real date.
FURTHEST = timedelta(days=2 * 366)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format=None):  # noqa: A002
        super().__init__(attrs=attrs, format=format or "%H:%M")


class RecordForm(forms.Form):
    appointment_on = BoundedDateField(label=_("Appointment date"), required=False,
                                      help_text=_("Leave empty until an appointment is booked."))
    appointment_time = forms.TimeField(label=_("Appointment time"), required=False, widget=TimeInput,
                                       help_text=_("For example 14:30."))
    attended = forms.ChoiceField(label=_("Attendance"), choices=Screening.Attended.choices, required=False,
                                 widget=forms.RadioSelect)
    completed_on = BoundedDateField(label=_("Completed on"), required=False,
                                    help_text=_("The day the screening or appointment was completed."))
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Screening.Outcome.choices, required=False, widget=forms.RadioSelect,
        help_text=_("The clinician's decision. Seen only by occupational health: the person is told by you, "
                    "never by the portal."))

    def __init__(self, *args, screening: Screening, today=None, **kwargs):
        self.screening = screening
        self.today = today or timezone.localdate()
        if "data" not in kwargs and not args:
            local = timezone.localtime(screening.appointment_at) if screening.appointment_at else None
            kwargs["initial"] = {
                "appointment_on": local.date() if local else None,
                "appointment_time": local.time().replace(second=0, microsecond=0) if local else None,
                "attended": screening.attended, "completed_on": screening.completed_on,
                "outcome": screening.outcome}
        super().__init__(*args, **kwargs)
        if screening.kind != ScreeningKind.SCREENING:
            del self.fields["outcome"]

    def clean(self):
        data = super().clean()
        day, at = data.get("appointment_on"), data.get("appointment_time")
        if day and at is None and "appointment_time" not in self.errors:
            self.add_error("appointment_time", _("Enter the time of the appointment."))
        if at is not None and day is None and "appointment_on" not in self.errors:
            self.add_error("appointment_on", _("Enter the date of the appointment."))
        if day and abs(day - self.today) > FURTHEST:
            self.add_error("appointment_on", _("Enter an appointment date within two years of today."))
        attended, completed = data.get("attended", ""), data.get("completed_on")
        if attended and not day:
            self.add_error("attended", _("Record the appointment date before its attendance."))
        elif attended and day > self.today:
            self.add_error("attended", _("The appointment has not happened yet: leave attendance as not recorded."))
        if completed:
            if completed > self.today:
                self.add_error("completed_on", _("The completion date cannot be in the future."))
            elif self.today - completed > FURTHEST:
                self.add_error("completed_on", _("Enter a completion date within the last two years."))
            elif attended != Screening.Attended.YES:
                self.add_error("completed_on", _("A screening is completed only if the person attended: "
                                                 "choose “Attended” as well."))
            elif day and completed < day:
                self.add_error("completed_on", _("The completion date cannot be before the appointment."))
        if data.get("outcome") and not completed and "completed_on" not in self.errors:
            self.add_error("outcome", _("Record the completion date before the outcome."))
        return data

    def appointment_at(self):
        day, at = self.cleaned_data.get("appointment_on"), self.cleaned_data.get("appointment_time")
        if not day or at is None:
            return None
        return timezone.make_aware(datetime.combine(day, time(at.hour, at.minute)))


class OHFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("open", _("Open: not yet completed")), ("overdue", _("Overdue")), ("completed", _("Completed")),
        ("withdrawn", _("No longer due")), ("", _("All"))])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *ScreeningKind.choices])
    role = forms.ChoiceField(label=_("High-risk role"), required=False)

    def __init__(self, *args, **kwargs):
        from portal.models import HighRiskRole

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All")), *HighRiskRole.choices]
