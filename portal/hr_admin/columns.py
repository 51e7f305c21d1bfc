"""The columns of an HR file as the import page explains them, and the template files a force can
download. The reading itself (and so the final word on each column) is `portal.hr`'s."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (column, required, what it holds), in the order of the template.
COLUMNS = [
    ("staff_number", True, _("The person's staff number in the HR system: the key that links each row to the "
                             "same person at every import. Never reuse one.")),
    ("given_name", True, _("Given name.")),
    ("family_name", True, _("Family name.")),
    ("email", True, _("Work email address.")),
    ("organisation", True, _("The organisation's name or short name (slug) in the portal.")),
    ("unit", False, _("The unit (department) of the person's team. Created if it does not exist yet.")),
    ("team", False, _("The person's team within the unit. Created if it does not exist yet.")),
    ("roles", False, _("Role codes separated by \";\": officer, supervisor, trainer, oh, wellbeing_lead, "
                       "peer_supporter, trim_practitioner, trim_coordinator, admin.")),
    ("supervises", False, _("The teams this person supervises, as \"Unit / Team\", separated by \";\".")),
    ("high_risk_role", False, _("A high-risk role (its code or its name), or empty.")),
    ("high_risk_role_since", False, _("The date the person started in the high-risk role.")),
    ("employment_ended_on", False, _("For a leaver: the date their employment ended. They are deactivated, "
                                     "not deleted.")),
]

# One row of invented data for the templates.
EXAMPLE = ["E10492", "Morgan", "Trevelyan", "morgan.trevelyan@example.police.uk", "Example Constabulary",
           "Response", "Alpha", "officer;supervisor", "Response / Alpha", "firearms", "2024-03-01", ""]


def header() -> list[str]:
    return [name for name, _required, _text in COLUMNS]
