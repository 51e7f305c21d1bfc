"""The admin's "what if" page on the rule sets: paste a candidate rule set, see what it would have
done over the last 90 nights beside the rules in force, then publish it (or not) as a new version.
Totals only, with the small-number rule; nothing is written but one audit event."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal import audit
from wellbeing.review.whatif import WHAT_IF_DAYS, what_if_run
from wellbeing.risk.reasons import oh_label
from wellbeing.risk.rules import validate_rules
from wellbeing.risk.selectors import rules_in_force

RULES_MAX_CHARS = 20_000


class WhatIfForm(forms.Form):
    rules = forms.CharField(
        label=_("Candidate rules (JSON)"), max_length=RULES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 80}),
        help_text=_("Starts from the rules in force; change what the new version would change."))

    def clean_rules(self):
        try:
            rules = json.loads(self.cleaned_data["rules"])
        except ValueError as exc:
            raise forms.ValidationError(_("This is not valid JSON.")) from exc
        problems = validate_rules(rules)
        if problems:
            raise forms.ValidationError(problems)
        return rules


def shown(count: int) -> int | str:
    """A total on the page: 0 as it is, 1 to 4 as "<5" (`portal.exports.suppress`), so no figure
    points at one person."""
    from portal.exports import suppress

    return 0 if count == 0 else suppress(count)


def rules_what_if(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = WhatIfForm(request.POST or None, initial={"rules": json.dumps(rules_in_force()[1], indent=2)})
    result = None
    if request.method == "POST" and form.is_valid():
        run = what_if_run(form.cleaned_data["rules"])
        audit.record("ruleset_what_if", detail={"nights": run.nights, "people": run.people})
        result = {
            "nights": run.nights, "people": shown(run.people), "changed": shown(run.people_changed),
            "higher": shown(run.higher_last_night), "lower": shown(run.lower_last_night),
            "reasons": [{"code": code, "label": oh_label(code), "current": shown(a), "candidate": shown(b)}
                        for code, a, b in run.reasons()],
        }
    return TemplateResponse(request, "admin/wellbeing/ruleset/what_if.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "form": form,
        "result": result, "days": WHAT_IF_DAYS, "title": _("What if: try a rule set on the last 90 days"),
    })
