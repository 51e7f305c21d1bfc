"""`{% plotly_script %}`: the one way a page loads plotly.

plotly.js, even its strict bundle, injects <style> elements for its charts (checked in Chromium:
under `style-src 'self'` every chart logs "Cannot addRelatedStyleRule, probably due to strict
CSP"). So a page that loads it, and only such a page, gets 'unsafe-inline' in style-src
(portal/middleware.py); every other page allows no inline style at all. Scripts stay 'self' only."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def plotly_script(context):
    request = context.get("request")
    if request is not None:
        request.csp_inline_styles_for_charts = True
    return format_html('<script src="{}"></script>', static("vendor/plotly/plotly-strict.min.js"))
