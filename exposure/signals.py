"""Hooks that exposure offers to the apps above it (it never imports them)."""

from django.dispatch import Signal

# Sent with `user` and `shift` when an officer's own shift page is shown within 48 hours of logging
# it: should the short post-shift pulse be offered? The check-in area (wellbeing.checkins) answers
# True until the officer has done a pulse since the shift was logged. No receiver, no offer.
pulse_offer_wanted = Signal()
