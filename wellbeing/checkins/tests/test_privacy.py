"""Check-in answers and comments are seen by the officer (and, through OH's own pages, by OH):
no page shows them to a supervisor, a trainer, another officer or an admin."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from wellbeing.tests.helpers import make_checkin

COMMENT = "zebra-quartz-comment"


# The monitoring endpoints answer with counters and ages that change from one request to the next,
# and only ever numbers (portal/tests/test_ops_endpoints.py): a before/after crawl cannot compare them.
MONITORING = {"/metrics", "/readyz", "/healthz"}


def every_url(checkin_pk):
    """Every non-admin URL of the site but the monitoring endpoints, with check-in ids and
    questionnaire codes filled in."""
    urls = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith("admin/"):
                    continue
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                path = prefix + route
                path = path.replace("<int:pk>", str(checkin_pk)).replace("<slug:code>", "phq9")
                if "<" in path or "^" in path:
                    continue
                urls.append("/" + path)

    walk(get_resolver().url_patterns)
    return sorted(set(urls) - MONITORING)


@pytest.fixture
def sensitive(officer):
    return make_checkin(officer, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0], comment=COMMENT, share=True)


@pytest.mark.parametrize("persona", ["supervisor", "trainer", "teammate", "outsider", "admin_user"])
def test_no_page_shows_a_check_in_to_anyone_but_its_officer(request, client, sensitive, persona):
    client.force_login(request.getfixturevalue(persona))
    urls = every_url(sensitive.pk)
    assert f"/wellbeing/checkins/{sensitive.pk}/" in urls and "/team/" in urls
    for url in urls + ["/admin/", "/admin/wellbeing/"]:
        response = client.post(url) if url.endswith("/sharing/") else client.get(url)
        html = response.getvalue().decode(errors="replace")
        assert COMMENT not in html, url
        assert "Your score:" not in html, url
        assert 'id="answers-heading"' not in html and "<strong>Nearly every day</strong>" not in html, url
        if url.startswith("/wellbeing/checkins/"):
            assert response.status_code in (403, 404), url


def test_the_admin_has_no_check_in_pages(client, admin_user, sensitive):
    client.force_login(admin_user)
    assert client.get("/admin/wellbeing/checkin/").status_code == 404
    assert client.get(f"/admin/wellbeing/checkin/{sensitive.pk}/change/").status_code == 404
    assert client.get("/admin/wellbeing/supportcontact/").status_code == 200
    assert client.get("/admin/wellbeing/checkinschedule/").status_code == 200


def test_the_officer_sees_their_own_answers_and_comment(client, officer, sensitive):
    client.force_login(officer)
    html = client.get(f"/wellbeing/checkins/{sensitive.pk}/").content.decode()
    assert COMMENT in html and "Your score: 24 out of 27" in html and "Nearly every day" in html


def test_check_ins_never_put_answers_in_a_url(client, officer, sensitive):
    client.force_login(officer)
    html = client.get("/wellbeing/").content.decode()
    html += client.get(f"/wellbeing/checkins/{sensitive.pk}/").content.decode()
    assert "q1=" not in html and COMMENT not in client.get("/wellbeing/").content.decode()
    form = client.get("/wellbeing/checkin/phq9/").content.decode()
    assert 'method="post"' in form and 'method="get"' not in form


# ----------------------------------------------------------------------------- the sentinel crawl,
# extended (issue 15, acceptance): a check-in submitted through the real form (so its flags,
# notifications and emails all happen), then chart data, exports, the admin, notification texts and
# emails are searched for its comment, its answers and its clinical reason.

SENTINEL = "sentinel-crawl-quokka-comment"
ANSWER_LABELS = ["Several days", "More than half the days", "Nearly every day"]
URGENT_ANSWERS = [3, 3, 3, 3, 3, 3, 3, 3, 1]


@pytest.fixture
def submitted(client, officer, supervisor, oh, django_capture_on_commit_callbacks):
    from wellbeing.tests.helpers import form_data

    client.force_login(officer)
    data = form_data(client, "phq9", URGENT_ANSWERS, comment=SENTINEL, share_comment_with_oh="on")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/wellbeing/checkin/phq9/", data)
    assert response.status_code == 302
    client.logout()
    from wellbeing.models import CheckIn, Flag

    checkin = CheckIn.objects.get(comment=SENTINEL)
    assert Flag.objects.filter(officer=officer, reason_code="phq9_item9").exists()
    return checkin


def _json_blocks(html):
    import json
    import re

    return [json.loads(m) for m in re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', html, re.S)]


def _walk(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield path + "/" + str(k), k
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(value, list):
        yield path, value
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}/{i}")
    else:
        yield path, value


@pytest.mark.parametrize("persona", ["supervisor", "trainer", "teammate", "outsider", "admin_user"])
def test_sentinel_crawl_chart_data_and_json_carry_no_check_in(request, client, submitted, persona):
    client.force_login(request.getfixturevalue(persona))
    urls = every_url(submitted.pk)
    blocks = 0
    for url in urls:
        for accept in ("text/html", "application/json"):
            response = client.get(url, HTTP_ACCEPT=accept)
            if response.get("Content-Type", "").startswith("application/json"):
                import json

                found = [json.loads(response.content)]
            elif response.get("Content-Type", "").startswith("text/html"):
                found = _json_blocks(response.content.decode(errors="replace"))
            else:
                found = []
            blocks += len(found)
            for data in found:
                for path, value in _walk(data):
                    assert value not in ("answers", "comment", "phq9_item9", URGENT_ANSWERS), (url, path)
                    assert not (isinstance(value, str) and (SENTINEL in value or value in ANSWER_LABELS)), (url, path)
    if persona == "supervisor":
        assert blocks > 0  # the team charts were crawled


def _export_text(response):
    import io
    import zipfile

    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # XLSX: every part of the workbook
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return "".join(book.read(name).decode(errors="replace") for name in book.namelist())
    return body.decode(errors="replace")


def test_sentinel_crawl_exports_carry_no_comment(client, submitted, supervisor, trainer, oh):
    downloads = [(supervisor, "/team/export.csv", {})]
    downloads += [(trainer, f"/training/manage/reports/{report}.{fmt}", {})
                  for report in ("completion", "evaluation", "reach") for fmt in ("csv", "xlsx")]
    downloads += [(oh, "/oh/reports/export/", {"report": report, "format": fmt})
                  for report in ("checkins", "summary") for fmt in ("csv", "xlsx")]
    for user, url, params in downloads:
        client.force_login(user)
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        text = _export_text(response)
        assert SENTINEL not in text, (url, params)
        if user != oh:  # OH's pseudonymised cohort rows carry scores and bands by design, never a comment
            assert "phq9_item9" not in text and not any(label in text for label in ANSWER_LABELS), (url, params)


def test_sentinel_crawl_no_admin_page_shows_the_check_in(client, submitted, admin_user):
    from portal.tests.test_admin_configuration_only import _admin_pages

    client.force_login(admin_user)
    pages = _admin_pages(client)
    assert "/admin/portal/notification/" in pages and "/admin/portal/auditevent/" in pages
    for url, response in pages.items():
        html = response.content.decode(errors="replace")
        assert SENTINEL not in html, url
        assert "phq9_item9" not in html, url
        assert not any(f"<td>{label}</td>" in html or f">{label}<" in html for label in ANSWER_LABELS), url


def test_sentinel_crawl_notifications_and_emails_carry_no_answer_or_comment(submitted, supervisor, oh):
    from django.core import mail

    from portal.models import Notification

    notes = list(Notification.objects.all())
    assert {n.user for n in notes} >= {supervisor, oh}
    assert mail.outbox, "the urgent notice to OH was emailed"
    texts = [f"{n.title}\n{n.body}\n{n.link}" for n in notes]
    for message in mail.outbox:
        texts.append(f"{message.subject}\n{message.body}")
        texts += [content for content, _mime in getattr(message, "alternatives", [])]
    for text in texts:
        assert SENTINEL not in text
        assert "phq9_item9" not in text and "Your score" not in text
        assert not any(label in text for label in ANSWER_LABELS), text
        assert "?q1=" not in text and "answers" not in text.lower()
