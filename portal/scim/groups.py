"""What a SCIM group means in the portal, from its display name alone (docs/onboarding.md):

    "Team: Response / Alpha"        members are in team Alpha of unit Response (their one team)
    "Supervises: Response / Alpha"  members supervise that team
    "Role: trainer"                 members hold the role (any HR-import role code except admin)

Any other name is accepted and kept, and changes nothing: a force assigns many groups to an
application for other reasons. Admin rights are never given from the identity provider."""

from __future__ import annotations

from dataclasses import dataclass

from portal.hr.records import ROLE_CODES, role_code, split_team_label

SCIM_ROLES = tuple(code for code in ROLE_CODES if code != "admin")


@dataclass(frozen=True)
class GroupMeaning:
    kind: str  # "team", "supervises", "role" or "none"
    unit: str = ""
    team: str = ""
    role: str = ""


NONE = GroupMeaning("none")


def group_meaning(display_name: str) -> GroupMeaning:
    label, colon, rest = (display_name or "").partition(":")
    label = label.strip().lower()
    if not colon:
        return NONE
    if label in ("team", "supervises"):
        pair = split_team_label(rest)
        return GroupMeaning(label, unit=pair[0], team=pair[1]) if pair else NONE
    if label == "role":
        code = role_code(rest)
        return GroupMeaning("role", role=code) if code in SCIM_ROLES else NONE
    return NONE
