"""Plain words for the audit events and roles an officer reads on "Who has looked at my records"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "oh_case_view": gettext_lazy("Opened your occupational health case"),
    "subject_access_export": gettext_lazy("Exported everything held about you (subject access request)"),
    "oh_referral_recorded": gettext_lazy("Recorded a referral"),
    "oh_referral_outcome": gettext_lazy("Recorded the outcome of a referral"),
    "oh_note_added": gettext_lazy("Added an occupational health note"),
    "flag_closed": gettext_lazy("Closed a flag"),
    "oh_flag_closed": gettext_lazy("Closed a flag"),  # OH's close before issue 16 (now flag_closed, role "oh")
    "flag_dismissed": gettext_lazy("Closed a flag as not applicable or a false alarm"),
    "legal_hold_placed": gettext_lazy("Placed a legal hold on your records"),
    "legal_hold_lifted": gettext_lazy("Lifted a legal hold on your records"),
    "flag_acknowledged": gettext_lazy("Acknowledged a flag"),
    "flag_context_added": gettext_lazy("Added their context to a flag"),
    "flag_context_changed": gettext_lazy("Changed their context on a flag"),
    "flag_context_withdrawn": gettext_lazy("Withdrew their context from a flag"),
    "disclosure_chosen": gettext_lazy("Chose what more is shared"),
    "disclosure_withdrawn": gettext_lazy("Withdrew a choice of what is shared"),
    "help_request_viewed": gettext_lazy("Read your request for a talk"),
    "help_request_accepted": gettext_lazy("Accepted your request for a talk"),
    "help_contact_recorded": gettext_lazy("Recorded a contact about your request for a talk"),
    "help_request_closed": gettext_lazy("Closed your request for a talk"),
    "peer_level_viewed": gettext_lazy("Saw your overall level, which you chose to share with them"),
    "screening_viewed": gettext_lazy("Opened your screening record"),
    "screening_recorded": gettext_lazy("Recorded your screening appointment, attendance or completion"),
    "deployment_followed_up": gettext_lazy("Marked that they debriefed you after a deployment without a defined task"),
    "outcome_request_viewed": gettext_lazy("Opened your request for the outcome of a call"),
    "outcome_shared": gettext_lazy("Shared the outcome of a call you asked about"),
    "outcome_not_available": gettext_lazy("Told you the outcome of a call you asked about is not available"),
    "welfare_follow_up_done": gettext_lazy("Marked a planned welfare follow-up with you as done"),
}
ROLE_LABELS = {"officer": gettext_lazy("officer"), "supervisor": gettext_lazy("supervisor"),
               "trainer": gettext_lazy("trainer"), "oh": gettext_lazy("occupational health"),
               "wellbeing_lead": gettext_lazy("wellbeing lead"), "peer_supporter": gettext_lazy("peer supporter"),
               "admin": gettext_lazy("administrator")}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code.replace("_", " ")))


def role_labels(user) -> str:
    return ", ".join(str(ROLE_LABELS.get(r, r)) for r in user.roles if r != "officer") or str(ROLE_LABELS["officer"])
