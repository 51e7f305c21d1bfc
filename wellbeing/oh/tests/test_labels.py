"""Every audit event written about an officer by someone else reads as words on the officer's
privacy page, never as a raw code with its underscores turned into spaces."""

import pytest

from wellbeing.oh.labels import ACTION_LABELS, action_label


@pytest.mark.parametrize("code", ["outcome_request_viewed", "outcome_shared", "outcome_not_available",
                                  "welfare_follow_up_done", "deployment_followed_up"])
def test_events_about_an_officer_have_their_own_words(code):
    assert code in ACTION_LABELS
    assert action_label(code) != code.replace("_", " ")


def test_an_unknown_code_still_reads_as_words():
    assert action_label("something_new") == "something new"
