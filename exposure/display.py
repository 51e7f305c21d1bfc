"""Plain-language rows describing one exposure, for the officer's own detail page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exposure.forms import MEDIA, MITIGATION_CHOICES, CounterTerrorismForm, FirearmsForm
from exposure.models import Exposure

MITIGATION_LABELS = dict(MITIGATION_CHOICES)
MEDIA_LABELS = dict(MEDIA)


def length_text(minutes: int) -> str:
    """A shift's length in words with the right plurals: "1 hour", "8 hours 30 minutes"."""
    hours, rest = divmod(int(minutes), 60)
    hours_text = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes_text = ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest}
    if not rest:
        return hours_text
    if not hours:
        return minutes_text
    return _("%(hours)s %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}


def _yes_no(value: Any) -> str:
    return {True: _("Yes"), False: _("No")}.get(value, _("Not recorded"))


def describe(exposure: Exposure, category_names: dict[str, str]) -> list[tuple[str, str]]:
    rows = [(_("Intensity as you felt it"), f"{exposure.intensity} / 5")]
    detail: Any = exposure.detail or {}  # JSON as saved: its values are whatever the form kept
    if exposure.role == "call_handling":
        rows.append((_("Calls"), str(exposure.count)))
        rows.append((_("Outcome became known"), _yes_no(exposure.outcome_known)))
        rows.append((_("You want to know the outcome"), _yes_no(exposure.outcome_wanted)))
    elif exposure.role == "cse_review":
        for code, per_media in detail.get("items", {}).items():
            counts = ", ".join(f"{MEDIA_LABELS.get(m, m)}: {n}" for m, n in per_media.items())
            rows.append((category_names.get(code, code), counts))
        rows.append((_("Minutes viewing"), str(exposure.minutes or 0)))
        used = [str(MITIGATION_LABELS.get(m, m)) for m in exposure.mitigations]
        rows.append((_("Mitigations used"), ", ".join(used) if used else _("None")))
        rows.append((_("A victim still unidentified"), _yes_no(detail.get("unidentified_victim"))))
    elif exposure.role == "firearms":
        rows.append((_("Weapons discharged"), str(dict(FirearmsForm.DISCHARGE).get(detail.get("discharge"), "-"))))
        rows.append((_("Death or serious injury witnessed"), _yes_no(detail.get("dsi_witnessed"))))
        rows.append((_("Post-incident procedure"), str(dict(FirearmsForm.PIP).get(detail.get("post_incident"), "-"))))
        rows.append((_("Defined task"), _yes_no(exposure.defined_task)))
        if exposure.minutes:
            rows.append((_("Minutes at the incident"), str(exposure.minutes)))
    elif exposure.role == "counter_terrorism":
        rows.append((_("Mass casualties"), _yes_no(detail.get("mass_casualties"))))
        rows.append((_("Threat to yourself"), _yes_no(detail.get("threat_to_self"))))
        rows.append((_("Minutes reviewing material"), str(detail.get("material_minutes", 0))))
        rows.append((_("Command role"),
                     str(dict(CounterTerrorismForm.COMMAND).get(detail.get("command_role"), "-"))))
        rows.append((_("Defined task"), _yes_no(exposure.defined_task)))
    else:
        rows += _added_role_rows(exposure, detail, category_names)
    rows.append((_("Critical incident"), _yes_no(exposure.critical_incident)))
    return rows


def _added_role_rows(exposure: Exposure, detail: Any, category_names: dict[str, str]) -> list[tuple[str, str]]:
    """The rows of an entry logged with a generated form (a role an admin added)."""
    counts = detail.get("counts")
    if counts:
        rows = [(category_names.get(code, code), str(n)) for code, n in counts.items()]
    else:
        rows = [(_("How many"), str(exposure.count))]
    if exposure.minutes:
        rows.append((_("Minutes exposed"), str(exposure.minutes)))
    if exposure.defined_task is not None:
        rows.append((_("Defined task"), _yes_no(exposure.defined_task)))
    for key, label in (("briefed", _("Briefed before it")), ("debriefed", _("Debriefed"))):
        if key in detail:
            rows.append((label, _yes_no(detail[key])))
    return rows
