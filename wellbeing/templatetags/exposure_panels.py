"""Panels of the officer's exposure pages that belong to the wellbeing app: the exposure app's
templates load them, so that the exposure app never imports wellbeing (portal <- exposure <-
wellbeing).

- `{% own_exposure_load has_shifts %}`: "Your recent exposure": the sentence comparing the load with
  the officer's usual, worded from their current risk assessment (`exposure.load.officer_sentence`:
  the band the engine acted on, never worked out again here), "How is this worked out?" with the
  numbers of the rules in force (`exposure.load.explanation`), and the 90-day chart and weekly table
  with the half-life of those rules. Two queries.
- `{% pulse_offered shift as offer %}`: right after logging a shift, offer the post-shift pulse
  (until one is done).
- `{% trim_case_opened shift as opened %}`: the critical incident logged on this shift opened the
  viewer's own TRiM case (wellbeing/trim/opening.py), so they see it at once."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from exposure import selectors as exposure_selectors
from exposure.load import explanation, officer_sentence
from exposure.models import Exposure
from exposure.services import shown_weights
from portal.access import scope
from wellbeing.models import CheckIn
from wellbeing.models.trim import TrimCase
from wellbeing.risk.selectors import own_load_panel
from wellbeing.trim.opening import shift_key_for

register = template.Library()


@register.inclusion_tag("exposure/_load.html", takes_context=True)
def own_exposure_load(context, has_shifts):
    user = context["request"].user
    rules, numbers = own_load_panel(user)
    half_life = float(rules["dose_half_life_days"])
    out = {"has_shifts": has_shifts, "summary": officer_sentence((numbers or {}).get("band")),
           "how": explanation(rules, shown_weights(user.high_risk_role))}
    if has_shifts:
        load = exposure_selectors.load_summary(scope(user, Exposure.objects.all()), today=timezone.localdate(),
                                               half_life=half_life)
        out["load"] = load
        out["chart"] = {
            "dates": [d.isoformat() for d, _v in load.days],
            "loads": [round(v, 2) for _d, v in load.days],
            "title": _("Recent exposure, last 90 days"),
            "axis": _("Recent exposure (older counts less)"),
        }
    return out


@register.simple_tag(takes_context=True)
def pulse_offered(context, shift) -> bool:
    """Right after logging a shift (48 hours), offer the short post-shift pulse until one is done."""
    if timezone.now() - shift.created_at > timedelta(hours=48):
        return False
    return not CheckIn.objects.filter(officer=context["request"].user, instrument="pulse",
                                      completed_at__gte=shift.created_at).exists()


@register.simple_tag(takes_context=True)
def trim_case_opened(context, shift) -> bool:
    """Whether this shift's critical incident opened a TRiM case of the viewer's own."""
    return TrimCase.objects.filter(person=context["request"].user, shift_key=shift_key_for(shift.pk)).exists()
