"""The call handler's form to ask for one call's outcome (issue 18): call type, incident reference
(checked against their organisation's format) and how much they want to know."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from exposure.models import ExposureCategory, OutcomeRequest, ShiftLog
from exposure.outcomes import REFERENCE_MAX, reference_error
from portal.models import HighRiskRole


class OutcomeRequestForm(forms.Form):
    category = forms.ChoiceField(label=_("Call type"))
    reference = forms.CharField(
        # The length is checked with the format (`reference_error`), so one message names both.
        label=_("Incident reference"), strip=True, widget=forms.TextInput(attrs={"maxlength": REFERENCE_MAX + 20}),
        error_messages={"required": _("Enter the incident reference of the call.")})
    detail_wanted = forms.ChoiceField(
        label=_("How much do you want to know?"), choices=OutcomeRequest.Detail.choices,
        initial=OutcomeRequest.Detail.WHETHER, widget=forms.RadioSelect)

    def __init__(self, *args, shift: ShiftLog, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # The call types logged on this shift, or every call type when none was (a quiet shift can
        # still hold one call worth hearing about).
        logged = ExposureCategory.objects.filter(exposures__shift=shift).distinct()
        categories = list(logged.order_by("order", "name")) or list(
            ExposureCategory.objects.filter(role=HighRiskRole.CALL_HANDLING, active=True).order_by("order", "name"))
        self.categories = {str(c.pk): c for c in categories}
        self.fields["category"].choices = [(key, c.display_name) for key, c in self.categories.items()]
        example = organisation.incident_reference_example if organisation else ""
        if example:
            self.fields["reference"].help_text = _("For example %(example)s.") % {"example": example}
        self.fields["reference"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_category(self) -> ExposureCategory:
        try:
            return self.categories[self.cleaned_data["category"]]
        except KeyError as exc:
            raise forms.ValidationError(_("Choose the call type.")) from exc

    def clean_reference(self) -> str:
        value = self.cleaned_data["reference"]
        error = reference_error(self.organisation, value)
        if error:
            raise forms.ValidationError(error)
        return value


class OutcomeAnswerForm(forms.Form):
    """The supervisor's answer: what was shared (required to mark it shared), or why the outcome is
    not available (optional)."""

    SHARED, NOT_AVAILABLE = "shared", "not_available"

    result = forms.ChoiceField(choices=[(SHARED, SHARED), (NOT_AVAILABLE, NOT_AVAILABLE)])
    text = forms.CharField(label=_("What you shared, or why it is not available"), max_length=600,
                           required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("result") == self.SHARED and not data.get("text"):
            self.add_error("text", _("Write what you shared with them, in a sentence or two."))
        return data
