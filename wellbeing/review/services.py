"""The officer's own context on a flag about them: added, edited or withdrawn by them only.

The words are theirs, shared by their choice with their supervisor and occupational health
(`portal.notices.NOTICES["flag_context"]` says so before they submit). They are kept on the flag and
nowhere else: the audit event says that context was added, changed or withdrawn, never what it says."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal import audit
from wellbeing.models import Flag

CONTEXT_MAX = 2000
ADDED, CHANGED, WITHDRAWN, UNCHANGED = "added", "changed", "withdrawn", "unchanged"


def flag_context_set(*, flag: Flag, officer, text: str, now=None) -> str:
    """Set (or with empty `text`, withdraw) the officer's context on their own flag. Returns what
    happened: ADDED, CHANGED, WITHDRAWN or UNCHANGED. Refuses a flag about someone else (the caller
    fetched it through `access.get_own_or_404`, this is the second lock)."""
    if flag.officer_id != officer.pk:
        raise PermissionError("only the person a flag is about may add their context to it")
    text = (text or "").strip()[:CONTEXT_MAX]
    before = flag.officer_context
    if text == before:
        return UNCHANGED
    what = WITHDRAWN if not text else (ADDED if not before else CHANGED)
    now = now or timezone.now()
    with transaction.atomic():
        Flag.objects.filter(pk=flag.pk, officer=officer).update(officer_context=text,
                                                                officer_context_at=now if text else None)
        audit.record(f"flag_context_{what}", actor=officer, subject=officer, obj=flag,
                     detail={"reason": flag.reason_code})
    flag.officer_context, flag.officer_context_at = text, (now if text else None)
    return what
