"""Shift forms for roles an admin adds (issue 18): built from the role's field kinds and categories.

The four shipped roles keep their hand-made forms (`exposure.forms.ROLE_FORMS`); any other role gets
a `GeneratedRoleForm` asking what its kinds say (`portal.roles.FIELD_KINDS`):

- counts: how many of each of the role's categories. Without minutes, each category is an entry
  and each counted event weighs the role's default minutes (like calls); with minutes, the shift is
  one entry filed under the first category counted (like a CSE viewing session).
- deployment: the kind of deployment (one category), whether the officer had a defined task (a "no"
  puts it on the supervisor's list to debrief, as for firearms), and whether they were briefed and
  debriefed.
- minutes: the minutes spent exposed.
- critical: a critical-incident mark. With counts and no minutes it names the category of the one
  critical event, so that only that event carries the critical weight.

Without counts, the form asks which category the shift's exposure was, as the deployment forms do.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from exposure.form_fields import YES_NO, event_count_field, minutes_field
from exposure.forms import ROLE_FORMS, RoleForm
from exposure.models import ExposureCategory, ShiftLog
from exposure.services import EntryData
from portal.roles import COUNTS, CRITICAL, DEPLOYMENT, MINUTES, Role


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _answer(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


class GeneratedRoleForm(RoleForm):
    """The shift form of an added role (see the module docstring)."""

    def __init__(self, *args, role: Role, **kwargs):
        self.role = role.code
        self.kinds = set(role.field_kinds or [])
        super().__init__(*args, **kwargs)
        if self.counted:
            for c in self.categories:
                self.fields[f"count_{c.code}"] = event_count_field(c.display_name)
        else:
            self.fields["category"] = forms.ModelChoiceField(
                label=_("What you were exposed to"), empty_label=_("Choose…"),
                queryset=ExposureCategory.objects.filter(pk__in=[c.pk for c in self.categories]),
                error_messages={"required": _("Choose what you were exposed to."),
                                "invalid_choice": _("That category is not one for this role: choose one from "
                                                    "the list.")})
            self.fields["category"].label_from_instance = lambda category: category.display_name
        if DEPLOYMENT in self.kinds:
            self._add_deployment_fields()
        if MINUTES in self.kinds:
            self.fields["minutes"] = minutes_field(
                _("Minutes spent exposed"), enter=_("Enter how many minutes you spent exposed, or leave it empty"))
        if CRITICAL not in self.kinds or self.critical_by_category:
            del self.fields["critical_incident"]
        if CRITICAL in self.kinds and self.critical_by_category:
            self.fields["critical_type"] = forms.ChoiceField(
                label=_("Was one of these a critical incident?"), required=False,
                choices=[("", _("No"))] + [(c.code, c.display_name) for c in self.categories],
                help_text=_("Marking one opens follow-up check-ins at about 72 hours and about 28 days."))
        self.order_fields([*[f"count_{c.code}" for c in self.categories], "category", "defined_task", "briefed",
                           "debriefed", "minutes", "intensity", "critical_incident", "critical_type"])

    def _add_deployment_fields(self):
        self.fields["defined_task"] = forms.ChoiceField(
            label=_("Did you have a defined task?"), choices=YES_NO,
            error_messages={"required": _("Choose yes or no.")},
            help_text=_("If you answer no, your supervisor sees the date and kind of this deployment, so that "
                        "they can debrief you and check in. Never your rating, notes or the detail."))
        self.fields["briefed"] = forms.ChoiceField(label=_("Were you briefed before it?"), choices=YES_NO,
                                                   required=False)
        self.fields["debriefed"] = forms.ChoiceField(label=_("Have you been debriefed?"), choices=YES_NO,
                                                     required=False)

    @property
    def counted(self) -> bool:
        return COUNTS in self.kinds

    @property
    def critical_by_category(self) -> bool:
        return self.counted and MINUTES not in self.kinds

    def _counts(self) -> dict[str, int]:
        return {c.code: self.cleaned_data.get(f"count_{c.code}") or 0 for c in self.categories} if self.counted else {}

    def has_exposure(self) -> bool:
        if not self.counted:
            return True
        return any(self._counts().values()) or bool(self.cleaned_data.get("minutes"))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if self.counted and cleaned.get("minutes") and not any(self._counts().values()):
            self.add_error("minutes", _("Enter at least one count above, or leave the minutes empty."))
        critical = cleaned.get("critical_type")
        if critical and not self._counts().get(critical):
            self.add_error("critical_type", _("Enter at least one of this kind above, or choose No."))
        if "minutes" in self.fields:
            self._check_minutes("minutes")
        return cleaned

    def _common(self) -> dict:
        d = self.cleaned_data
        detail = {name: _yes_no(d.get(name)) for name in ("briefed", "debriefed") if name in self.fields}
        return {"intensity": d.get("intensity"), "defined_task": _yes_no(d.get("defined_task")), "detail": detail}

    def entries(self) -> list[EntryData]:
        d = self.cleaned_data
        minutes = d.get("minutes") or None
        common = self._common()
        if not self.counted:
            return [EntryData(category=d["category"], minutes=minutes,
                              critical_incident=bool(d.get("critical_incident")), **common)]
        counts = self._counts()
        counted = [c for c in self.categories if counts[c.code]]
        if not counted:
            return []
        if MINUTES in self.kinds:
            common["detail"] = {**common["detail"], "counts": {c.code: counts[c.code] for c in counted}}
            return [EntryData(category=counted[0], minutes=minutes, count=sum(counts.values()),
                              critical_incident=bool(d.get("critical_incident")), **common)]
        return self._entries_by_category(counted, counts, common)

    def _entries_by_category(self, counted, counts, common) -> list[EntryData]:
        out = []
        for c in counted:
            count = counts[c.code]
            if c.code == self.cleaned_data.get("critical_type"):
                # The critical event is its own entry, so only it carries the critical weight.
                out.append(EntryData(category=c, count=1, critical_incident=True, **common))
                count -= 1
            if count:
                out.append(EntryData(category=c, count=count, **common))
        return out

    @staticmethod
    def initial_from(shift: ShiftLog, exposures) -> dict:
        initial: dict = {}
        for e in exposures:
            code = e.category.code
            counts = e.detail.get("counts")
            if counts:
                initial.update({f"count_{k}": n for k, n in counts.items()})
            else:
                initial[f"count_{code}"] = initial.get(f"count_{code}", 0) + e.count
            initial.update(category=e.category_id, intensity=e.intensity, minutes=e.minutes,
                           defined_task=_answer(e.defined_task), briefed=_answer(e.detail.get("briefed")),
                           debriefed=_answer(e.detail.get("debriefed")))
            if e.critical_incident:
                initial.update(critical_incident=True, critical_type=code)
        return initial


def build(role: Role, *args, **kwargs) -> RoleForm:
    """The shift form of `role`: its hand-made form for a shipped role, otherwise a generated one."""
    if role.code in ROLE_FORMS:
        return ROLE_FORMS[role.code](*args, **kwargs)
    return GeneratedRoleForm(*args, role=role, **kwargs)


def initial_from(role: Role, shift: ShiftLog, exposures) -> dict:
    form_class = ROLE_FORMS.get(role.code, GeneratedRoleForm)
    return form_class.initial_from(shift, exposures)
