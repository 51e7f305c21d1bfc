"""An officer's choices of what more than the default is shared, per audience (issue 21): making
and withdrawing one, each in one transaction with its audit event. Which choices exist and what
each one lets an audience see are decided in `portal.access`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal import access, audit
from portal.models import Disclosure, User


class InvalidChoice(ValueError):
    pass


def _lock(officer) -> None:
    """Serialise changes of one officer's choices (two tabs saving at once): on PostgreSQL the
    second waits for the first, so the one-choice-in-force constraint is never raced."""
    User.objects.select_for_update().filter(pk=officer.pk).values_list("pk", flat=True).first()


def _withdraw_current(officer, audience: str, now) -> Disclosure | None:
    current = (Disclosure.objects.select_for_update()
               .filter(officer=officer, audience=audience, withdrawn_at__isnull=True).first())
    if current is not None:
        current.withdrawn_at = now
        current.save(update_fields=["withdrawn_at"])
    return current


def choose(*, officer, audience: str, choice: str, peer_supporter=None, now=None) -> Disclosure | None:
    """Put `choice` in force for `audience` from now (the default withdraws what was in force).
    Returns the new row, or None when the default is now in force. Nothing changes, and nothing is
    audited, when the choice in force is already this one."""
    if choice not in {code for code, _label in access.DISCLOSURE_CHOICES.get(audience, [])}:
        raise InvalidChoice(f"unknown choice {audience!r}={choice!r}")
    if choice == access.default_choice(audience):
        withdraw(officer=officer, audience=audience, now=now)
        return None
    if audience == access.PEER_SUPPORTER:
        if peer_supporter is None or not access.peer_supporter_candidates(officer).filter(
                pk=peer_supporter.pk).exists():
            raise InvalidChoice("a peer supporter of the officer's organisation is needed")
    else:
        peer_supporter = None
    now = now or timezone.now()
    with transaction.atomic():
        _lock(officer)
        current = access.current_disclosures(officer).get(audience)
        if current is not None and current.choice == choice and current.peer_supporter_id == getattr(
                peer_supporter, "pk", None):
            return current
        previous = _withdraw_current(officer, audience, now)
        made = Disclosure.objects.create(officer=officer, audience=audience, choice=choice,
                                         peer_supporter=peer_supporter, chosen_by=officer, chosen_at=now)
        audit.record("disclosure_chosen", subject=officer, obj=made, detail={
            "audience": audience, "choice": choice, "peer_supporter": getattr(peer_supporter, "pk", None),
            "replaces": previous.pk if previous else None})
    return made


def withdraw(*, officer, audience: str, now=None) -> Disclosure | None:
    """Withdraw the choice in force for `audience` (back to the default) from now. Returns the row
    withdrawn, or None when there was none (then nothing is audited)."""
    if audience not in access.DISCLOSURE_CHOICES:
        raise InvalidChoice(f"unknown audience {audience!r}")
    with transaction.atomic():
        _lock(officer)
        withdrawn = _withdraw_current(officer, audience, now or timezone.now())
        if withdrawn is not None:
            audit.record("disclosure_withdrawn", subject=officer, obj=withdrawn,
                         detail={"audience": audience, "choice": withdrawn.choice})
    return withdrawn


def history(officer):
    """Every choice `officer` made, newest first, with the named peer supporter."""
    return Disclosure.objects.filter(officer=officer).select_related("peer_supporter").order_by("-chosen_at", "-pk")
