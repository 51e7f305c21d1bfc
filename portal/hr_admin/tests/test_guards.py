"""The HR import page and the guards of portal.hr.guards: a file that takes away the importing
admin's own admin role, or ticks that would deactivate them or an organisation's last admin, are
refused in plain words with nothing written; a person created between the preview and the apply
(a race) ends on the preview with a plain message and an audit event, never a 500."""

from __future__ import annotations

import html
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse

from portal.hr_admin import views
from portal.hr_admin.tests.test_views import UPLOAD, csv_file, digest_of, file_error, person, post_upload
from portal.models import AuditEvent, HRImportUpload, User
from portal.tests.factories import UserFactory


@pytest.fixture
def me(admin_user):
    """The admin importing (admin_client's user), who came from HR too: a staff number."""
    admin_user.staff_number = "H0009"
    admin_user.save(update_fields=["staff_number"])
    return admin_user


def preview_of(client, *rows, full="no"):
    response = post_upload(client, csv_file(*rows), full=full)
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = HRImportUpload.objects.get()
    return upload, client.get(response["Location"])


def test_a_file_removing_my_own_admin_role_is_a_blocking_problem_on_the_preview(admin_client, me, team_a):
    UserFactory(organisation=me.organisation, is_staff=True)  # another admin: only my own role is at stake
    upload, preview = preview_of(admin_client, person(9, roles="officer"))
    page = preview.content.decode()
    assert "this file removes your own admin role" in page and "Apply this import" not in page

    admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": digest_of(preview)})

    me.refresh_from_db()
    assert me.is_staff and HRImportUpload.objects.get().applied_at is None


def test_the_last_admin_of_the_organisation_is_named_on_the_preview(admin_client, me, team_a):
    UserFactory(organisation=None, is_staff=True, is_superuser=True)  # an admin of no organisation does not count
    _upload, preview = preview_of(admin_client, person(9, roles="officer"))
    assert "After this import Testshire Constabulary would have no active admin" in preview.content.decode()


def test_ticking_myself_as_not_in_this_file_is_refused_on_the_form(admin_client, me, team_a):
    UserFactory(organisation=me.organisation, is_staff=True, staff_number="H0008")
    upload, preview = preview_of(admin_client, person(1), person(8, roles="officer;admin"), full="yes")
    assert "Apply this import" in preview.content.decode()

    response = admin_client.post(reverse("hr_import:preview", args=[upload.pk]),
                                 {"digest": digest_of(preview), "deactivate_all": "on"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "You are among the people not in this file: you cannot deactivate your own account" in page
    assert User.objects.get(pk=me.pk).is_active and not User.objects.filter(staff_number="H0001").exists()


def test_ticking_the_last_admin_as_not_in_this_file_is_refused_on_the_form(admin_client, me, team_a, force):
    other = UserFactory(organisation=force, is_staff=True, staff_number="H0008")
    User.objects.filter(pk=me.pk).update(staff_number="")  # I am not in any HR file; the force's admin is
    upload, preview = preview_of(admin_client, person(1), full="yes")
    User.objects.filter(pk=me.pk).update(organisation=None)  # and I am an admin of no organisation

    response = admin_client.post(reverse("hr_import:preview", args=[upload.pk]),
                                 {"digest": digest_of(preview), "deactivate": [other.pk]})

    assert "would have no active admin" in response.content.decode()
    assert User.objects.get(pk=other.pk).is_active


def test_a_person_created_between_preview_and_apply_is_a_plain_message_not_a_500(admin_client, team_a, force):
    upload, preview = preview_of(admin_client, person(1), person(2))
    real = views.plan_upload

    def plan_then_clash(*args, **kwargs):
        planned = real(*args, **kwargs)
        UserFactory(organisation=force, staff_number="H0002")  # another admin, in the same instant
        return planned

    with mock.patch.object(views, "plan_upload", plan_then_clash):
        response = admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": digest_of(preview)})

    assert response.status_code == 200
    assert ("Someone changed the people in the portal since this preview; upload the file again to see a fresh "
            "preview.") in response.content.decode()
    assert not User.objects.filter(staff_number="H0001").exists()
    upload.refresh_from_db()
    assert upload.applied_at is None and bytes(upload.data)
    failed = AuditEvent.objects.get(action="hr_import_failed")
    assert failed.detail == {"sha256": upload.sha256, "reason": "PlanOutdated"}
    assert not AuditEvent.objects.filter(action="hr_import_applied").exists()


@override_settings(HR_IMPORT_PAGE_MAX_ROWS=3)
def test_the_page_states_its_row_limit_and_refuses_a_larger_file_pointing_to_the_command(admin_client, team_a):
    page = admin_client.get(UPLOAD).content.decode()
    assert "This page takes a file of at most 3 people" in page and "manage.py import_people" in page

    response = post_upload(admin_client, csv_file(*[person(n) for n in range(1, 5)]), full="yes")

    assert response.status_code == 200 and not HRImportUpload.objects.exists()
    assert html.unescape(file_error(response.content.decode())).startswith(
        "The file has more than 3 people, the most this page takes: applying more would take longer than a web "
        "page may wait. Ask whoever runs the portal's server to import it with manage.py import_people")
    assert AuditEvent.objects.filter(action="hr_import_rejected").count() == 1
    assert post_upload(admin_client, csv_file(*[person(n) for n in range(1, 4)])).status_code == 302  # 3 is fine
