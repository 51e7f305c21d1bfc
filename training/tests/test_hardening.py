"""Issue 15, the training items: shipped modules are read-only and every change to a module is
audited (item 2), the trainer's list pages are audited (item 6), trainers never see who gave
feedback nor comments from groups under 5 (item 8), partner staff get an invitation to set their
password (item 3) and the enrol form never reveals an address held in another organisation (item 10).
Each test is named after the item it proves and fails on the code before the issue (0d423f7)."""

import json
import re

from portal.models import AuditEvent
from tests.factories import OfficerFactory, UserFactory
from training import services
from training.models import Assignment, Module
from training.tests.factories import QUIZ, answers_for, make_module

EVIL_TITLE = '<a href="https://evil.example">x</a>'


def _shipped(trainer, slug="shipped"):
    """A module as load_training makes it: no owning organisation."""
    module = make_module(trainer, slug=slug)
    Module.objects.filter(pk=module.pk).update(organisation=None)
    module.refresh_from_db()
    return module


def _snapshot(module):
    module.refresh_from_db()
    version = module.current_version
    return (module.status, module.versions.count(), version.title,
            list(version.lessons.values_list("order", "title", "body")),
            list(version.questions.values_list("order", "text")))


def _chart_data(html):
    match = re.search(r'<script id="training-chart-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


# ----------------------------------------------------------------------------- item 2

def test_shipped_modules_read_only_no_trainer_of_any_force_changes_a_shipped_module(
        login, trainer, other_force):
    shipped = _shipped(trainer)
    other_trainer = UserFactory(username="other_trainer", organisation=other_force, is_trainer=True)
    theirs = make_module(other_trainer, slug="theirs")
    before, before_theirs = _snapshot(shipped), _snapshot(theirs)
    for user in (trainer, other_trainer):
        client = login(user)
        base = f"/training/manage/modules/{shipped.pk}"
        assert client.post(f"{base}/status/", {"status": "retired"}).status_code == 403
        assert client.post(f"{base}/status/", {"status": "draft"}).status_code == 403
        assert client.post(f"{base}/", {"title": "Hijacked", "summary": "", "introduction": "", "sources": "",
                                        "duration_minutes": 5, "pass_mark": 1}).status_code == 403
        assert client.get(f"{base}/lessons/1/").status_code == 403
        assert client.post(f"{base}/lessons/1/", {"title": "Hijacked", "body": "Changed"}).status_code == 403
        assert client.post(f"{base}/lessons/new/", {"title": "Extra", "body": "Extra"}).status_code == 403
        assert client.post(f"{base}/lessons/1/delete/").status_code == 403
        assert client.post(f"{base}/check/", {"text": QUIZ}).status_code == 403
    # a module owned by another force is not even visible
    client = login(trainer)
    assert client.post(f"/training/manage/modules/{theirs.pk}/status/", {"status": "retired"}).status_code == 404
    assert client.post(f"/training/manage/modules/{theirs.pk}/lessons/1/delete/").status_code == 404
    assert _snapshot(shipped) == before and _snapshot(theirs) == before_theirs
    assert not AuditEvent.objects.filter(action__startswith="training_module").exclude(
        action="training_module_create").exists()


def test_shipped_modules_read_only_page_offers_an_editable_copy_for_the_trainers_organisation(
        login, trainer, force):
    shipped = _shipped(trainer)
    client = login(trainer)
    html = client.get(f"/training/manage/modules/{shipped.pk}/").content.decode()
    assert f"Make an editable copy for {force.name}" in html
    assert "Save details" not in html and "Change status" not in html
    assert "read-only" in client.get("/training/manage/").content.decode()
    response = client.post(f"/training/manage/modules/{shipped.pk}/copy/", {"organisation": force.pk})
    copy = Module.objects.exclude(pk=shipped.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/training/manage/modules/{copy.pk}/"
    assert copy.organisation == force and copy.status == Module.Status.DRAFT and copy.slug != shipped.slug
    assert _snapshot(copy)[2:] == _snapshot(shipped)[2:]  # same title, lessons and questions
    event = AuditEvent.objects.get(action="training_module_copy")
    assert event.detail == {"module": copy.pk, "version": 1, "source_module": shipped.pk, "source_version": 1}
    # the copy is the trainer's to edit, publish and assign
    client.post(f"/training/manage/modules/{copy.pk}/lessons/1/", {"title": "Ours", "body": "Our text."})
    client.post(f"/training/manage/modules/{copy.pk}/status/", {"status": "published"})
    copy.refresh_from_db()
    assert copy.status == Module.Status.PUBLISHED and copy.current_version.lessons.get(order=1).title == "Ours"
    assert _snapshot(shipped)[3][0][1] == "Lesson 1"


def test_shipped_modules_read_only_a_copy_for_an_organisation_the_trainer_does_not_train_is_refused(
        login, trainer, other_force):
    shipped = _shipped(trainer)
    response = login(trainer).post(f"/training/manage/modules/{shipped.pk}/copy/",
                                   {"organisation": other_force.pk}, follow=True)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Module.objects.count() == 1


def test_shipped_modules_read_only_every_change_to_a_module_is_audited_without_content(login, trainer):
    client = login(trainer)
    client.post("/training/manage/modules/new/", {
        "slug": "audited", "title": "Audited module", "summary": "s", "introduction": "i", "sources": "- src",
        "duration_minutes": 30, "pass_mark": 80,
    })
    module = Module.objects.get(slug="audited")
    base = f"/training/manage/modules/{module.pk}"
    client.post(f"{base}/", {"title": "Renamed module", "summary": "s", "introduction": "i", "sources": "- src",
                             "duration_minutes": 40, "pass_mark": 80})
    client.post(f"{base}/lessons/new/", {"title": "SECRET-LESSON-TITLE", "body": "SECRET-BODY"})
    client.post(f"{base}/lessons/new/", {"title": "Second", "body": "Two"})
    client.post(f"{base}/lessons/1/", {"title": "SECRET-LESSON-TITLE", "body": "SECRET-BODY changed"})
    client.post(f"{base}/lessons/2/delete/")
    client.post(f"{base}/check/", {"text": QUIZ})
    client.post(f"{base}/status/", {"status": "published"})
    client.post(f"{base}/status/", {"status": "retired"})
    events = list(AuditEvent.objects.filter(action__startswith="training_").order_by("pk"))
    assert [(e.action, e.object_id) for e in events] == [
        ("training_module_create", str(module.pk)), ("training_module_edit", str(module.pk)),
        ("training_lesson_add", str(module.pk)), ("training_lesson_add", str(module.pk)),
        ("training_lesson_edit", str(module.pk)), ("training_lesson_delete", str(module.pk)),
        ("training_quiz_replace", str(module.pk)), ("training_module_status", str(module.pk)),
        ("training_module_status", str(module.pk)),
    ]
    assert all(e.actor == trainer and e.detail["module"] == module.pk and e.detail["version"] == 1 for e in events)
    assert events[1].detail["fields"] == ["title", "duration_minutes"]
    assert events[4].detail == {"module": module.pk, "version": 1, "lesson": 1, "fields": ["body"]}
    assert events[6].detail["questions"] == 2
    assert events[8].detail["status_from"] == "published" and events[8].detail["status_to"] == "retired"
    text = json.dumps([e.detail for e in events]) + " ".join(e.reason for e in events)
    for secret in ("SECRET", "Renamed", "Audited module", "Which is right"):
        assert secret not in text


def test_shipped_modules_read_only_html_in_a_module_title_reaches_the_chart_escaped(login, trainer, officer):
    module = make_module(trainer, slug="evil")
    module.current_version.title = EVIL_TITLE
    module.current_version.save()
    services.assignment_create_many(module=module, people=[officer], due_on=None, notify=False)
    html = login(trainer).get("/training/manage/reports/").content.decode()
    labels = [row["label"] for row in _chart_data(html)["completion"]]
    assert labels == ['&lt;a href="https://evil.example"&gt;x&lt;/a&gt;']
    assert EVIL_TITLE not in html  # the tables escape it too


# ----------------------------------------------------------------------------- item 8 (trainer half)

def _complete(module, person, satisfaction=4, comment=""):
    services.assignment_create_many(module=module, people=[person], due_on=None, notify=False)
    assignment = Assignment.objects.get(module=module, person=person, completed_at__isnull=True)
    services.quiz_submit(assignment=assignment, answers=answers_for(module.current_version))
    services.feedback_create(completion=assignment.completion, satisfaction=satisfaction, would_recommend=True,
                             comment=comment)


def _csv(response):
    return b"".join(response.streaming_content).decode()


def test_export_disclosure_a_trainer_never_sees_whether_a_named_person_gave_feedback(login, trainer, module,
                                                                                     officer):
    _complete(module, officer, comment="My own words")
    html = login(trainer).get(f"/training/manage/people/{officer.pk}/").content.decode()
    assert "Feedback given" not in html and "My own words" not in html
    assert "Completed" in html


def test_export_disclosure_comments_from_fewer_than_5_responses_are_hidden_in_pages_and_exports(
        login, trainer, force, team_a):
    small = make_module(trainer, slug="small")
    large = make_module(trainer, slug="large")
    for n in range(4):
        _complete(small, OfficerFactory(organisation=force, team=team_a), comment=f"SMALL-COMMENT-{n}")
    for n in range(5):
        _complete(large, OfficerFactory(organisation=force, team=team_a), comment=f"LARGE-COMMENT-{n}" if n else "")
    client = login(trainer)
    html = client.get("/training/manage/reports/").content.decode()
    hidden = "Fewer than 5 responses: comments hidden to protect anonymity."
    assert "SMALL-COMMENT" not in html and "LARGE-COMMENT-4" in html and hidden in html
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/training/manage/reports/evaluation.{fmt}")
        body = _csv(response) if fmt == "csv" else _xlsx_text(response.getvalue())
        assert "SMALL-COMMENT" not in body and "LARGE-COMMENT-4" in body and hidden in body
    # one more response and the small module's comments appear
    _complete(small, OfficerFactory(organisation=force, team=team_a), satisfaction=3)
    assert "SMALL-COMMENT-0" in client.get("/training/manage/reports/").content.decode()


def _xlsx_text(content):
    import io

    from openpyxl import load_workbook

    rows = load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    return "\n".join(" ".join(str(v) for v in row if v is not None) for row in rows)


# ----------------------------------------------------------------------------- item 6 (trainer half)

def test_audit_completeness_each_render_of_a_trainer_list_page_writes_one_content_free_event(
        login, trainer, module, officer, teammate):
    _complete(module, officer, comment="SECRET-COMMENT")
    client = login(trainer)
    for url in ("/training/manage/people/", "/training/manage/people/?page=1", "/training/manage/reports/"):
        client.get(url)
    events = list(AuditEvent.objects.filter(action="list_viewed").order_by("pk"))
    assert [e.detail["page"] for e in events] == ["training_people", "training_people", "training_reports"]
    assert all(e.actor == trainer and e.subject is None for e in events)
    # trainer, supervisor, 2 officers
    assert events[0].detail == {"page": "training_people", "page_number": 1, "rows": 4}
    assert "comments" not in events[2].detail and events[2].detail["rows"] > 0  # no comments: 0 is left out
    client.get("/training/manage/reports/completion.csv")
    export = AuditEvent.objects.get(action="training_export")
    assert export.detail == {"report": "completion", "format": "csv", "rows": 3}  # module, team, organisation
    text = json.dumps([e.detail for e in AuditEvent.objects.all()])
    assert "SECRET" not in text and "officer" not in text and module.title not in text


# ----------------------------------------------------------------------------- items 3 and 10 (training parts)

def _fire(trainer):
    from portal.models import Organisation

    fire = Organisation.objects.create(name="Testshire Fire", slug="testshire-fire", kind=Organisation.Kind.FIRE)
    trainer.granted_organisations.add(fire)
    return fire


def _enrol(client, organisation, email, first="Bea", last="Crew"):
    return client.post("/training/manage/enrol/", {"organisation": organisation.pk, "first_name": first,
                                                   "last_name": last, "email": email}, follow=True)


def _invitation_link(person):
    from portal.models import Notification

    note = Notification.objects.filter(user=person, dedupe_key__startswith="training-invitation-").latest("pk")
    assert note.email_wanted
    return note.link


def test_logs_and_email_an_enrolled_partner_gets_a_single_use_invitation_to_set_a_password(
        login, trainer, client, settings, mailoutbox, logscan):
    settings.SITE_URL = "https://portal.example.police.uk"
    fire = _fire(trainer)
    html = login(trainer).get("/training/manage/enrol/").content.decode()
    assert "they get an email with a link to set their password" in html and "7 days" in html
    _enrol(login(trainer), fire, "bea.crew@example.invalid")
    person = fire.people.get()
    assert not person.has_usable_password()
    link = _invitation_link(person)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    logscan.secret(token, "invitation token")
    # the email goes through the outbox, with a link built from SITE_URL whatever the Host header was
    from portal.notify import notification_email_attempt

    notification_email_attempt(notification_id=person.notifications.get().pk)
    assert mailoutbox[-1].to == ["bea.crew@example.invalid"]
    assert f"https://portal.example.police.uk{link}" in mailoutbox[-1].body
    client.logout()
    response = client.get(link)
    assert response.status_code == 302 and token not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Set your password" in page and person.username in page
    response = client.post(response["Location"], {"new_password1": "a long new pass phrase 42",
                                                  "new_password2": "a long new pass phrase 42"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a long new pass phrase 42")
    event = AuditEvent.objects.get(action="training_invitation_accepted")
    assert event.subject == person and token not in json.dumps(event.detail) + event.reason
    # single use: the same link no longer works
    again = client.get(link, follow=True).content.decode()
    assert "This invitation has expired or has already been used" in again
    person.refresh_from_db()
    assert person.check_password("a long new pass phrase 42")


def test_logs_and_email_an_invitation_expires_after_7_days(login, trainer, client):
    import datetime as dt
    from unittest import mock

    from training.invitations import invitation_tokens

    fire = _fire(trainer)
    _enrol(login(trainer), fire, "late@example.invalid")
    person = fire.people.get()
    token = _invitation_link(person).rstrip("/").rsplit("/", 1)[-1]
    assert invitation_tokens.check_token(person, token)
    later = dt.datetime.now() + dt.timedelta(days=7, hours=1)  # noqa: DTZ005 - the generator uses naive now
    with mock.patch.object(type(invitation_tokens), "_now", return_value=later):
        assert not invitation_tokens.check_token(person, token)
    client.logout()
    assert client.get(f"/training/invitation/MQ/{token}/").status_code == 200  # wrong person: no redirect
    # a password reset token is not an invitation token
    from django.contrib.auth.tokens import default_token_generator

    assert not invitation_tokens.check_token(person, default_token_generator.make_token(person))


def test_smaller_findings_the_enrol_form_does_not_reveal_an_address_held_in_another_organisation(
        login, trainer, other_force):
    fire = _fire(trainer)
    elsewhere = OfficerFactory(organisation=other_force, email="taken@example.invalid", first_name="Orig")
    elsewhere.set_password("their own password 123")
    elsewhere.save()
    client = login(trainer)
    known = _enrol(client, fire, "taken@example.invalid")
    unknown = _enrol(client, fire, "fresh@example.invalid")

    def shown(response):
        text = response.content.decode().replace("taken@example.invalid", "ADDRESS")
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)  # differs on every render
        return response.status_code, response.redirect_chain, text.replace("fresh@example.invalid", "ADDRESS")

    assert shown(known) == shown(unknown)
    elsewhere.refresh_from_db()
    assert elsewhere.organisation == other_force and elsewhere.first_name == "Orig"
    assert elsewhere.check_password("their own password 123") and not elsewhere.notifications.exists()
    assert list(fire.people.values_list("email", flat=True)) == ["fresh@example.invalid"]


def test_audit_completeness_another_site_cannot_open_a_training_record_and_forge_a_view(login, trainer, officer):
    client = login(trainer)
    refused = client.get(f"/training/manage/people/{officer.pk}/", headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(action="training_record_view").exists()
    assert AuditEvent.objects.filter(action="cross_site_refused").count() == 1
    opened = client.get(f"/training/manage/people/{officer.pk}/", headers={"Sec-Fetch-Site": "same-origin"})
    assert opened.status_code == 200
    assert AuditEvent.objects.filter(action="training_record_view", subject=officer).count() == 1

