"""The shift form and one exposure form per role.

Role-specific counts are validated here and stored in `Exposure.detail` / `ShiftLog.detail`
(JSON); the columns every risk rule needs are set from the cleaned values. Each role form renders
under its own prefix, so the page can hold all four and show the one for the role worked.
"""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from exposure import shift_times
from exposure.form_fields import (
    MAX_CALLS,
    MEDIA,
    MITIGATION_CHOICES,
    TOO_MANY_CALLS,
    YES_NO,
    call_count_field,
    check_field,
    count_field,
    item_count_field,
    minutes_field,
)
from exposure.models import ExposureCategory, ShiftLog, ViewingPolicy
from exposure.services import EntryData
from portal import roles
from portal.dates import BoundedDateField


class ShiftForm(forms.Form):
    shift_date = BoundedDateField(
        label=_("Shift date"), help_text=_("For a night shift, the date it started."),
        error_messages={"required": _("Enter the date the shift started"),
                        "invalid": _("The shift date must be a real date")})
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Enter the time the shift started, for example 07:00"),
                        "invalid": _("Enter the time the shift started, for example 07:00")})
    length_hours = forms.DecimalField(
        label=_("Length (hours)"), min_value=Decimal("0.25"), max_value=Decimal(24), decimal_places=2,
        help_text=_("For example 8, or 10.5 for ten and a half hours."),
        error_messages={"max_value": _("A shift lasts at most 24 hours."),
                        "min_value": _("A shift lasts at least a quarter of an hour."),
                        "required": _("Enter how many hours the shift lasted, for example 8 or 10.5"),
                        "invalid": _("Enter how many hours the shift lasted, for example 8 or 10.5"),
                        "max_decimal_places": _("Enter how many hours the shift lasted, for example 8 or 10.5")},
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24"}),
    )
    role = forms.ChoiceField(label=_("Role worked"),
                             error_messages={"required": _("Choose the role you worked"),
                                             "invalid_choice": _("Choose the role you worked")})

    def __init__(self, *args, officer, instance: ShiftLog | None = None, now=None, role_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer = officer
        self.instance = instance
        self.now = now or timezone.now()
        # The roles offered to the officer's organisation (`portal.roles.Role` rows; the caller's, read
        # already), and the role of the shift being edited even if no longer offered.
        choices = list(role_choices) if role_choices is not None else roles.choices(
            getattr(officer, "organisation_id", None))
        if instance is not None and instance.role not in dict(choices):
            choices.append((instance.role, roles.label(instance.role)))
        self.fields["role"].choices = choices

    def clean_shift_date(self):
        value = self.cleaned_data["shift_date"]
        if value > shift_times.latest_shift_date(self.now):
            raise forms.ValidationError(_("The shift date cannot be in the future."))
        return value

    @property
    def duration_minutes(self) -> int:
        return int(round(self.cleaned_data["length_hours"] * 60))

    def clean(self):
        cleaned = super().clean()
        day, start = cleaned.get("shift_date"), cleaned.get("start_time")
        if day is None or start is None or cleaned.get("length_hours") is None:
            return cleaned
        if shift_times.starts_too_late(day, start, self.now):
            hours = int(shift_times.START_AHEAD_LIMIT.total_seconds() // 3600)
            self.add_error("start_time", ngettext(
                "A shift can start at most %(n)d hour from now. Log a shift once it has started, or "
                "check the date: a night shift belongs to the date it started.",
                "A shift can start at most %(n)d hours from now. Log a shift once it has started, or "
                "check the date: a night shift belongs to the date it started.", hours) % {"n": hours})
            return cleaned
        interval = (shift_times.shift_start(day, start), shift_times.shift_end(day, start, self.duration_minutes))
        # Only the three columns the check needs, in no order: a save's one read of its neighbours.
        others = ShiftLog.objects.filter(
            officer=self.officer, shift_date__range=(day - timedelta(days=1), day + timedelta(days=1))
        ).order_by().values_list("shift_date", "start_time", "duration_minutes")
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        clash = shift_times.first_overlapping(interval, others)
        if clash is not None:
            self.add_error("start_time", _(
                "This overlaps a shift you already logged (%(date)s from %(start)s). Change the start "
                "time or length, or edit that shift instead."
            ) % {"date": clash[0].strftime("%d/%m/%Y"), "start": clash[1].strftime("%H:%M")})
        return cleaned

    @staticmethod
    def initial_from(shift: ShiftLog) -> dict:
        return {"shift_date": shift.shift_date, "start_time": shift.start_time,
                "length_hours": Decimal(shift.duration_minutes) / 60, "role": shift.role}


class RoleForm(forms.Form):
    """Fields every role has; subclasses add theirs and turn the cleaned data into entries."""

    role: str = ""
    intensity = forms.TypedChoiceField(
        label=_("How intense did it feel? (1-5)"), coerce=int, required=False, widget=forms.RadioSelect,
        empty_value=None,
    )
    critical_incident = forms.BooleanField(
        label=_("This was a critical incident"), required=False,
        help_text=_("Marking it opens follow-up check-ins at about 72 hours and about 28 days."),
    )

    def __init__(self, *args, categories: list[ExposureCategory], rubric: dict[int, str] | None = None,
                 shift_minutes: int | None = None, **kwargs):
        kwargs.setdefault("prefix", self.role)
        super().__init__(*args, **kwargs)
        self.categories, self.shift_minutes = categories, shift_minutes
        self.label_intensity(rubric or {})
        self.fields["intensity"].error_messages["invalid_choice"] = _("Choose how intense it felt, from 1 to 5.")

    def label_intensity(self, rubric: dict[int, str]) -> None:
        """The levels 1-5 worded with the role's rubric (they are the choices whatever the words)."""
        self.fields["intensity"].choices = [(n, f"{n} – {rubric[n]}" if n in rubric else str(n)) for n in range(1, 6)]

    def has_exposure(self) -> bool:  # pragma: no cover - every subclass answers
        raise NotImplementedError

    def full_clean(self):
        super().full_clean()
        # Fields rendered by hand in the tables need the invalid style that crispy adds elsewhere.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
                widget.attrs.setdefault("aria-describedby", f"{self[name].auto_id}_error_1")

    def clean(self):
        cleaned = super().clean()
        # Asked whatever else is wrong, so the error summary lists every problem at once.
        if "intensity" not in self.errors and self.has_exposure() and cleaned.get("intensity") is None:
            self.add_error("intensity", _("Choose how intense it felt, from 1 to 5."))
        return cleaned

    def entries(self) -> list[EntryData]:  # pragma: no cover - every subclass answers
        raise NotImplementedError

    def shift_detail(self) -> dict:
        return {}

    def _check_minutes(self, name: str):
        minutes = self.cleaned_data.get(name)
        if minutes and self.shift_minutes and minutes > self.shift_minutes:
            self.add_error(name, _("This is more than the length of the shift (%(n)s minutes).")
                           % {"n": self.shift_minutes})


class CallHandlingForm(RoleForm):
    role = "call_handling"
    calls_taken = count_field(_("Calls taken in the shift"), MAX_CALLS, too_many=TOO_MANY_CALLS,
                              enter=_("Enter how many calls you took in the shift, or 0"))
    calls_without_break = count_field(
        _("Most calls taken in a row without a break"), MAX_CALLS, too_many=TOO_MANY_CALLS,
        enter=_("Enter the most calls you took in a row without a break, or 0"))
    critical_type = forms.ChoiceField(label=_("Was one of these calls a critical incident?"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["critical_incident"]
        self.fields["critical_type"].choices = [("", _("No"))] + [(c.code, c.display_name) for c in self.categories]
        self.fields["critical_type"].help_text = _(
            "Marking one opens follow-up check-ins at about 72 hours and about 28 days.")
        for c in self.categories:
            name = c.display_name
            self.fields[f"count_{c.code}"] = call_count_field(name)
            if c.code != "outcome_unknown":
                self.fields[f"known_{c.code}"] = check_field(_("%(type)s: the outcome became known") % {"type": name})
            self.fields[f"want_{c.code}"] = check_field(_("%(type)s: I want to know the outcome") % {"type": name})
        # The order of the page, so the error summary lists problems in the order a person meets them.
        self.order_fields(["calls_taken", "calls_without_break",
                           *[f"{kind}_{c.code}" for c in self.categories for kind in ("count", "known", "want")],
                           "critical_type", "intensity"])

    def rows(self):
        """(category, count field, known field or None, want field) for the template's table."""
        return [
            (c, self[f"count_{c.code}"], self[f"known_{c.code}"] if f"known_{c.code}" in self.fields else None,
             self[f"want_{c.code}"])
            for c in self.categories
        ]

    def _count(self, code) -> int:
        return self.cleaned_data.get(f"count_{code}") or 0

    def has_exposure(self) -> bool:
        return any(self._count(c.code) for c in self.categories)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        taken = cleaned.get("calls_taken") or 0
        distressing = sum(self._count(c.code) for c in self.categories)
        if distressing > taken:
            self.add_error("calls_taken", _(
                "You logged %(n)s distressing calls but %(taken)s calls taken in total: the total should "
                "include them.") % {"n": distressing, "taken": taken})
        if (cleaned.get("calls_without_break") or 0) > taken:
            self.add_error("calls_without_break", _("This cannot be more than the calls taken in the shift."))
        critical = cleaned.get("critical_type")
        if critical and not self._count(critical):
            self.add_error("critical_type", _("Enter at least one call of this type above, or choose No."))
        return cleaned

    def shift_detail(self) -> dict:
        return {"calls_taken": self.cleaned_data.get("calls_taken") or 0,
                "calls_without_break": self.cleaned_data.get("calls_without_break") or 0}

    def entries(self) -> list[EntryData]:
        out = []
        intensity = self.cleaned_data.get("intensity")
        critical = self.cleaned_data.get("critical_type")
        for c in self.categories:
            count = self._count(c.code)
            if not count:
                continue
            known = False if c.code == "outcome_unknown" else bool(self.cleaned_data.get(f"known_{c.code}"))
            common = {"category": c, "intensity": intensity, "outcome_known": known,
                      "outcome_wanted": bool(self.cleaned_data.get(f"want_{c.code}"))}
            if c.code == critical:
                # The critical call is its own entry, so only that call carries the critical weight.
                out.append(EntryData(count=1, critical_incident=True, detail={"calls": 1}, **common))
                count -= 1
            if count:
                out.append(EntryData(count=count, detail={"calls": count}, **common))
        return out

    @staticmethod
    def initial_from(shift: ShiftLog, exposures) -> dict:
        initial = {"calls_taken": shift.detail.get("calls_taken", 0),
                   "calls_without_break": shift.detail.get("calls_without_break", 0)}
        for e in exposures:
            code = e.category.code
            initial[f"count_{code}"] = initial.get(f"count_{code}", 0) + e.count
            initial[f"known_{code}"] = bool(e.outcome_known)
            initial[f"want_{code}"] = bool(e.outcome_wanted)
            initial["intensity"] = e.intensity
            if e.critical_incident:
                initial["critical_type"] = code
        return initial


class CseReviewForm(RoleForm):
    role = "cse_review"
    minutes = minutes_field(_("Minutes spent viewing"), enter=_("Enter how many minutes you spent viewing, or 0"))
    mitigations = forms.MultipleChoiceField(
        label=_("Mitigations used"), choices=MITIGATION_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
    )
    unidentified_victim = forms.BooleanField(
        label=_("The material involved a victim who is still unidentified"), required=False)
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for c in self.categories:
            for media, media_label in MEDIA:
                self.fields[f"items_{c.code}_{media}"] = item_count_field(c.display_name, media, media_label)
        self.order_fields([*[f"items_{c.code}_{m}" for c in self.categories for m, _label in MEDIA], "minutes",
                           "mitigations", "unidentified_victim", "intensity", "critical_incident"])

    def grid(self):
        """Rows of (category, [bound field per media type]) for the template's table."""
        return [(c, [self[f"items_{c.code}_{m}"] for m, _label in MEDIA]) for c in self.categories]

    media_labels = [label for _code, label in MEDIA]

    def _items(self) -> dict[str, dict[str, int]]:
        return {
            c.code: {m: self.cleaned_data.get(f"items_{c.code}_{m}") or 0 for m, _label in MEDIA}
            for c in self.categories
        }

    def has_exposure(self) -> bool:
        return bool(self.cleaned_data.get("minutes")) or any(
            n for per_media in self._items().values() for n in per_media.values())

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        total = sum(n for per_media in self._items().values() for n in per_media.values())
        minutes = cleaned.get("minutes") or 0
        if total and not minutes:
            self.add_error("minutes", _("Enter the minutes you spent viewing these items."))
        if minutes and not total:
            self.add_error("minutes", _("Enter at least one item reviewed in the table above."))
        self._check_minutes("minutes")
        return cleaned

    def entries(self) -> list[EntryData]:
        items = self._items()
        reviewed = [c for c in self.categories if any(items[c.code].values())]
        if not reviewed:
            return []
        # One entry per session of viewing, filed under the most severe category reviewed; the full
        # mix of categories and media types is kept in its detail.
        return [EntryData(
            category=reviewed[0], intensity=self.cleaned_data["intensity"], minutes=self.cleaned_data["minutes"],
            count=sum(n for per_media in items.values() for n in per_media.values()),
            critical_incident=self.cleaned_data["critical_incident"],
            mitigations=list(self.cleaned_data["mitigations"]),
            detail={"items": {code: {m: n for m, n in per.items() if n}
                              for code, per in items.items() if any(per.values())},
                    "unidentified_victim": self.cleaned_data["unidentified_victim"]},
        )]

    @staticmethod
    def initial_from(shift: ShiftLog, exposures) -> dict:
        initial: dict = {}
        for e in exposures:
            for code, per in e.detail.get("items", {}).items():
                for media, n in per.items():
                    initial[f"items_{code}_{media}"] = n
            initial.update(minutes=e.minutes, mitigations=e.mitigations, intensity=e.intensity,
                           critical_incident=e.critical_incident,
                           unidentified_victim=e.detail.get("unidentified_victim", False))
        return initial


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class _IncidentForm(RoleForm):
    """Firearms and counter-terrorism: one incident or deployment per shift form."""

    category = forms.ModelChoiceField(queryset=ExposureCategory.objects.none(), required=True)
    defined_task = forms.ChoiceField(
        label=_("Did you have a defined task during the incident?"), choices=YES_NO,
        error_messages={"required": _("Choose yes or no.")},
        # Issue 18: a "no" puts the deployment on the supervisor's list to debrief (wellbeing/team/
        # deployment_views.py), so the officer is told here, where they answer.
        help_text=_("If you answer no, your supervisor sees the date and kind of this deployment, so that "
                    "they can debrief you and check in. Never your rating, notes or the detail."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ExposureCategory.objects.filter(role=self.role, active=True)
        self.fields["category"].error_messages["invalid_choice"] = _(
            "That category is not one for this role: choose one from the list.")
        self.fields["category"].empty_label = _("Choose…")
        self.fields["category"].label_from_instance = lambda category: category.display_name

    def has_exposure(self) -> bool:
        return True


class FirearmsForm(_IncidentForm):
    role = "firearms"
    DISCHARGE = [("none", _("No")), ("self", _("Yes, by me")), ("colleague", _("Yes, by a colleague")),
                 ("both", _("Yes, by me and a colleague"))]
    PIP = [("none", _("No")), ("witness", _("Yes, as a witness officer")),
           ("principal", _("Yes, as a key or principal officer"))]
    discharge = forms.ChoiceField(label=_("Were weapons discharged?"), choices=DISCHARGE, initial="none")
    dsi_witnessed = forms.BooleanField(label=_("I witnessed a death or serious injury"), required=False)
    post_incident = forms.ChoiceField(label=_("Involved in post-incident procedure?"), choices=PIP, initial="none")
    minutes = minutes_field(_("Time at the incident (minutes, if you know)"),
                            enter=_("Enter how many minutes you spent at the incident, or leave it empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label = _("Deployment type")

    def clean(self):
        cleaned = super().clean()
        self._check_minutes("minutes")
        return cleaned

    def entries(self) -> list[EntryData]:
        d = self.cleaned_data
        return [EntryData(
            category=d["category"], intensity=d["intensity"], minutes=d.get("minutes") or None,
            critical_incident=d["critical_incident"], defined_task=_yes_no(d["defined_task"]),
            detail={"discharge": d["discharge"], "dsi_witnessed": d["dsi_witnessed"],
                    "post_incident": d["post_incident"]},
        )]

    @staticmethod
    def initial_from(shift: ShiftLog, exposures) -> dict:
        for e in exposures[:1]:
            return {"category": e.category_id, "intensity": e.intensity, "minutes": e.minutes,
                    "critical_incident": e.critical_incident,
                    "defined_task": {True: "yes", False: "no"}.get(e.defined_task, ""), **e.detail}
        return {}


class CounterTerrorismForm(_IncidentForm):
    role = "counter_terrorism"
    COMMAND = [("none", _("No")), ("bronze", _("Bronze (operational)")), ("silver", _("Silver (tactical)")),
               ("gold", _("Gold (strategic)"))]
    mass_casualties = forms.BooleanField(label=_("There were mass casualties"), required=False)
    threat_to_self = forms.BooleanField(label=_("There was a threat to my own safety"), required=False)
    material_minutes = minutes_field(
        _("Minutes reviewing extremist or violent material"),
        enter=_("Enter how many minutes you spent reviewing extremist or violent material, or 0"))
    command_role = forms.ChoiceField(label=_("Did you hold a command role?"), choices=COMMAND, initial="none")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label = _("What you were exposed to")

    def clean(self):
        cleaned = super().clean()
        self._check_minutes("material_minutes")
        return cleaned

    def entries(self) -> list[EntryData]:
        d = self.cleaned_data
        return [EntryData(
            category=d["category"], intensity=d["intensity"], minutes=d.get("material_minutes") or None,
            critical_incident=d["critical_incident"], defined_task=_yes_no(d["defined_task"]),
            detail={"mass_casualties": d["mass_casualties"], "threat_to_self": d["threat_to_self"],
                    "command_role": d["command_role"], "material_minutes": d.get("material_minutes") or 0},
        )]

    @staticmethod
    def initial_from(shift: ShiftLog, exposures) -> dict:
        for e in exposures[:1]:
            return {"category": e.category_id, "intensity": e.intensity, "critical_incident": e.critical_incident,
                    "defined_task": {True: "yes", False: "no"}.get(e.defined_task, ""), **e.detail}
        return {}


ROLE_FORMS: dict[str, type[RoleForm]] = {
    f.role: f for f in (CallHandlingForm, CseReviewForm, FirearmsForm, CounterTerrorismForm)
}


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Add a correction note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what was wrong and what is right. The entry itself stays as it was."),
    )


class HistoryFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), required=False)
    date_from = BoundedDateField(label=_("From"), required=False)
    date_to = BoundedDateField(label=_("To"), required=False)

    def __init__(self, *args, role_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *role_choices]


class ViewingPreferenceForm(forms.Form):
    """A reviewer's own break rhythm: only ever stricter than their organisation's ViewingPolicy
    (no more viewing between breaks, no shorter breaks), hazard H9."""

    view_minutes = forms.IntegerField(label=_("Minutes of viewing before a break"),
                                      validators=[MinValueValidator(5), MaxValueValidator(240)])
    break_minutes = forms.IntegerField(label=_("Break length (minutes)"),
                                       validators=[MinValueValidator(1), MaxValueValidator(120)])

    def __init__(self, *args, policy: ViewingPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["view_minutes"].widget.attrs["max"] = policy.view_minutes
        self.fields["view_minutes"].help_text = _("At most %(n)d (your force's limit).") % {"n": policy.view_minutes}
        self.fields["break_minutes"].widget.attrs["min"] = policy.break_minutes
        self.fields["break_minutes"].help_text = _("At least %(n)d (your force's minimum).") % {
            "n": policy.break_minutes}

    def clean(self):
        cleaned = super().clean()
        for field, message in self.policy.problems(cleaned.get("view_minutes"), cleaned.get("break_minutes")).items():
            self.add_error(field, message)
        return cleaned


DEFAULT_START = time(7, 0)
DEFAULT_LENGTH_MINUTES = 8 * 60
