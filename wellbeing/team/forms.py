"""Forms of the supervisor's team pages."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.dates import BoundedDateField
from wellbeing.models import WelfareAction
from wellbeing.risk import engine as risk

FOLLOW_UP_MAX_DAYS = 365
NOT_ABOUT_A_FLAG = "none"


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

    def __init__(self, *args, with_flag: bool = True, open_flags: list | None = None, **kwargs):
        """`with_flag`: the supervisor may close the flag (one of their own, still active). Never for
        occupational health's flags (clinical, urgent, escalated): those only OH closes.

        `open_flags` (the person's page): the person's active flags this supervisor may see, as
        (flag, supervisor-safe label) pairs, fetched through `portal.access`. One: the action is
        linked to it (`linked_flag`; the page says so). Several: a required choice between them and
        "Not about a flag"; a flag not offered (another team's, say) is refused as an invalid
        choice. None: no link."""
        super().__init__(*args, **kwargs)
        if not with_flag:
            del self.fields["close_flag"]
        self.open_flags = {str(f.pk): f for f, _label in open_flags or []}
        self.linked_flag = open_flags[0][0] if open_flags and len(open_flags) == 1 else None
        if open_flags and len(open_flags) > 1:
            self.fields["about_flag"] = forms.ChoiceField(
                label=_("Which flag is this about?"), widget=forms.RadioSelect,
                choices=[*((str(f.pk), _("%(label)s, raised %(day)s") % {
                    "label": label, "day": date_format(timezone.localtime(f.raised_at), "j M Y")})
                    for f, label in open_flags), (NOT_ABOUT_A_FLAG, _("Not about a flag"))],
                error_messages={"required": _("Choose the flag this action is about, or \"Not about a flag\".")})

    def clean_about_flag(self):
        """The chosen flag (only one of those offered), or None for "Not about a flag"."""
        value = self.cleaned_data.get("about_flag")
        return None if value == NOT_ABOUT_A_FLAG else self.open_flags[value]

    def flag_to_link(self):
        """The flag this action is recorded against (after is_valid()): the only one, the chosen
        one, or None."""
        if "about_flag" in self.fields:
            return self.cleaned_data.get("about_flag")
        return self.linked_flag

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


class DeploymentFilterForm(forms.Form):
    to_do = forms.BooleanField(label=_("Only those still to do"), required=False,
                               widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
