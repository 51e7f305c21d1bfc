"""Forms for learners and trainers. Every choice list a trainer sees is narrowed to the
organisations they train, and every error is attached to the field it is about."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.dates import BoundedDateField
from portal.models import Organisation, Team, Unit, User
from training import content as content_mod
from training import selectors
from training.models import AutoAssignmentRule, Feedback, Lesson, Module, ModuleVersion


class FeedbackForm(forms.ModelForm):
    satisfaction = forms.TypedChoiceField(
        label=_("Overall, how satisfied were you with this module?"),
        choices=Feedback.Satisfaction.choices, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you were with this module")},
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend it to a colleague?"),
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes if you would recommend the module to a colleague, or no")},
    )

    class Meta:
        model = Feedback
        fields = ["satisfaction", "would_recommend", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}
        help_texts = {"comment": _(
            "Optional. Trainers read comments without your name attached, and only once 5 or more people "
            "have given feedback on this module.")}


class QuizForm(forms.Form):
    """One field per question: radio buttons when one answer is right, tick boxes when several are."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            choices = [(c.pk, c.text) for c in question.choices.all()]
            several = sum(1 for c in question.choices.all() if c.is_correct) > 1
            label = f"{number}. {question.text}"
            if several:
                self.fields[f"q{question.pk}"] = forms.TypedMultipleChoiceField(
                    label=label, choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple,
                    help_text=_("Choose all that apply."),
                    error_messages={"required": _("Choose at least one answer to question %(n)d.") % {"n": number}},
                )
            else:
                self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                    label=label, choices=choices, coerce=int, widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer to question %(n)d.") % {"n": number}},
                )

    def answers(self) -> dict[int, set[int]]:
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            result[question.pk] = set(value) if isinstance(value, list) else ({value} if value is not None else set())
        return result


class AssignForm(forms.Form):
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.none())
    target = forms.ChoiceField(
        label=_("Assign to"),
        choices=[
            (selectors.TARGET_PERSON, _("One person")),
            (selectors.TARGET_TEAM, _("A team")),
            (selectors.TARGET_UNIT, _("A unit")),
            (selectors.TARGET_ROLE, _("Everyone in a high-risk role")),
            (selectors.TARGET_ORGANISATION, _("A whole organisation")),
        ],
        widget=forms.RadioSelect,
    )
    person = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    role = forms.ChoiceField(label=_("High-risk role"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False,
        help_text=_("For a whole organisation; with a role, limits the role to one organisation."),
    )
    due_on = BoundedDateField(label=_("Due date"), required=False,
                             help_text=_("Optional. Reminders go out a week before and once it is overdue."))

    def __init__(self, *args, trainer, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainer = trainer
        self.fields["module"].queryset = selectors.modules_for(trainer).filter(status=Module.Status.PUBLISHED)
        self.fields["person"].queryset = selectors.trainees_of(trainer).select_related("organisation")
        self.fields["team"].queryset = selectors.teams_of(trainer)
        self.fields["unit"].queryset = selectors.units_of(trainer)
        self.fields["organisation"].queryset = selectors.organisations_of(trainer)
        self.fields["role"].choices = [("", "---------"), *roles.holdable_choices()]
        self.fields["person"].label_from_instance = lambda u: f"{u} ({u.organisation})"
        self.people = User.objects.none()

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on is not None and due_on < timezone.localdate():
            raise ValidationError(_("The due date cannot be in the past."))
        return due_on

    def clean_module(self):
        module = self.cleaned_data["module"]
        if module.current_version is None or not module.current_version.lessons.exists():
            raise ValidationError(_("This module has no lessons published yet, so it cannot be assigned."))
        return module

    def clean(self):
        data = super().clean()
        kind = data.get("target")
        required = {
            selectors.TARGET_PERSON: "person", selectors.TARGET_TEAM: "team", selectors.TARGET_UNIT: "unit",
            selectors.TARGET_ROLE: "role", selectors.TARGET_ORGANISATION: "organisation",
        }
        if kind in required and not data.get(required[kind]):
            self.add_error(required[kind], _("Choose who to assign the module to."))
            return data
        if kind and not self.errors:
            self.people = selectors.target_people(
                self.trainer, kind=kind, person=data.get("person"), team=data.get("team"), unit=data.get("unit"),
                role=data.get("role") or "", organisation=data.get("organisation"),
            )
            if not self.people.exists():
                self.add_error(required[kind], _("Nobody you train matches this choice, so nothing was assigned."))
        return data


class ModuleForm(forms.ModelForm):
    slug = forms.SlugField(label=_("Short name (used in addresses)"), max_length=80)

    class Meta:
        model = ModuleVersion
        fields = ["title", "summary", "introduction", "sources", "duration_minutes", "pass_mark"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2}), "introduction": forms.Textarea(attrs={"rows": 6}),
                   "sources": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"sources": _(
            "One source per line: '- [key] Author, *Title* (section, date). https://address'. Cite it in a "
            "lesson with [src:key] and it shows as a numbered link. A line starting '> Note:' shows as a note."
        )}

    def __init__(self, *args, module: Module | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.module = module
        if module is not None:
            del self.fields["slug"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Module.objects.filter(slug=slug).exists():
            raise ValidationError(_("A module with this short name already exists."))
        return slug


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        help_texts = {"body": _("Markdown. Raw HTML is shown as text, never run.")}


class QuizTextForm(forms.Form):
    text = forms.CharField(
        label=_("Knowledge check"), widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Start each question with 'Q:', then one answer per line: '* ' for a right answer, "
                    "'- ' for a wrong one. Add 'Why:' to explain the answer. Leave a blank line between questions."),
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            content_mod.parse_quiz(text)
        except content_mod.ContentError as exc:
            raise ValidationError(str(exc)) from exc
        return text


class CopyForm(forms.Form):
    """Which organisation owns an editable copy of a module (one the trainer trains)."""

    organisation = forms.ModelChoiceField(label=_("Copy for"), queryset=Organisation.objects.none(),
                                          empty_label=None)

    def __init__(self, *args, trainer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisations_of(trainer).order_by("name")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Module.Status.choices)


class RuleForm(forms.ModelForm):
    class Meta:
        model = AutoAssignmentRule
        fields = ["organisation", "trigger", "team", "high_risk_role", "module", "due_in_days"]

    def __init__(self, *args, trainer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisations_of(trainer)
        self.fields["team"].queryset = selectors.teams_of(trainer)
        self.fields["module"].queryset = selectors.modules_for(trainer).filter(status=Module.Status.PUBLISHED)
        self.fields["high_risk_role"] = forms.ChoiceField(
            label=_("High-risk role"), required=False, choices=[("", "---------"), *roles.holdable_choices()])

    def clean(self):
        data = super().clean()
        trigger = data.get("trigger")
        if trigger == AutoAssignmentRule.Trigger.JOINS_TEAM and not data.get("team"):
            self.add_error("team", _("Choose the team."))
        if trigger == AutoAssignmentRule.Trigger.HAS_ROLE and not data.get("high_risk_role"):
            self.add_error("high_risk_role", _("Choose the high-risk role."))
        team, organisation = data.get("team"), data.get("organisation")
        if team and organisation and team.unit.organisation_id != organisation.pk:
            self.add_error("team", _("The team must belong to the organisation chosen."))
        return data


class EnrolForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))

    def __init__(self, *args, trainer, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainer = trainer
        self.fields["organisation"].queryset = selectors.organisations_of(trainer)

    def clean_email(self):
        """Only someone the trainer already trains, and who has set a password, is named as a
        duplicate (the trainer sees them on the People page anyway). An address held in another
        organisation is not reported here: services.partner_enrol leaves it alone and the page
        answers as for a new address."""
        email = self.cleaned_data["email"].strip().lower()
        known = selectors.trainees_of(self.trainer).filter(email__iexact=email).first()
        if known is not None and (known.has_usable_password() or known.last_login is not None):
            raise ValidationError(_("Someone you train already has an account with this email address."))
        return email
