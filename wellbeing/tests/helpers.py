"""Small builders for check-in tests."""

import re

from django.utils import timezone

from wellbeing import instruments
from wellbeing.models import CheckIn


def make_checkin(officer, instrument="pulse", answers=None, *, at=None, comment="", share=False):
    definition = instruments.get(instrument)
    answers = answers if answers is not None else [definition.min_value] * len(definition.items)
    s = definition.score(answers, safety=False if definition.safety_question else None)
    return CheckIn.objects.create(
        officer=officer, instrument=instrument, instrument_version=definition.version,
        completed_at=at or timezone.now(), answers=answers, total=s.total, band=s.band, positive=s.positive,
        result=s.result, urgent=s.urgent, comment=comment, share_comment_with_oh=share,
    )


def form_data(client, code, answers, **extra):
    """GET the form, take its submission token, and build the POST data for `answers`."""
    html = client.get(f"/wellbeing/checkin/{code}/").content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    data = {"submission": token}
    data.update({f"q{n}": str(v) for n, v in enumerate(answers, start=1) if v is not None})
    data.update(extra)
    return data
