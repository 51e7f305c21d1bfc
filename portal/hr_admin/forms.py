from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation

TYPES = (".csv", ".xlsx")


def max_bytes() -> int:
    """The largest file the page takes: the reader's limit (HR_IMPORT_MAX_BYTES), checked here too so
    that a file over it is refused before it is read."""
    from portal.hr.reading import max_bytes as reader_max_bytes

    return reader_max_bytes()


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("HR file"),
        error_messages={"required": _("Choose the HR file to upload."),
                        "empty": _("The file is empty: export it from the HR system again."),
                        "invalid": _("No file was received: choose the file again.")})
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False,
        empty_label=_("As in the file (the organisation column)"),
        help_text=_("Choose one to check that every row belongs to it; a row of another organisation is an error."))
    full = forms.TypedChoiceField(
        label=_("Is this a full import?"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("no", _("No: only the people in the file are created or changed")),
                 ("yes", _("Yes: the file lists everyone in the organisation"))],
        initial="no",
        help_text=_("A full import also lists the people of the organisation who are missing from the file, "
                    "and you choose whether to deactivate them. Nobody is deleted."),
        error_messages={"required": _("Say whether the file lists everyone in the organisation.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A CSV or XLSX file, one row a person, with the columns listed below. At most %(size)s."
        ) % {"size": filesizeformat(max_bytes())}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in TYPES:
            raise forms.ValidationError(_("The file must be a CSV (.csv) or an Excel workbook (.xlsx)."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty: export it from the HR system again."))
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; the largest the page takes is %(limit)s. Split it by unit (not a full "
                  "import) or ask your supplier.") % {"size": filesizeformat(upload.size),
                                                     "limit": filesizeformat(max_bytes())})
        return upload


class ConfirmForm(forms.Form):
    """The admin's confirmation of one preview: the digest of the plan they saw, and which of the
    people missing from a full import to deactivate (none unless ticked)."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    deactivate = forms.TypedMultipleChoiceField(
        label=_("Deactivate"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Someone ticked is no longer missing from the file: check the "
                                            "list again.")})
    deactivate_all = forms.BooleanField(
        label=_("Deactivate everyone listed as not in this file"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, missing_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.missing_ids = list(missing_ids)
        self.fields["deactivate"].choices = [(pk, pk) for pk in self.missing_ids]

    def chosen(self) -> frozenset[int]:
        if self.cleaned_data.get("deactivate_all"):
            return frozenset(self.missing_ids)
        return frozenset(self.cleaned_data.get("deactivate") or ())
