"""Issue 15 item 3 (logs and email), part b: notification titles, which are also email subjects,
name nobody and carry no clinical word; the link leads to the page that says who, behind sign-in.
OH still learns that an urgent item must be acted on today (the title says so, the row is urgent)."""

import re
from datetime import date, timedelta

from django.core import mail
from django.utils import timezone

from portal.models import Notification
from wellbeing.models import WelfareAction
from wellbeing.risk.flags import flag_escalate, flag_raise
from wellbeing.team.services import follow_ups_remind

CLINICAL_WORDS = ("phq", "gad", "pcl", "suicid", "self-harm", "harm", "screen", "clinical", "mental", "depress",
                  "anxi", "ptsd", "trauma", "cut-off", "score", "question", "item 9", "risk", "referral",
                  "exposure", "check-in answer")


def names_in(text: str, person, parts=("first_name", "last_name", "username", "email")) -> list[str]:
    """The person's names found in text as whole words, as written: a random first name such as
    "Anne" must not match inside "planned" (a real CI failure), nor "Amber" the word amber."""
    values = [getattr(person, part) for part in parts]
    return [value for value in values
            if value and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text)]


def _leaks(text: str, person) -> list[str]:
    lowered = text.lower()
    return [word for word in CLINICAL_WORDS if word in lowered] + names_in(text, person)


def test_logs_and_email_notification_titles_and_subjects_name_nobody_and_no_clinical_word(
        officer, supervisor, oh, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        flag_raise(officer=officer, reason_code="exposure_load_high", now=now - timedelta(days=5))
        flag_raise(officer=officer, reason_code="screen_over_cutoff")
        flag_raise(officer=officer, reason_code="phq9_item9", urgent=True)
        operational = officer.flags.get(reason_code="exposure_load_high")
        assert flag_escalate(flag_id=operational.pk)
        WelfareAction.objects.create(officer=officer, recorded_by=supervisor, kind="other",
                                     follow_up_on=date.today(), follow_up_done=False)
        assert follow_ups_remind(today=date.today()) == 1

    notes = list(Notification.objects.filter(user__in=[supervisor, oh]))
    assert len(notes) >= 6
    for note in notes:
        assert _leaks(note.title, officer) == [], note.title
        assert note.link and officer.get_full_name() not in note.link
    assert mail.outbox
    for message in mail.outbox:
        assert _leaks(message.subject, officer) == [], message.subject
        assert _leaks(message.body, officer) == [], message.body


def test_logs_and_email_urgent_items_still_tell_oh_to_act_today(officer, oh):
    flag_raise(officer=officer, reason_code="phq9_item9", urgent=True)
    note = Notification.objects.get(user=oh)
    assert note.urgent and "today" in note.title and note.link == "/oh/"
    ordinary = flag_raise(officer=officer, reason_code="screen_over_cutoff")[0]
    assert ordinary.pk
    assert "today" not in Notification.objects.get(user=oh, urgent=False).title
