"""Who sees what an officer enters, in words (issue 21): the notices on every form an officer fills
in, and `notices_for`, the same notices as they are true for one officer now, from the disclosure
choices that `portal.access` obeys on every page. Kept apart from access.py, which decides; this
module only says."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import roles as role_table
from portal.access import (
    ALL_COMMENTS,
    CLINICAL_CATEGORY,
    LEVEL,
    OCCUPATIONAL_HEALTH,
    PEER_SUPPORTER,
    SUPERVISOR,
    current_disclosures,
)

# Who sees what an officer enters, in words. Used on every form an officer fills in.
NOTICES = {
    "exposure": _(
        "You and occupational health can see the detail you enter here. Your supervisor sees only "
        "your overall exposure load and its categories, never the detail or your notes."
    ),
    "checkin": _(
        "Your answers and scores are seen only by you and occupational health. Your supervisor never "
        "sees them; if something suggests you may need support, they see only that a welfare "
        "conversation is recommended."
    ),
    "checkin_comment": _(
        "Your comment stays private to you unless you tick the box to share it with occupational health."
    ),
    "flag_context": _(
        "What you write here is shared, by your choice, with your supervisor and with occupational "
        "health: they see it next to this flag. It is not seen by anyone else. You can change or "
        "withdraw it at any time."
    ),
    "talk": _(
        "Only the person you choose sees this request and what you send with it; occupational health "
        "also sees it if you mark it urgent. Your supervisor is not told and never sees it. A peer "
        "supporter records only the date and kind of each contact, never what you talk about."
    ),
    "training": _(
        "Your trainers see your assignments, progress and quiz results; your feedback reaches them "
        "only in totals and comments without your name. They never see "
        "your shifts or check-ins."
    ),
}


NOTICE_EXTRAS = {
    "checkin_category": _(
        "Your answers and scores are seen only by you and occupational health. Your supervisor never "
        "sees them; if something suggests you may need support, they see that a welfare conversation is "
        "recommended and, because you chose to share it, which kind of questionnaire scored above its "
        "cut-off (for example low mood)."
    ),
    "checkin_comment_all": _(
        "Occupational health can read your comment: you chose to share all your check-in comments with them."
    ),
    "exposure_deployment": _(
        "If you log a deployment without a defined task, your supervisor also sees its date and kind, "
        "so that they can debrief you."
    ),
}


def notices_for(officer) -> dict[str, str]:
    """`NOTICES` as they are true for `officer` now, from the same choices the pages obey."""
    current = current_disclosures(officer)
    chosen = {audience: d.choice for audience, d in current.items()}
    notices = {key: str(text) for key, text in NOTICES.items()}
    if chosen.get(SUPERVISOR) == CLINICAL_CATEGORY:
        notices["checkin"] = str(NOTICE_EXTRAS["checkin_category"])
    if chosen.get(OCCUPATIONAL_HEALTH) == ALL_COMMENTS:
        notices["checkin_comment"] = str(NOTICE_EXTRAS["checkin_comment_all"])
    if role_table.asks_deployment(officer.high_risk_role):
        notices["exposure"] += " " + str(NOTICE_EXTRAS["exposure_deployment"])
    peer = current.get(PEER_SUPPORTER) if chosen.get(PEER_SUPPORTER) == LEVEL else None
    if peer is not None and peer.peer_supporter is not None:
        extra = gettext("%(name)s, the peer supporter you named, also sees your overall level.") % {
            "name": peer.peer_supporter}
        notices["checkin"] += " " + extra
        notices["exposure"] += " " + extra
    return notices
