"""`{% plotly_script "js/<page's chart script>.js" %}`: the one way a page loads plotly.

It loads plotly's basic bundle (scatter and bar, all our charts draw; static/vendor/README.md says
where it comes from) and then the page's chart script, both deferred: the browser shows the text and
tables first and draws the charts once the page is parsed, in that order.

plotly.js injects <style> elements for its charts (checked in Chromium: under `style-src 'self'`
every chart logs "Cannot addRelatedStyleRule, probably due to strict CSP"). So a page that loads
it, and only such a page, gets 'unsafe-inline' in style-src (portal/middleware.py); every other
page allows no inline style at all. Scripts stay 'self' only: the basic bundle has no eval and no
`new Function` (tests/test_page_weight_static.py checks).

`{% line_chart chart %}` draws a simple line chart as SVG on the server instead (portal/linechart.py):
no script at all, so a start page that shows one stays fast on a phone (issue 17)."""

from datetime import date

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from portal import linechart

register = template.Library()

PLOTLY = "vendor/plotly/plotly-basic.min.js"


@register.simple_tag(takes_context=True)
def plotly_script(context, chart_script):
    request = context.get("request")
    if request is not None:
        request.csp_inline_styles_for_charts = True
    return format_html('<script src="{}" defer></script>\n<script src="{}" defer></script>',
                       static(PLOTLY), static(chart_script))


@register.inclusion_tag("portal/_line_chart.html")
def line_chart(chart):
    """`{% line_chart chart %}`: a chart drawn on the server as SVG, with no script (portal/linechart.py).
    `chart` holds "dates" (ISO strings, ascending), "loads", "title" and "axis"."""
    days = [date.fromisoformat(d) for d in chart["dates"]]
    return {"geometry": linechart.line_chart(days, chart["loads"]), "title": chart["title"], "axis": chart["axis"]}
