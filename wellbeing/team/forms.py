"""Forms of the supervisor's team pages."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import BoundedDateField
from wellbeing.models import WelfareAction
from wellbeing.risk import engine as risk

FOLLOW_UP_MAX_DAYS = 365


class TeamFilterForm(forms.Form):
    SORT_CHOICES = [
        ("attention", _("Needs attention first")),
        ("name", _("Name")),
        ("level", _("Level, highest first")),
        ("load", _("Exposure load against the role, highest first")),
        ("checkin", _("Longest since a check-in")),
        ("completion", _("Lowest check-in completion")),
    ]
    LEVEL_CHOICES = [
        ("", _("Everyone")),
        (risk.AMBER, _("Amber or above")),
        (risk.RED, _("Red")),
    ]

    # Rendered by hand in the template (Bootstrap classes here): the dashboard is the page
    # supervisors open most, and crispy's templates would cost more than the rest of the form.
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False,
                             widget=forms.Select(attrs={"class": "form-select"}))
    level = forms.ChoiceField(label=_("Show"), choices=LEVEL_CHOICES, required=False,
                              widget=forms.Select(attrs={"class": "form-select"}))
    flagged = forms.BooleanField(label=_("Only people with active flags"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


class WelfareActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was done"), choices=WelfareAction.Kind.choices, widget=forms.RadioSelect)
    follow_up_on = BoundedDateField(
        label=_("Follow up on (optional)"), required=False,
        help_text=_("You will get a reminder on that day."),
    )
    close_flag = forms.BooleanField(
        label=_("Close the flag: this is handled"), required=False, initial=True,
    )

    def __init__(self, *args, with_flag: bool = True, **kwargs):
        """`with_flag`: the supervisor may close the flag (one of their own, still active). Never for
        occupational health's flags (clinical, urgent, escalated): those only OH closes."""
        super().__init__(*args, **kwargs)
        if not with_flag:
            del self.fields["close_flag"]

    def clean_follow_up_on(self):
        day = self.cleaned_data.get("follow_up_on")
        if day is None:
            return None
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("Choose a date after today."))
        if day > today + timedelta(days=FOLLOW_UP_MAX_DAYS):
            raise forms.ValidationError(_("Choose a date within the next year."))
        return day
