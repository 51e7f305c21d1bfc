"""The test factories draw names that read the same in a page as in Python."""

from html import escape

from portal.tests.factories import plain_name


def test_drawn_names_need_no_html_escaping():
    names = [plain_name(kind) for kind in ("first_name", "last_name") for _ in range(3000)]
    assert all(escape(name) == name for name in names)
    assert len(set(names)) > 100
