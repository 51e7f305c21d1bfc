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
SELF_REFERRAL_URGENT = "self_referral_urgent"  # an urgent "Talk to someone" request (issue 21)

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
        Reason("calls_without_break", OPERATIONAL, _("Calls without a break"),
               _("On several recent shifts you took a long run of calls without a break.")),
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
        Reason(SELF_REFERRAL_URGENT, CLINICAL, WELFARE_CONTACT,
               _("You asked to talk to someone and said it was urgent.")),
    ]
}

# Reasons a supervisor never sees in any form, not even as "welfare contact recommended": an urgent
# request for help (wellbeing/talk) is the officer's confidential act, and a welfare-contact flag
# appearing on the line's inbox the moment it was sent would tell the supervisor that the officer asked
# (docs/clinical-safety.md, H11). Every supervisor page, notification, count and export leaves them out
# (`wellbeing.risk.flags.SUPERVISOR_SEES`); OH owns and handles them like any urgent clinical flag.
HIDDEN_FROM_SUPERVISOR = frozenset({SELF_REFERRAL_URGENT})


def reason(code: str) -> Reason:
    return REASONS[code]


# What occupational health reads for each clinical reason (OH sees the detail; never a supervisor).
OH_LABELS = {
    "screen_over_cutoff": _("Screen positive (at or over its cut-off, or the PCL-5 DSM-5 rule met)"),
    "pulse_falling": _("Post-shift pulse scores falling"),
    "phq9_item9": _("PHQ-9 item 9 answered above 0"),
    "safety_question": _("PHQ-4 safety question answered yes"),
    SELF_REFERRAL_URGENT: _("Asked to talk to someone, marked urgent"),
}


# The kind of each screen, as a supervisor may read it when the officer chose to share which screen
# is above its cut-off (issue 21: `portal.access.CLINICAL_CATEGORY`). Never a score, band or answer.
SCREEN_CATEGORIES = {
    "phq9": _("low mood (PHQ-9)"),
    "gad7": _("anxiety (GAD-7)"),
    "phq4": _("anxiety or low mood (PHQ-4)"),
    "pcl5": _("post-traumatic stress (PCL-5)"),
}
SCREEN_SHARED = _("Screen above cut-off: %(category)s")


def shared_screen_labels(numbers: dict | None) -> list[str]:
    """What a supervisor reads of a screen-over-cut-off reason the officer chose to share: one label
    per kind of screen above its cut-off, in a fixed order. Pure."""
    found = (numbers or {}).get("instruments") or []
    return [str(SCREEN_SHARED) % {"category": SCREEN_CATEGORIES[code]}
            for code in SCREEN_CATEGORIES if code in found]


def oh_label(code: str) -> str:
    """A reason as occupational health reads it: the clinical detail, or the operational category."""
    if code in OH_LABELS:
        return str(OH_LABELS[code])
    known = REASONS.get(code)
    return str(known.category) if known else code
