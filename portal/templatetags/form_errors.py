"""`{% error_summary form other_form %}` puts the GOV.UK error summary at the top of a form page;
`{% page_has_form_errors as x %}` tells base.html to start the page title with "Error: ".

The summary (templates/portal/_error_summary.html) takes any number of forms, formsets or dicts of
them (e.g. one form per role, of which only the one sent is bound), and `extra=` for page-level
problems that belong to no form."""

from django import template
from django.utils.functional import Promise

from portal.form_errors import error_items, has_form_errors

register = template.Library()


@register.inclusion_tag("portal/_error_summary.html")
def error_summary(*forms, extra=None):
    extras = [extra] if isinstance(extra, str | Promise) else list(extra or [])
    return {"error_items": error_items(forms, extras)}


@register.simple_tag(takes_context=True)
def page_has_form_errors(context) -> bool:
    """True when the page's context holds a bound form with errors: generic, so every form page in
    the portal gets "Error: " in its title without saying so itself."""
    return has_form_errors(context.flatten().values())
