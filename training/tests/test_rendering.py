"""Markdown is rendered safely: no raw HTML, no script, no javascript: links."""

from training.rendering import render_markdown


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
