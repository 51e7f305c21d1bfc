"""Markdown to safe HTML for training content, with numbered source markers.

Two layers: the Markdown parser is told not to pass raw HTML through (it is escaped and shows as
text), and the result is then cleaned by nh3 against a short allow-list, so even a parser bug
cannot let a script, a style, an event handler or a javascript: link reach the page.

A marker `[src:key]` (training/citations.py) becomes a superscript number linking to the page's
"Sources" list; numbers follow the order of first use on the page, so one `Citations` object is
shared by everything rendered for that page. A marker whose key the module's sources do not hold
(a trainer's own text, a typing slip) stays as plain text: harmless, never an error."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - builds elements for Markdown; parses nothing

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown.inlinepatterns import InlineProcessor

from training.citations import MARKER_RE, SourceEntry, parse_sources

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "sup",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "aria-label"}, "th": {"scope"}, "ol": {"start"}}
_ITALIC = re.compile(r"\*([^*\n]+)\*")


class Citations:
    """One page's sources and the order in which its text first cites them."""

    def __init__(self, sources_text: str):
        self.sources = parse_sources(sources_text)
        self._order: list[str] = []

    def number(self, key: str) -> int | None:
        if key not in self.sources.entries:
            return None
        if key not in self._order:
            self._order.append(key)
        return self._order.index(key) + 1

    @staticmethod
    def _item(entry: SourceEntry, number: int | None = None) -> dict:
        # The text is escaped first; only then does *Title* become italics.
        text = _ITALIC.sub(r"<em>\1</em>", str(escape(entry.text)))
        return {"number": number, "key": entry.key, "text": mark_safe(text), "url": entry.url}  # noqa: S308 - escaped above

    @property
    def cited(self) -> list[dict]:
        return [self._item(self.sources.entries[k], n) for n, k in enumerate(self._order, start=1)]

    @property
    def uncited(self) -> list[dict]:
        return [self._item(e) for k, e in self.sources.entries.items() if k not in self._order]

    @property
    def notes(self) -> list[str]:
        return self.sources.notes

    @property
    def other(self) -> SafeString:
        return render_markdown(self.sources.other) if self.sources.other else mark_safe("")


class _MarkerProcessor(InlineProcessor):
    def __init__(self, citations: Citations | None):
        super().__init__(MARKER_RE.pattern)
        self.citations = citations

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element, int, int]:  # noqa: N802 - Markdown's name
        key = m.group(1)
        number = self.citations.number(key) if self.citations else None
        if number is None:
            # Unknown: keep the marker as text (nh3 drops the span and keeps its text).
            span = ET.Element("span")
            span.text = m.group(0)
            return span, m.start(0), m.end(0)
        sup = ET.Element("sup")
        link = ET.SubElement(sup, "a", {"href": f"#source-{key}", "aria-label": _("Source %(n)s") % {"n": number}})
        link.text = str(number)
        return sup, m.start(0), m.end(0)


def _parser(citations: Citations | None) -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    # Raw HTML in the source becomes escaped text instead of markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    # Before links and references, so "[src:a][src:b]" is two markers, not a reference link.
    md.inlinePatterns.register(_MarkerProcessor(citations), "source_marker", 175)
    return md


def render_markdown(text: str, citations: Citations | None = None) -> SafeString:
    html = _parser(citations).convert(text or "")
    # Lesson headings start at h2: the page's h1 is the lesson title.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 against the allow-list above
