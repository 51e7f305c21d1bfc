"""`{{ contact.contact|contact_parts }}`: a support contact's text as parts, numbers as tel:/sms:
links (wellbeing/checkins/contact_links.py)."""

from django import template

from wellbeing.checkins.contact_links import contact_parts as parse

register = template.Library()


@register.filter
def contact_parts(text):
    return parse(text)
