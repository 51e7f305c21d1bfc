"""Forms of the occupational health pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.dates import BoundedDateField
from portal.models import Organisation, Unit
from wellbeing.instruments import CHOICES as INSTRUMENT_CHOICES
from wellbeing.models import Flag, OHCaseNote, Referral

# Why a case is opened. Stored (as the code) on the audit event and shown to the person on their
# privacy page, so the words are plain. Codes only: no free text reaches the audit log.
CASE_REASONS = [
    ("escalated_flag", _("Escalated or urgent flag")),
    ("referral", _("Referral")),
    ("screening_review", _("Screening review")),
    ("self_referral", _("The person asked occupational health for help")),
    ("follow_up", _("Follow-up of an open case")),
]
# Why OH records a referral, a note or a legal hold, or produces a subject access export: a choice
# from a fixed list, stored as its code on the audit event (never free text). Codes are unique
# across the lists: the officer's privacy page shows each by its label.
REFERRAL_REASONS = [
    ("screening_result", _("A screening result over its cut-off")),
    ("person_asked", _("The person asked to be referred")),
    ("supervisor_concern", _("A concern raised by their supervisor")),
    ("critical_incident", _("Follow-up after a critical incident")),
    ("case_plan", _("Part of the agreed case plan")),
]
NOTE_REASONS = [
    ("contact_record", _("Record of a contact with the person")),
    ("assessment", _("Assessment or review")),
    ("next_steps", _("Case plan or next steps")),
    ("third_party", _("Information from another professional")),
]
HOLD_REASONS = [
    ("claim", _("A claim or litigation is expected or under way")),
    ("tribunal", _("Employment tribunal")),
    ("inquest_or_inquiry", _("Inquest or public inquiry")),
    ("regulator", _("A regulator or the Information Commissioner asked")),
    ("open_request", _("An open subject access or other information request")),
]
SUBJECT_ACCESS_REASONS = [
    ("request_by_person", _("Subject access request made by the person")),
    ("request_by_representative", _("Request made on the person's behalf, with their written authority")),
    ("ico_inquiry", _("Information Commissioner's Office inquiry")),
    ("legal_disclosure", _("Disclosure required for legal proceedings")),
]
REASON_LABELS = (dict(CASE_REASONS) | dict(REFERRAL_REASONS) | dict(NOTE_REASONS) | dict(HOLD_REASONS)
                 | dict(SUBJECT_ACCESS_REASONS)
                 | {"subject_access_request": _("Subject access request"), "own_copy": _("Your own copy")})


def purpose_field(label, choices) -> forms.ChoiceField:
    """A required choice of why: its code is recorded in the audit event."""
    return forms.ChoiceField(label=label, choices=[("", _("Choose a reason")), *choices],
                             error_messages={"required": _("Choose why you are recording this."),
                                             "invalid_choice": _("Choose one of the reasons listed.")})


def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))


class CaseReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why are you opening this case?"), choices=CASE_REASONS,
                               widget=forms.RadioSelect)


class ReferralForm(forms.ModelForm):
    purpose = purpose_field(_("Why this referral"), REFERRAL_REASONS)

    class Meta:
        model = Referral
        fields = ["kind", "referred_on", "purpose"]
        field_classes = {"referred_on": BoundedDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_on"].initial = timezone.localdate()

    def clean_referred_on(self):
        value = self.cleaned_data["referred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The referral date cannot be in the future."))
        return value


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["outcome", "outcome_on"]
        field_classes = {"outcome_on": BoundedDateField}

    def clean(self):
        data = super().clean()
        if data.get("outcome") and not data.get("outcome_on"):
            self.add_error("outcome_on", _("Give the date of the outcome."))
        if data.get("outcome_on") and data["outcome_on"] > timezone.localdate():
            self.add_error("outcome_on", _("The outcome date cannot be in the future."))
        return data


class FlagCloseForm(forms.Form):
    """Closing one of OH's flags: the outcome is required, and is a choice (never free text: it is
    audited, exported and counted)."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Flag.Outcome.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome before closing the flag."),
                        "invalid_choice": _("Choose one of the outcomes listed.")})
    # Only for "not applicable" and "false alarm" (issue 21): why, in words, kept on the flag only.
    reason = forms.CharField(
        label=_("If the flag was wrong: why it does not apply"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for not applicable or false alarm. Never logged or exported."))

    def clean(self):
        data = super().clean()
        data["reason"] = (data.get("reason") or "").replace("\x00", "").strip()
        if data.get("outcome") in Flag.DISMISSALS and not data["reason"]:
            self.add_error("reason", _("Say why the flag does not apply."))
        return data


class CaseNoteForm(forms.ModelForm):
    purpose = purpose_field(_("What this note is"), NOTE_REASONS)

    class Meta:
        model = OHCaseNote
        fields = ["purpose", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "maxlength": 5000})}

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) > 5000:
            raise forms.ValidationError(_("Keep a note under 5,000 characters."))
        return text


class LegalHoldForm(forms.Form):
    purpose = purpose_field(_("Why the hold is needed"), HOLD_REASONS)
    reason = forms.CharField(label=_("Reason for the hold"), max_length=200,
                             help_text=_("For example a claim reference. Do not enter health details."))


class SubjectAccessForm(forms.Form):
    """OH producing a subject access export for a formal request: the request's reference and why,
    both recorded in the audit event (a reference is not health data; letters, digits and dashes
    only, so no free text can reach the audit log through it)."""

    reference = forms.RegexField(
        label=_("Request reference"), max_length=40, regex=r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$",
        help_text=_("For example SAR-2026-0142: letters, digits and dashes, at most 40 characters."),
        error_messages={"required": _("Give the reference of the request."),
                        "invalid": _("Use letters, digits and dashes only, for example SAR-2026-0142."),
                        "max_length": _("Keep the reference to 40 characters or fewer.")})
    purpose = purpose_field(_("Why you are producing this export"), SUBJECT_ACCESS_REASONS)


# Why an OH user needs stable pseudonyms across exports (recorded in the export's audit event).
LONGITUDINAL_REASONS = [
    ("service_evaluation", _("Evaluating a service over time")),
    ("trend_monitoring", _("Monitoring the same cohort's results over time")),
    ("approved_research", _("Research with ethics approval")),
]


class CohortForm(forms.Form):
    REPORTS = [("checkins", _("Check-ins, one row each (pseudonymised)")),
               ("summary", _("Summary counts (small numbers suppressed)"))]
    FORMATS = [("csv", "CSV"), ("xlsx", "XLSX")]

    report = forms.ChoiceField(label=_("Report"), choices=REPORTS, initial="checkins")
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(),
                                          required=False, empty_label=_("All my organisations"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("All units"))
    role = forms.ChoiceField(label=_("High-risk role"), required=False)
    instrument = forms.ChoiceField(label=_("Questionnaire"), required=False,
                                   choices=[("", _("All questionnaires")), *INSTRUMENT_CHOICES])
    date_from = BoundedDateField(label=_("From"), required=False)
    date_to = BoundedDateField(label=_("To"), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv", widget=forms.RadioSelect)
    longitudinal = forms.BooleanField(
        label=_("Longitudinal cohort: keep the same pseudonym for each person across exports"), required=False,
        help_text=_("Only for following the same people over time. Without it, every download gets new pseudonyms "
                    "that cannot be matched with any other download."))
    longitudinal_reason = forms.ChoiceField(
        label=_("Why a longitudinal cohort is needed"), required=False,
        choices=[("", _("Choose a reason")), *LONGITUDINAL_REASONS],
        error_messages={"invalid_choice": _("Choose one of the reasons listed.")})

    def __init__(self, *args, organisation_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_ids = organisation_ids
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=organisation_ids)
        self.fields["unit"].queryset = Unit.objects.filter(organisation_id__in=organisation_ids).select_related(
            "organisation")
        self.fields["role"].choices = [("", _("All roles")), *roles.holdable_choices()]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        if data.get("longitudinal") and data.get("report") == "checkins" and not data.get("longitudinal_reason"):
            self.add_error("longitudinal_reason", _("Say why the same pseudonyms are needed across exports."))
        return data

    def is_longitudinal(self) -> bool:
        """Stable pseudonyms: only for the row-level report, and only when asked for with a reason."""
        data = self.cleaned_data
        return bool(data["report"] == "checkins" and data.get("longitudinal") and data.get("longitudinal_reason"))

    def chosen_organisation_ids(self) -> list[int]:
        org = self.cleaned_data.get("organisation")
        return [org.pk] if org else list(self.organisation_ids)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    subject = forms.CharField(label=_("Subject (username)"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=60)
    date_from = BoundedDateField(label=_("From"), required=False)
    date_to = BoundedDateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data
