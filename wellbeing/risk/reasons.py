"""Reason codes the risk engine can give, and how each is routed. Pure data, no ORM.

Every reason is operational (the supervisor sees its category) or clinical (OH sees the detail;
the supervisor sees only "welfare contact recommended" unless the officer chose to share more)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

OPERATIONAL = "operational"
CLINICAL = "clinical"


@dataclass(frozen=True)
class Reason:
    code: str
    kind: str
    category: StrOrPromise  # what a supervisor may see for an operational reason
    officer_text: StrOrPromise  # calm words for the officer themself


WELFARE_CONTACT = _("Welfare contact recommended")

REASONS = {
    r.code: r
    for r in [
        Reason("exposure_load_high", OPERATIONAL, _("Exposure load high for the role"),
               _("Your recent exposure has been higher than usual for your role.")),
        Reason("exposure_load_rising", OPERATIONAL, _("Exposure load above their usual"),
               _("Your recent exposure has been higher than your own usual.")),
        Reason("critical_incident_followup", OPERATIONAL, _("Critical incident follow-up due"),
               _("A follow-up after a critical incident you logged is due.")),
        Reason("viewing_without_breaks", OPERATIONAL, _("Viewing without breaks"),
               _("You logged long viewing sessions without a break.")),
        Reason("checkins_overdue", OPERATIONAL, _("Check-ins overdue while exposure continues"),
               _("Your check-ins are overdue while your exposure continues.")),
        Reason("screen_over_cutoff", CLINICAL, WELFARE_CONTACT,
               _("A questionnaire you completed scored above the level where talking to someone may help.")),
        Reason("pulse_falling", CLINICAL, WELFARE_CONTACT,
               _("Your recent post-shift check-ins suggest things have been getting harder.")),
        Reason("phq9_item9", CLINICAL, WELFARE_CONTACT,
               _("You told us you have had thoughts of being better off dead or of hurting yourself.")),
        Reason("safety_question", CLINICAL, WELFARE_CONTACT,
               _("You told us you have had thoughts of harming yourself.")),
    ]
}


def reason(code: str) -> Reason:
    return REASONS[code]


# What occupational health reads for each clinical reason (OH sees the detail; never a supervisor).
OH_LABELS = {
    "screen_over_cutoff": _("Screen positive (at or over its cut-off, or the PCL-5 DSM-5 rule met)"),
    "pulse_falling": _("Post-shift pulse scores falling"),
    "phq9_item9": _("PHQ-9 item 9 answered above 0"),
    "safety_question": _("PHQ-4 safety question answered yes"),
}


def oh_label(code: str) -> str:
    """A reason as occupational health reads it: the clinical detail, or the operational category."""
    if code in OH_LABELS:
        return str(OH_LABELS[code])
    known = REASONS.get(code)
    return str(known.category) if known else code
