"""Forms for flags that can be wrong: closing one as not applicable or a false alarm (supervisor and
OH), and the officer's own context on a flag about them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from wellbeing.models import Flag
from wellbeing.review.services import CONTEXT_MAX
from wellbeing.risk.flags import DISMISS_NEEDS_OUTCOME, DISMISS_NEEDS_REASON, DISMISS_REASON_MAX

DISMISS_CHOICES = [(value, label) for value, label in Flag.Outcome.choices if value in Flag.DISMISSALS]


class FlagDismissForm(forms.Form):
    """Close a flag because it was wrong. The reason is required and is free text: it is kept on the
    flag for its owner and OH, never logged, audited as text or exported."""

    outcome = forms.ChoiceField(
        label=_("The flag was"), choices=DISMISS_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": DISMISS_NEEDS_OUTCOME, "invalid_choice": DISMISS_NEEDS_OUTCOME})
    reason = forms.CharField(
        label=_("Why it does not apply"), max_length=DISMISS_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Seen by occupational health and by whoever owns this flag; "
                    "it helps improve the rules. Do not write clinical detail here."),
        error_messages={"required": DISMISS_NEEDS_REASON,
                        "max_length": ngettext_lazy(
                            "Keep the reason to %(limit_value)d character or fewer.",
                            "Keep the reason to %(limit_value)d characters or fewer.", "limit_value")})

    def clean_reason(self):
        value = self.cleaned_data["reason"].replace("\x00", "").strip()
        if not value:
            raise forms.ValidationError(DISMISS_NEEDS_REASON)
        return value


class FlagContextForm(forms.Form):
    """The officer's own words about a flag about them."""

    text = forms.CharField(
        label=_("Your context"), max_length=CONTEXT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: this was a planned surge week. Leave it empty to withdraw what you wrote."),
        error_messages={"max_length": ngettext_lazy("Keep your context to %(limit_value)d character or fewer.",
                                                   "Keep your context to %(limit_value)d characters or fewer.",
                                                   "limit_value")})

    def clean_text(self):
        return self.cleaned_data["text"].replace("\x00", "").strip()
