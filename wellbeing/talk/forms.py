"""The officer's request form and the recipient's contact form. No free text anywhere: a request
carries only the officer's choices, a contact only its date and kind."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wellbeing.models import HelpContact, HelpRequest

OH = "oh"


class TalkForm(forms.Form):
    recipient = forms.ChoiceField(
        label=_("Who would you like to talk to?"), widget=forms.RadioSelect,
        error_messages={"required": _("Choose who you would like to talk to."),
                        "invalid_choice": _("Choose who you would like to talk to from the list.")})
    shares = forms.ChoiceField(
        label=_("What would you like to send with your request?"), widget=forms.RadioSelect,
        choices=HelpRequest.Shares.choices, initial=HelpRequest.Shares.NOTHING,
        error_messages={"required": _("Choose what to send with your request."),
                        "invalid_choice": _("Choose what to send with your request from the list.")})
    urgent = forms.BooleanField(
        label=_("I need to talk to someone today (urgent)"), required=False,
        help_text=_("An urgent request also goes to occupational health, and we show you numbers you can "
                    "call straight away."))

    def __init__(self, *args, peers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.peers = {f"peer-{p.pk}": p for p in peers}
        choices = [(key, _("%(name)s, peer supporter (%(availability)s)") % {
            "name": p, "availability": p.peer_availability or _("availability not given")})
            for key, p in self.peers.items()]
        choices.append((OH, _("Occupational health")))
        self.fields["recipient"].choices = choices

    def chosen_peer(self):
        return self.peers.get(self.cleaned_data["recipient"])


class ContactForm(forms.ModelForm):
    class Meta:
        model = HelpContact
        fields = ["on", "kind"]
        widgets = {"on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "kind": forms.RadioSelect}
        error_messages = {
            "on": {"required": _("Enter the date of the contact."),
                   "invalid": _("Enter a real date, like 2026-11-30.")},
            "kind": {"required": _("Choose the kind of contact."),
                     "invalid_choice": _("Choose the kind of contact from the list.")},
        }

    def __init__(self, *args, not_before=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_before = not_before
        self.fields["kind"].choices = HelpContact.Kind.choices  # no empty "---------" radio
        self.fields["on"].initial = timezone.localdate

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date of the contact cannot be in the future."))
        if self.not_before is not None and on < self.not_before:
            raise forms.ValidationError(_("The date of the contact cannot be before the request was sent."))
        if on.year < 2000:
            raise forms.ValidationError(_("Enter a real date, like 2026-11-30."))
        return on
