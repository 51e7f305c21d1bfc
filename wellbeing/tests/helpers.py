"""Small builders for check-in tests."""

import re

from django.utils import timezone

from wellbeing.tests.factories import CheckInFactory


def make_checkin(officer, instrument="pulse", answers=None, *, at=None, comment="", share=False):
    """A check-in scored by the instruments package (see `CheckInFactory`); the lowest answers if none given."""
    extra = {} if answers is None else {"answers": answers}
    return CheckInFactory(officer=officer, instrument=instrument, completed_at=at or timezone.now(), comment=comment,
                          share_comment_with_oh=share, **extra)


def form_data(client, code, answers, **extra):
    """GET the form, take its submission token, and build the POST data for `answers`."""
    html = client.get(f"/wellbeing/checkin/{code}/").content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    data = {"submission": token}
    data.update({f"q{n}": str(v) for n, v in enumerate(answers, start=1) if v is not None})
    data.update(extra)
    return data
