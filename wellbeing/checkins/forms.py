"""The check-in form, built from an instrument's data: one required radio group per item, on the
instrument's own response scale, plus the safety question where the instrument has one, and the
optional comment with its sharing choice.

The submission token is issued by `submission_token()` and checked by `submission_from_token()`:
signed, bound to the officer, the questionnaire and its version, so a tampered questionnaire id
or a token from someone else's form is refused with a message, and its one-time id makes a double
click or a replayed post save nothing twice."""

from __future__ import annotations

import uuid

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from portal.notices import NOTICES
from wellbeing.instruments import Instrument

TOKEN_SALT = "wellbeing.checkin.submission"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 12 * 60 * 60  # the longest a session lasts
COMMENT_MAX = 2000


class TokenProblem(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def submission_token(*, officer_id: int, instrument: Instrument) -> str:
    return signing.dumps({"u": officer_id, "i": instrument.code, "v": instrument.version, "n": uuid.uuid4().hex},
                         salt=TOKEN_SALT, compress=True)


def submission_from_token(token: str, *, officer_id: int, instrument: Instrument) -> uuid.UUID:
    """The one-time submission id in `token`, or TokenProblem with a message for the officer."""
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise TokenProblem(_("This form was open for a long time, so we could not accept it. Your answers are "
                             "still here: please check them and submit again.")) from None
    except signing.BadSignature:
        raise TokenProblem(_("We could not check this form. Your answers are still here: please check them "
                             "and submit again.")) from None
    if not isinstance(data, dict) or data.get("u") != officer_id or data.get("i") != instrument.code:
        raise TokenProblem(_("This form does not match the questionnaire you are on. Your answers are still "
                             "here: please check them and submit again."))
    if data.get("v") != instrument.version:
        raise TokenProblem(_("This questionnaire has been updated since you opened it. Please check your "
                             "answers and submit again."))
    try:
        return uuid.UUID(hex=data.get("n", ""))
    except (TypeError, ValueError):
        raise TokenProblem(_("We could not check this form. Please submit again.")) from None


def item_field_name(number: int) -> str:
    return f"q{number}"


class CheckInForm(forms.Form):
    comment = forms.CharField(
        label=_("Anything you want to add (optional)"), required=False, max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=NOTICES["checkin_comment"],
    )
    share_comment_with_oh = forms.BooleanField(
        label=_("Share this comment with occupational health"), required=False,
    )

    def __init__(self, *args, instrument: Instrument, notices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if notices:  # who will read the comment, as true for this officer (`portal.notices.notices_for`)
            self.fields["comment"].help_text = notices["checkin_comment"]
        choices = [(str(o.value), str(o.label)) for o in instrument.options]
        items = {}
        for item in instrument.items:
            items[item_field_name(item.number)] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}", choices=choices, coerce=int, widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer for question %(n)d.") % {"n": item.number},
                    "invalid_choice": _("Choose one of the answers shown for question %(n)d.") % {"n": item.number},
                },
            )
        if instrument.safety_question is not None:
            sq = instrument.safety_question
            items["safety"] = forms.TypedChoiceField(
                label=sq.text, choices=[("1", sq.yes_label), ("0", sq.no_label)], coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose yes or no for the last question."),
                                "invalid_choice": _("Choose yes or no for the last question.")},
            )
        # The questions first, then the comment.
        self.fields = {**items, **self.fields}

    @property
    def item_fields(self):
        return [self[name] for name in self.fields if name.startswith("q")]

    @property
    def safety_field(self):
        return self["safety"] if "safety" in self.fields else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("share_comment_with_oh") and not (cleaned.get("comment") or "").strip():
            cleaned["share_comment_with_oh"] = False
        return cleaned

    def answers(self) -> list[int]:
        return [self.cleaned_data[item_field_name(item.number)] for item in self.instrument.items]

    def safety(self) -> bool | None:
        return bool(self.cleaned_data["safety"]) if "safety" in self.fields else None


class SharingForm(forms.Form):
    share_comment_with_oh = forms.BooleanField(
        label=_("Share this comment with occupational health"), required=False)
