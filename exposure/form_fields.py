"""The field builders and choices the exposure forms share, with their messages.

Every count and minutes field says what to enter and names the thing it counts ("Enter how many
‘Child at risk’ calls you took, or 0"), because the error summary lists each message on its own,
away from its field: a bare "Enter a whole number." there would not say which of forty cells is wrong.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_CALLS = 1000
MAX_ITEMS = 100_000  # per category and media type in one shift; triage tools pre-sort thousands an hour
MAX_MINUTES = 24 * 60

MEDIA = [("image", gettext_lazy("Images")), ("video", gettext_lazy("Videos")), ("audio", gettext_lazy("Audio")),
         ("text", gettext_lazy("Text or chat"))]
# The media types as counted things, for messages: "how many ‘Category A’ videos".
MEDIA_ITEMS = {"image": gettext_lazy("images"), "video": gettext_lazy("videos"),
               "audio": gettext_lazy("audio recordings"), "text": gettext_lazy("text or chat items")}

MITIGATION_CHOICES = [
    ("greyscale", gettext_lazy("Greyscale")),
    ("reduced_size", gettext_lazy("Reduced size or brightness")),
    ("audio_muted", gettext_lazy("Audio muted or separated")),
    ("blur", gettext_lazy("Blur")),
    ("screen_filter", gettext_lazy("Screen filter")),
    ("daylight", gettext_lazy("Working near a window or in daylight")),
    ("breaks", gettext_lazy("Breaks (10 minutes every hour)")),
]

YES_NO = [("", gettext_lazy("Choose…")), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]

TOO_MANY_CALLS = gettext_lazy("No more than 1,000 calls in one shift: check the number.")
TOO_MANY_MINUTES = gettext_lazy("A shift has at most 24 hours (1,440 minutes).")


def count_field(label, maximum, *, enter, too_many):
    """A count of 0 or more: `enter` is the message for anything that is not one (a word, a
    fraction, a negative number), `too_many` the one for more than `maximum`."""
    return forms.IntegerField(
        label=label, required=False, min_value=0, initial=0,
        validators=[MaxValueValidator(maximum, message=too_many)],
        error_messages={"min_value": enter, "invalid": enter},
        widget=forms.NumberInput(attrs={"min": 0, "max": maximum, "inputmode": "numeric",
                                        "class": "form-control"}),
    )


def check_field(label):
    return forms.BooleanField(label=label, required=False,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


def minutes_field(label, *, enter, help_text=""):
    return forms.IntegerField(
        label=label, required=False, min_value=0, help_text=help_text,
        validators=[MaxValueValidator(MAX_MINUTES, message=TOO_MANY_MINUTES)],
        error_messages={"min_value": enter, "invalid": enter},
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_MINUTES, "inputmode": "numeric"}),
    )


def call_count_field(category_name: str):
    """The number of calls of one type (built per request, in the reader's language)."""
    names = {"type": category_name}
    return count_field(
        _("%(type)s: number of calls") % names, MAX_CALLS,
        enter=_("Enter how many ‘%(type)s’ calls you took, or 0") % names,
        too_many=_("The number of ‘%(type)s’ calls must be 1,000 or fewer: check the number.") % names)


def item_count_field(category_name: str, media: str, media_label: str):
    """The number of items of one CSE category and media type."""
    names = {"category": category_name, "media": media_label, "items": MEDIA_ITEMS[media]}
    return count_field(
        _("%(category)s, %(media)s: items reviewed") % names, MAX_ITEMS,
        enter=_("Enter how many ‘%(category)s’ %(items)s you reviewed, or 0") % names,
        too_many=_("The number of ‘%(category)s’ %(items)s must be 100,000 or fewer: check the number.") % names)


def event_count_field(category_name: str):
    """The number of exposures of one category, on a form generated for an added role."""
    names = {"category": category_name}
    return count_field(
        _("%(category)s: how many") % names, MAX_CALLS,
        enter=_("Enter how many times you met ‘%(category)s’ in the shift, or 0") % names,
        too_many=_("The number for ‘%(category)s’ must be 1,000 or fewer: check the number.") % names)
