"""Markdown is rendered safely: no raw HTML, no script, no javascript: links."""

from training.citations import parse_sources
from training.rendering import Citations, render_markdown


def test_script_tags_are_never_rendered_as_markup():
    html = render_markdown("Hello <script>alert('x')</script> world")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_raw_html_blocks_and_event_handlers_are_escaped():
    html = render_markdown('<div onclick="steal()">hi</div>\n\n<img src=x onerror=alert(1)>')
    assert "<div" not in html and "<img" not in html
    assert "onclick=" not in html.replace("&quot;", '"').split("&lt;div")[0]


def test_javascript_links_lose_their_target_but_ordinary_links_keep_it():
    html = render_markdown("[bad](javascript:alert(1)) and [good](https://example.org)")
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html


def test_markdown_formatting_survives():
    html = render_markdown("# Heading\n\n**bold** and a list:\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h2>Heading</h2>" in html  # h1 is reserved for the page title
    assert "<strong>bold</strong>" in html and "<li>one</li>" in html and "<td>1</td>" in html


# ----------------------------------------------------------------------------- source markers

SOURCES = """- [report] Invented Group, *A report* (section two). https://example.org/report
- [guide] Invented Charity, *A guide*. https://example.org/guide
> Note: one suggestion is offered, not cited.
"""


def test_a_marker_becomes_a_numbered_superscript_link_to_its_source():
    citations = Citations(SOURCES)
    html = render_markdown("Breaks help [src:guide].", citations)
    assert '<sup><a aria-label="Source 1" href="#source-guide"' in html and ">1</a></sup>." in html
    assert "[src:" not in html
    (entry,) = citations.cited
    assert entry["number"] == 1 and entry["url"] == "https://example.org/guide"


def test_numbers_follow_the_order_of_first_use_across_everything_on_the_page():
    citations = Citations(SOURCES)
    first = render_markdown("One [src:guide][src:report].", citations)
    second = render_markdown("Again [src:report] and [src:guide].", citations)
    assert first.index('href="#source-guide"') < first.index('href="#source-report"')
    assert 'aria-label="Source 2" href="#source-report"' in second
    assert 'aria-label="Source 1" href="#source-guide"' in second
    assert [e["key"] for e in citations.cited] == ["guide", "report"] and citations.uncited == []


def test_an_unknown_marker_or_one_without_sources_stays_as_plain_text():
    assert "Claim [src:missing]." in render_markdown("Claim [src:missing].", Citations(SOURCES))
    html = render_markdown("A trainer's claim [src:own].")  # no sources at all
    assert "[src:own]" in html and "<sup>" not in html


def test_marker_syntax_cannot_smuggle_markup():
    citations = Citations(SOURCES)
    html = render_markdown('Text [src:guide"><script>x</script>] and [src:<b>]', citations)
    assert "<script" not in html and "<b>" not in html and "<sup>" not in html


def test_source_entries_are_escaped_and_only_their_asterisks_become_italics():
    citations = Citations('- [x] Evil <img src=x onerror=alert(1)>, *Title* "q". https://example.org/x\n'
                          '- [y] No address given\n')
    render_markdown("[src:x]", citations)
    (cited,) = citations.cited
    assert str(cited["text"]) == "Evil &lt;img src=x onerror=alert(1)&gt;, <em>Title</em> &quot;q&quot;."
    (uncited,) = citations.uncited
    assert uncited["key"] == "y" and uncited["url"] == ""


def test_the_sources_parser_reads_keys_urls_notes_and_keeps_other_lines():
    parsed = parse_sources(SOURCES + "- An old-style entry without a key\n")
    assert list(parsed.entries) == ["report", "guide"]
    assert parsed.entries["report"].text == "Invented Group, *A report* (section two)."
    assert parsed.entries["report"].url == "https://example.org/report"
    assert parsed.notes == ["one suggestion is offered, not cited."]
    assert parsed.other == "- An old-style entry without a key"


def test_a_javascript_address_in_sources_is_not_taken_as_a_url():
    parsed = parse_sources("- [x] Title javascript:alert(1)")
    assert parsed.entries["x"].url == "" and "javascript" in parsed.entries["x"].text
