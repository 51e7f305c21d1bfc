"""Screening pages in a real browser (issue 20): axe clean and no sideways scrolling at desktop
width and at 390 px for each role's screening pages, and OH records an appointment by keyboard."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import User
from tests.browser.test_accessibility import DEMO_PASSWORD, SIDEWAYS_INSIDE, a11y_page, axe_violations, demo  # noqa: F401
from wellbeing.models import Screening

PAGES = {
    "demo.officer": ["screening:mine"],
    "demo.supervisor": ["screening:team"],
    "demo.lead": ["screening:lead"],
    "demo.oh": ["screening:oh-list", "screening:oh-record"],
}


@pytest.mark.parametrize("width", [1280, 390])
def test_screening_pages_pass_axe_and_fit_a_phone(demo, a11y_page, sign_in, width):  # noqa: F811
    page = a11y_page
    page.set_viewport_size({"width": width, "height": 900})
    record = Screening.objects.filter(person__username="demo.officer", completed_on__isnull=True).first()
    assert record is not None, "the demo data has an open screening for demo.officer"
    problems = {}
    for username, names in PAGES.items():
        page.context.clear_cookies()
        sign_in(page, User.objects.get(username=username), password=DEMO_PASSWORD)
        for name in names:
            url = reverse(name, args=[record.pk]) if name == "screening:oh-record" else reverse(name)
            response = page.goto(url)
            found = [] if response.status == 200 else [{"id": "status", "help": response.status}]
            found += axe_violations(page)
            if width == 390:
                scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if scroll > 1:
                    found.append({"id": "horizontal-scroll", "help": f"{scroll}px too wide"})
                inside = page.evaluate(SIDEWAYS_INSIDE)
                if inside:
                    found.append({"id": "horizontal-scroll-inside", "help": inside})
            if found:
                problems[f"{username} {url}"] = found
    assert problems == {}, problems


def test_oh_books_an_appointment_by_keyboard(demo, a11y_page, sign_in):  # noqa: F811
    page = a11y_page
    record = Screening.objects.filter(person__username="p.hartley", completed_on__isnull=True).first() or \
        Screening.objects.filter(completed_on__isnull=True, person__organisation__slug="northmoor").first()
    sign_in(page, User.objects.get(username="demo.oh"), password=DEMO_PASSWORD)
    page.goto(reverse("screening:oh-record", args=[record.pk]))
    page.get_by_label("Appointment date").fill("2031-01-01")  # a typo in the year: refused with a message
    page.get_by_label("Appointment time").fill("14:30")
    page.get_by_label("Appointment time").press("Enter")
    page.wait_for_load_state()
    assert "Enter an appointment date within two years of today." in page.content()
    expect(page.locator(".alert-danger, [role=alert]").first).to_be_visible()
    record.refresh_from_db()
    assert record.appointment_at is None
