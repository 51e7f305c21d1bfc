"""The coordinator's and practitioners' forms: the planning meeting, assigning a practitioner, an
assessment held. No free text about the person anywhere (the only text is a named service); the
portal never reproduces the licensed TRiM form or its questions: a date, a band, an action."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.models import User
from wellbeing.models import TrimAssessment, TrimCase

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PLANNED_RESPONSES = [(c.value, c.label) for c in TrimCase.Response if c.value]


def _check_date(value: date, *, not_before: date | None, before_message) -> date:
    if value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    if not_before is not None and value < not_before:
        raise forms.ValidationError(before_message)
    return value


class PlanningForm(forms.Form):
    """The planning meeting: when it was held, and per person the response agreed. One radio group
    per case still open to planning (`response-<case id>`)."""

    held_on = forms.DateField(
        label=_("Planning meeting held on"), widget=DATE_WIDGET,
        error_messages={"required": _("Enter the date the planning meeting was held."),
                        "invalid": _("Enter a real date, like 2026-11-30.")})

    def __init__(self, *args, incident, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.cases = list(cases)
        self.fields["held_on"].initial = incident.planning_held_on or timezone.localdate
        self.fields["held_on"].widget = forms.DateInput(attrs={"type": "date", "class": "form-control"},
                                                        format="%Y-%m-%d")
        for case in self.cases:
            self.fields[self.key(case)] = forms.ChoiceField(
                label=_("Response agreed for %(name)s") % {"name": case.person}, widget=forms.RadioSelect,
                choices=PLANNED_RESPONSES, initial=case.response or None,
                error_messages={"required": _("Choose the response agreed for %(name)s.") % {"name": case.person},
                                "invalid_choice": _("Choose a response from the list.")})

    @staticmethod
    def key(case) -> str:
        return f"response-{case.pk}"

    def rows(self):
        return [(case, self[self.key(case)]) for case in self.cases]

    def clean_held_on(self):
        return _check_date(self.cleaned_data["held_on"], not_before=timezone.localdate(self.incident.occurred_at),
                           before_message=_("The planning meeting cannot be before the incident."))

    def responses(self) -> dict[int, str]:
        return {case.pk: self.cleaned_data[self.key(case)] for case in self.cases}


class AssignForm(forms.Form):
    """Choose the person's TRiM practitioner. The list shows only those who may be chosen; anyone
    else posted (a practitioner who supervises the person) is refused with a clear message."""

    practitioner = forms.ModelChoiceField(
        label=_("TRiM practitioner"), queryset=User.objects.none(), widget=forms.RadioSelect,
        error_messages={"required": _("Choose a practitioner."),
                        "invalid_choice": _("Choose a practitioner from the list.")})

    def __init__(self, *args, case: TrimCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        person = case.person
        field = self.fields["practitioner"]
        # Validation looks the choice up among every active practitioner of the organisation, so a
        # practitioner in the line chain gets the message that says why, not "not in the list".
        field.queryset = User.objects.filter(is_active=True, is_trim_practitioner=True,
                                             organisation_id=person.organisation_id).exclude(pk=person.pk)
        self.candidates = list(access.trim_practitioner_candidates(person))
        field.choices = [(p.pk, str(p)) for p in self.candidates]
        field.initial = case.practitioner_id

    def clean_practitioner(self):
        chosen = self.cleaned_data["practitioner"]
        chain = access.line_chain(self.case.person)
        if chosen.pk in {s.pk for s in chain}:
            raise forms.ValidationError(_(
                "%(name)s supervises this person, so cannot be their TRiM practitioner. Choose someone "
                "outside their line management.") % {"name": chosen})
        return chosen


class AssessmentForm(forms.ModelForm):
    """An assessment held: date, band, action. Line manager made aware only with the person's
    agreement or when support is urgent; a named service only for that action."""

    class Meta:
        model = TrimAssessment
        fields = ["held_on", "band", "action", "line_manager_consent", "line_manager_urgent", "service"]
        widgets = {"held_on": DATE_WIDGET, "band": forms.RadioSelect, "action": forms.RadioSelect}
        labels = {"held_on": _("Held on"), "band": _("Score band"), "action": _("Action agreed"),
                  "line_manager_consent": _("The person agreed that their line manager is told"),
                  "line_manager_urgent": _("Urgent support is needed"),
                  "service": _("Named service (only for a referral to a named service)")}
        error_messages = {
            "held_on": {"required": _("Enter the date the assessment was held."),
                        "invalid": _("Enter a real date, like 2026-11-30.")},
            "band": {"required": _("Choose the score band."), "invalid_choice": _("Choose low or raised.")},
            "action": {"required": _("Choose the action agreed."),
                       "invalid_choice": _("Choose an action from the list.")},
        }

    def __init__(self, *args, case: TrimCase, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.stage = case, stage
        self.fields["band"].choices = TrimAssessment.Band.choices  # no empty "---------" radio
        self.fields["action"].choices = TrimAssessment.Action.choices
        self.fields["held_on"].initial = timezone.localdate
        self.fields["service"].help_text = _("For example an employee assistance programme. Never a diagnosis.")
        self.held = {a.stage: a for a in case.assessments.all()}
        self.initial_held = self.held.get(TrimAssessment.Stage.INITIAL)

    def stage_problem(self) -> str:
        """Why this assessment cannot be recorded now ("" if it can)."""
        if self.case.stage == TrimCase.Stage.CLOSED:
            return str(_("This case is closed."))
        if self.stage in self.held:
            return str(_("This assessment is already recorded for this case."))
        if self.stage == TrimAssessment.Stage.FOLLOW_UP and self.initial_held is None:
            return str(_("Record the initial assessment before the follow-up."))
        return ""

    def clean_held_on(self):
        not_before = timezone.localdate(self.case.incident.occurred_at)
        message = _("The assessment cannot be before the incident.")
        if self.stage == TrimAssessment.Stage.FOLLOW_UP and self.initial_held is not None:
            not_before = max(not_before, self.initial_held.held_on)
            message = _("The follow-up cannot be before the initial assessment.")
        return _check_date(self.cleaned_data["held_on"], not_before=not_before, before_message=message)

    def clean_service(self):
        return self.cleaned_data["service"].strip()

    def clean(self):
        data = super().clean()
        problem = self.stage_problem()
        if problem:
            raise forms.ValidationError(problem)
        action, service = data.get("action"), data.get("service", "")
        Action = TrimAssessment.Action
        if action == Action.LINE_MANAGER and not (data.get("line_manager_consent") or data.get("line_manager_urgent")):
            self.add_error("action", _(
                "The line manager can be made aware only if the person agreed or urgent support is needed: "
                "tick the box that applies, or choose another action."))
        if action == Action.NAMED_SERVICE and not service:
            self.add_error("service", _("Enter the name of the service the person is referred to."))
        if action != Action.NAMED_SERVICE and service:
            self.add_error("service", _("Leave the named service empty unless the action is a referral to a "
                                        "named service."))
        return data
