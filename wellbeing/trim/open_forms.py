"""The forms that open TRiM cases: a supervisor's declared incident (several people), a referral (a
supervisor's of someone, or an officer's of themself). The incident's name is an operational one,
never health detail; its date and time are in the last year and not in the future."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wellbeing.models.trim import TrimIncident
from wellbeing.trim import selectors

# How far back an incident may be opened in the portal.
OLDEST = timedelta(days=365)

TITLE_HINT = _('An operational name, such as "The collision on the A40 on 3 March". Never write anything '
               "about anyone's health or how they are feeling.")


class IncidentFields(forms.Form):
    title = forms.CharField(
        label=_("Name of the incident"), max_length=TrimIncident._meta.get_field("title").max_length,
        help_text=TITLE_HINT,
        error_messages={"required": _("Enter a short name for the incident."),
                        "max_length": _("The incident's name must be 200 characters or fewer.")})
    occurred_on = forms.DateField(
        label=_("Date of the incident"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date of the incident."),
                        "invalid": _("Enter a real date, like 2026-03-03.")})
    occurred_time = forms.TimeField(
        label=_("Time of the incident"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Your best estimate if you are not sure, on the 24-hour clock, like 14:30."),
        error_messages={"required": _("Enter the time of the incident, like 14:30."),
                        "invalid": _("Enter a real time on the 24-hour clock, like 14:30.")})

    def __init__(self, *args, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Enter a short name for the incident."))
        return title

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("occurred_on"), cleaned.get("occurred_time")
        if day is None or at is None:
            return cleaned
        if day.year < 2000:
            self.add_error("occurred_on", _("Enter a real date, like 2026-03-03."))
            return cleaned
        moment = timezone.make_aware(datetime.combine(day, at.replace(second=0, microsecond=0)))
        if moment > self.now:
            field = "occurred_time" if day == timezone.localtime(self.now).date() else "occurred_on"
            self.add_error(field, _("The date and time of the incident cannot be in the future."))
        elif moment < self.now - OLDEST:
            self.add_error("occurred_on", _("The incident must be within the last year."))
        else:
            cleaned["occurred_at"] = moment
        return cleaned


class DeclareForm(IncidentFields):
    people = forms.MultipleChoiceField(
        label=_("People involved"), widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose at least one person involved."),
                        "invalid_choice": _("Choose the people involved from the list.")})

    field_order = ["title", "occurred_on", "occurred_time", "people"]

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.by_pk = {str(p.pk): p for p in people}
        self.fields["people"].choices = [(pk, _person_label(p)) for pk, p in self.by_pk.items()]

    def clean_people(self):
        chosen = [self.by_pk[pk] for pk in self.cleaned_data["people"]]
        if len({p.organisation_id for p in chosen}) > 1:
            raise forms.ValidationError(_("Choose people of one organisation: declare a separate incident for "
                                          "each organisation."))
        return chosen

    def groups(self) -> list[tuple[str, list]]:
        """The people's checkboxes grouped by team, in the field's own order (so the first box keeps
        the id the error summary links to)."""
        groups: dict[str, list] = {}
        for pk, option in zip(self.by_pk, self["people"].subwidgets, strict=True):
            groups.setdefault(selectors.team_label(self.by_pk[pk]), []).append(option)
        return list(groups.items())


class ReferForm(IncidentFields):
    """A referral. With `people` (a supervisor), the person referred is chosen from them; without, an
    officer refers themself."""

    person = forms.ChoiceField(
        label=_("Person referred"),
        error_messages={"required": _("Choose the person you are referring."),
                        "invalid_choice": _("Choose the person you are referring from the list.")})

    field_order = ["person", "title", "occurred_on", "occurred_time"]

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person"]
            self.by_pk = {}
            return
        self.by_pk = {str(p.pk): p for p in people}
        grouped = selectors.grouped_by_team(self.by_pk.values())
        self.fields["person"].choices = [("", _("Choose a person"))] + [
            (team, [(str(p.pk), _person_label(p)) for p in members]) for team, members in grouped]

    def clean_person(self):
        return self.by_pk[self.cleaned_data["person"]]


def _person_label(person) -> str:
    return person.get_full_name() or person.username
