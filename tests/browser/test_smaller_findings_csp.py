"""Issue 15, item 10 (styles): in Chromium, pages without charts render under `style-src 'self'`
with no Content Security Policy violation (our templates, Bootstrap's script and the admin use no
inline style); the training progress bar still shows its width, now from a class."""

import re

from playwright.sync_api import expect

from training import services
from training.models import Assignment
from training.tests.factories import make_module


def _violations(page, urls):
    seen = {}
    page.on("console", lambda m: seen.setdefault(page.url, []).append(m.text)
            if "Content Security Policy" in m.text else None)
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    return seen


def test_smaller_findings_pages_without_charts_have_no_csp_violation(
        transactional_db, page, sign_in, officer, trainer, admin_user):
    module = make_module(trainer)
    services.assignment_create_many(module=module, people=[officer], due_on=None)
    assignment = Assignment.objects.get(person=officer)
    sign_in(page, officer)
    seen = _violations(page, ["/", "/training/", "/wellbeing/checkin/phq9/", "/accounts/security/",
                              f"/training/{assignment.pk}/"])
    page.goto("/training/")
    bar = page.locator(".progress-bar").first
    expect(bar).to_have_attribute("class", re.compile(r"^progress-bar progress-step-"))
    assert page.evaluate("getComputedStyle(document.querySelector('.progress-bar')).width") is not None
    page.context.clear_cookies()
    sign_in(page, admin_user)
    seen.update(_violations(page, ["/admin/", "/admin/portal/user/", f"/admin/portal/user/{officer.pk}/change/",
                                   "/admin/portal/team/"]))
    assert seen == {}
