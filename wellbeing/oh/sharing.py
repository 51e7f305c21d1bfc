"""The officer's choices of what more than the default is shared (issue 21), on their privacy
page: the form and the page's context; `views.privacy_sharing` saves or withdraws a choice. What
each choice lets an audience see is decided in `portal.access`; `portal.disclosure` records and
audits the change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import access, disclosure

RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})


class DisclosureForm(forms.Form):
    """One radio group per audience, and whom to name as peer supporter."""

    supervisor = forms.ChoiceField(label=access.AUDIENCES[access.SUPERVISOR], widget=RADIO,
                                   choices=access.DISCLOSURE_CHOICES[access.SUPERVISOR])
    oh = forms.ChoiceField(label=access.AUDIENCES[access.OCCUPATIONAL_HEALTH], widget=RADIO,
                           choices=access.DISCLOSURE_CHOICES[access.OCCUPATIONAL_HEALTH])
    peer_supporter = forms.ChoiceField(label=access.AUDIENCES[access.PEER_SUPPORTER], widget=RADIO,
                                       choices=access.DISCLOSURE_CHOICES[access.PEER_SUPPORTER])
    peer = forms.ModelChoiceField(label=gettext_lazy("Peer supporter who may see your level"), required=False,
                                  queryset=None, empty_label=gettext_lazy("No one chosen"),
                                  widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, officer, current: dict | None = None, **kwargs):
        current = access.current_disclosures(officer) if current is None else current
        initial = {audience: (current[audience].choice if audience in current else access.default_choice(audience))
                   for audience in access.DISCLOSURE_CHOICES}
        named = current.get(access.PEER_SUPPORTER)
        initial["peer"] = named.peer_supporter_id if named else None
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["peer"].queryset = access.peer_supporter_candidates(officer)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("peer_supporter") == access.LEVEL and not cleaned.get("peer"):
            self.add_error("peer", _("Choose the peer supporter who may see your level, or choose to share nothing "
                                     "with a peer supporter."))
        return cleaned


def context(officer, form: DisclosureForm | None = None) -> dict:
    """What the privacy page shows of the officer's choices: the form, the choices in force (each
    with its date, to withdraw it) and the whole history."""
    current = access.current_disclosures(officer)
    form = form or DisclosureForm(officer=officer, current=current)
    labels = {(audience, code): label for audience, choices in access.DISCLOSURE_CHOICES.items()
              for code, label in choices}
    return {
        "sharing_form": form,
        "sharing_current": [{"audience": access.AUDIENCES[d.audience], "code": d.audience,
                             "choice": labels.get((d.audience, d.choice), d.choice), "row": d}
                            for d in current.values()],
        "sharing_history": [{"audience": access.AUDIENCES.get(d.audience, d.audience),
                             "choice": labels.get((d.audience, d.choice), d.choice), "row": d}
                            for d in disclosure.history(officer)[:50]],
    }
