"""docs/privacy.md cannot drift from the code: its table of choices lists exactly the audiences and
choices of `portal.access.DISCLOSURE_CHOICES`, in order, with the default marked, and the audit
actions and lookups it names exist."""

import re
from pathlib import Path

from django.urls import reverse

from portal import access, notices

DOC = Path(__file__).resolve().parent.parent / "docs" / "privacy.md"
ROW = re.compile(r"^\| `(\w+)` \| `(\w+)` \| (yes|no) \| (.+) \|$", re.MULTILINE)


def doc_choices(text: str) -> list[tuple[str, str, bool]]:
    return [(audience, choice, default == "yes") for audience, choice, default, _text in ROW.findall(text)]


def test_the_privacy_doc_lists_every_audience_and_choice_of_the_code():
    code = [(audience, choice, n == 0) for audience, choices in access.DISCLOSURE_CHOICES.items()
            for n, (choice, _label) in enumerate(choices)]
    assert doc_choices(DOC.read_text(encoding="utf-8")) == code


def test_the_privacy_doc_names_what_exists():
    text = DOC.read_text(encoding="utf-8")
    for name in re.findall(r"`portal\.access\.(\w+)", text):
        assert hasattr(access, name), name
    for name in re.findall(r"`portal\.notices\.(\w+)", text) + ["notices_for", "NOTICES"]:
        assert hasattr(notices, name), name
    from wellbeing.oh.labels import ACTION_LABELS

    actions = re.findall(r"`((?:disclosure|peer_level)_\w+)`", text)
    assert "peer_level_viewed" in actions
    for action in actions:
        assert action in ACTION_LABELS, action  # shown to the officer on their privacy page by its label
    assert "/wellbeing/privacy/" in text
    assert f"`{reverse('help:levels')}`" in text  # the peer supporter's page, where the code has it


def test_the_privacy_doc_checker_notices_a_missing_or_extra_choice():
    text = "| `supervisor` | `default` | yes | x |\n| `supervisor` | `everything` | no | y |\n"
    assert doc_choices(text) == [("supervisor", "default", True), ("supervisor", "everything", False)]
    assert doc_choices(text) != [(a, c, n == 0) for a, cs in access.DISCLOSURE_CHOICES.items()
                                 for n, (c, _l) in enumerate(cs)]
