"""The HR import page: upload -> preview -> confirm -> result, through the real reader and planner
(portal.hr), and every way a file or a confirmation can go wrong ending on a page that says so."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from portal.hr_admin import columns
from portal.hr_admin.uploads import uploads_clear_old
from portal.models import AuditEvent, HRImportUpload, User
from portal.tests.factories import UserFactory

HEADER = "staff_number,given_name,family_name,email,organisation,unit,team,roles,supervises"
UPLOAD = reverse("hr_import:upload")


def csv_file(*rows: str, header: str = HEADER, name: str = "people.csv", encoding: str = "utf-8"):
    return SimpleUploadedFile(name, "\r\n".join([header, *rows]).encode(encoding), content_type="text/csv")


def person(n: int, *, team: str = "A", roles: str = "officer", org: str = "testshire", extra: str = "") -> str:
    return f"H{n:04d},Given{n},Family{n},given{n}@example.invalid,{org},Response,{team},{roles},{extra}"


def post_upload(client, file, *, organisation="", full="no"):
    return client.post(UPLOAD, {"file": file, "organisation": organisation, "full": full})


def file_error(page: str) -> str:
    found = re.search(r'<div id="id_file_error" class="invalid-feedback">(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""


def digest_of(response) -> str:
    return re.search(r'name="digest" value="([0-9a-f]{64})"', response.content.decode()).group(1)


@pytest.fixture
def uploaded(admin_client, force, team_a):
    """An upload of two new people, previewed: (upload, preview response)."""
    two = csv_file(person(1), person(2, roles="officer;supervisor", extra="Response / A"))
    response = post_upload(admin_client, two)
    assert response.status_code == 302, response.content.decode()[:3000]
    upload = HRImportUpload.objects.get()
    return upload, admin_client.get(response["Location"])


def test_an_admin_uploads_previews_and_applies_a_file(admin_client, uploaded):
    upload, preview = uploaded
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Given1 Family1" in page and "Given2 Family2" in page and "Apply this import" in page
    assert not User.objects.filter(staff_number="H0001").exists()  # nothing written by the preview

    done = admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": digest_of(preview)})

    assert done.status_code == 302 and done["Location"] == reverse("hr_import:done", args=[upload.pk])
    created = User.objects.get(staff_number="H0002")
    assert created.team.name == "A" and created.is_supervisor and created.team.supervisors.filter(pk=created.pk)
    result = admin_client.get(done["Location"]).content.decode()
    assert "Import applied" in result and "People created" in result


def test_the_stored_upload_is_cleared_after_apply(admin_client, uploaded):
    upload, preview = uploaded
    assert bytes(HRImportUpload.objects.get().data)  # kept server-side between preview and confirm
    admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": digest_of(preview)})
    upload.refresh_from_db()
    assert bytes(upload.data) == b"" and upload.applied_at is not None and upload.result["creates"] == 2
    # A second confirmation (a double click, the back button) applies nothing again.
    again = admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": digest_of(preview)})
    assert again["Location"] == reverse("hr_import:done", args=[upload.pk])
    assert User.objects.filter(staff_number__startswith="H").count() == 2


def test_the_file_never_travels_in_the_session_or_the_url(admin_client, uploaded):
    upload, _preview = uploaded
    session = admin_client.session
    assert all("Given1" not in str(value) and "H0001" not in str(value) for value in session.values())
    assert re.fullmatch(r"/hr-import/\d+/", reverse("hr_import:preview", args=[upload.pk]))


def test_confirming_after_the_portal_changed_shows_the_new_preview(admin_client, uploaded, force):
    upload, preview = uploaded
    # Meanwhile someone creates one of the file's people by hand: the file would now update them.
    UserFactory(username="by-hand", organisation=force, staff_number="H0001", first_name="Other")

    response = admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": digest_of(preview)})

    page = response.content.decode()
    assert response.status_code == 200 and "Something changed in the portal since your preview" in page
    assert digest_of(response) != digest_of(preview) and "People to update" in page
    assert not User.objects.filter(staff_number="H0002").exists()  # nothing applied
    upload.refresh_from_db()
    assert upload.applied_at is None
    assert AuditEvent.objects.filter(action="hr_import_plan_changed").count() == 1
    # Confirming the new preview applies it.
    admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": digest_of(response)})
    assert User.objects.get(staff_number="H0001").first_name == "Given1"


def test_row_errors_are_listed_by_row_and_column_and_block_the_import(admin_client, force, team_a):
    bad_date = person(2) + ",,2024-13-45"
    rows = [person(1), bad_date, person(3, roles="officer;sheriff")]
    header = HEADER + ",high_risk_role,high_risk_role_since"
    response = post_upload(admin_client, csv_file(*[r if r.count(",") == 10 else r + ",," for r in rows],
                                                  header=header))
    preview = admin_client.get(response["Location"])
    page = preview.content.decode()
    assert "Fix these rows and upload the file again." in page
    assert re.search(r'<th scope="row"[^>]*>3</th><td[^>]*><code>high_risk_role_since</code>', page)
    assert re.search(r'<th scope="row"[^>]*>4</th><td[^>]*><code>roles</code>', page)
    assert "Apply this import" not in page
    # Even a hand-made confirmation applies nothing.
    upload = HRImportUpload.objects.get()
    admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": "0" * 64})
    assert not User.objects.filter(staff_number__startswith="H").exists()


BAD_FILES = {
    "empty": (lambda: SimpleUploadedFile("people.csv", b""), "The file is empty"),
    "wrong type": (lambda: SimpleUploadedFile("people.pdf", b"%PDF-1.4 ..."), "must be a CSV (.csv) or an Excel"),
    "too big": (lambda: csv_file(*[person(n) for n in range(1, 40)]), "the largest the page takes is"),
    "UTF-16": (lambda: SimpleUploadedFile("people.csv", HEADER.encode("utf-16") + b"\r\n\x00\xff"),
               "The header row has no column"),
    "undecodable bytes": (lambda: SimpleUploadedFile("people.csv", HEADER.encode() + b"\r\nH1,\x81\x8d\xff\xfe"),
                          "text could not be read"),
    "missing column": (lambda: csv_file(person(1), header=HEADER.replace("email,", "")), "email"),
    "not a workbook": (lambda: SimpleUploadedFile("people.xlsx", b"PK\x03\x04 broken zip"),
                       "could not be read as an XLSX workbook"),
    "header only": (lambda: csv_file(), "no people"),
}


@pytest.mark.parametrize("case", BAD_FILES)
@override_settings(HR_IMPORT_MAX_BYTES=1000)
def test_a_bad_file_is_shown_on_the_form_keeping_the_other_fields(admin_client, force, case):
    make, words = BAD_FILES[case]
    response = post_upload(admin_client, make(), organisation=str(force.pk), full="yes")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert words in file_error(page), file_error(page)
    assert f'<option value="{force.pk}" selected>' in page
    assert re.search(r'value="yes"[^>]*checked', page)
    assert not HRImportUpload.objects.exists()


def test_a_windows_1252_file_is_read(admin_client, force, team_a):
    response = post_upload(admin_client, csv_file(person(1).replace("Given1", "Siân"), encoding="cp1252"))
    assert "Siân Family1" in admin_client.get(response["Location"]).content.decode()


def test_a_workbook_is_read_too(admin_client, force, team_a):
    from portal.exports import xlsx_bytes

    data = xlsx_bytes(HEADER.split(","), [person(1).split(",")], title="People")
    response = post_upload(admin_client, SimpleUploadedFile("people.xlsx", data))
    assert response.status_code == 302
    assert "Given1 Family1" in admin_client.get(response["Location"]).content.decode()


def test_a_full_import_lists_people_missing_and_deactivates_only_those_ticked(admin_client, force, team_a):
    stays = UserFactory(organisation=force, staff_number="OLD1")
    goes = UserFactory(organisation=force, staff_number="OLD2")
    response = post_upload(admin_client, csv_file(person(1)), organisation=str(force.pk), full="yes")
    preview = admin_client.get(response["Location"])
    page = preview.content.decode()
    assert "Not in this file" in page and "OLD1" in page and "OLD2" in page
    assert not re.search(r'name="deactivate" value="\d+"[^>]* checked', page)  # none ticked by default

    upload = HRImportUpload.objects.get()
    admin_client.post(reverse("hr_import:preview", args=[upload.pk]),
                      {"digest": digest_of(preview), "deactivate": [goes.pk]})

    stays.refresh_from_db()
    goes.refresh_from_db()
    assert stays.is_active and not goes.is_active
    assert User.objects.filter(pk=goes.pk).exists()  # deactivated, not deleted


def test_a_tick_for_someone_not_missing_is_refused(admin_client, force, team_a, officer):
    UserFactory(organisation=force, staff_number="OLD1")
    response = post_upload(admin_client, csv_file(person(1)), organisation=str(force.pk), full="yes")
    preview = admin_client.get(response["Location"])
    upload = HRImportUpload.objects.get()
    refused = admin_client.post(reverse("hr_import:preview", args=[upload.pk]),
                                {"digest": digest_of(preview), "deactivate": [officer.pk]})
    assert refused.status_code == 200 and "no longer missing from the file" in refused.content.decode()
    officer.refresh_from_db()
    assert officer.is_active and not User.objects.filter(staff_number="H0001").exists()


def test_people_without_the_admin_role_get_403(client, officer, supervisor, oh):
    for person_ in (officer, supervisor, oh):
        client.force_login(person_)
        assert client.get(UPLOAD).status_code == 403


def test_staff_without_the_permission_to_add_and_change_people_get_403(client, force):
    staff = UserFactory(organisation=force, is_staff=True)
    client.force_login(staff)
    assert client.get(UPLOAD).status_code == 403
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["add_user", "change_user"]))
    staff = User.objects.get(pk=staff.pk)
    client.force_login(staff)
    assert client.get(UPLOAD).status_code == 200


def test_an_admin_without_the_second_factor_is_sent_to_it(unverified_client, admin_user):
    unverified_client.force_login(admin_user)
    response = unverified_client.get(UPLOAD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")


def test_another_admins_upload_is_not_found(admin_client, uploaded, client, force):
    upload, _preview = uploaded
    other = UserFactory(organisation=force, is_staff=True, is_superuser=True)
    client.force_login(other)
    assert client.get(reverse("hr_import:preview", args=[upload.pk])).status_code == 404
    assert client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": "0" * 64}).status_code == 404
    assert client.get(reverse("hr_import:done", args=[upload.pk])).status_code == 404


def test_the_upload_and_the_apply_are_audited_without_personal_data(admin_client, uploaded, admin_user):
    upload, preview = uploaded
    admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": digest_of(preview)})
    uploaded_event = AuditEvent.objects.get(action="hr_import_uploaded")
    applied = AuditEvent.objects.get(action="hr_import_applied")
    assert uploaded_event.actor_id == admin_user.pk and applied.actor_id == admin_user.pk
    assert uploaded_event.detail["sha256"] == upload.sha256 == applied.detail["sha256"]
    assert applied.detail["counts"]["creates"] == 2
    for event in (uploaded_event, applied):
        text = str(event.detail) + event.reason
        assert "Given" not in text and "example.invalid" not in text and "H000" not in text


def test_a_new_upload_replaces_the_admins_earlier_one_not_yet_applied(admin_client, uploaded):
    first, _preview = uploaded
    response = post_upload(admin_client, csv_file(person(9)))
    assert not HRImportUpload.objects.filter(pk=first.pk).exists()
    assert admin_client.get(reverse("hr_import:preview", args=[first.pk])).status_code == 404
    assert HRImportUpload.objects.get().pk == int(response["Location"].strip("/").split("/")[-1])


def test_a_rejected_file_is_audited_by_size_only(admin_client, force):
    post_upload(admin_client, SimpleUploadedFile("people.csv", b"nonsense;\r\n"))
    event = AuditEvent.objects.get(action="hr_import_rejected")
    assert set(event.detail) == {"bytes", "problems"}


def test_uploads_older_than_a_day_are_deleted_at_the_next_upload_and_daily(admin_client, uploaded, force):
    old, _preview = uploaded
    HRImportUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    someone_else = HRImportUpload.objects.create(data=b"x", filename="x.csv", sha256="0" * 64,
                                                 uploaded_by=UserFactory(organisation=force, is_staff=True))
    HRImportUpload.objects.filter(pk=old.pk).update(uploaded_by=someone_else.uploaded_by)
    post_upload(admin_client, csv_file(person(7)))
    assert not HRImportUpload.objects.filter(pk=old.pk).exists() and HRImportUpload.objects.count() == 2
    assert uploads_clear_old(now=timezone.now() + timedelta(hours=25)) == 2

    from wellbeing.tasks import retention_sweep

    post_upload(admin_client, csv_file(person(8)))
    HRImportUpload.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert retention_sweep.delay().get()["hr_import_uploads"] == 1 and not HRImportUpload.objects.exists()


def test_the_templates_have_the_columns_and_read_without_errors(admin_client):
    from openpyxl import load_workbook

    from portal.hr import COLUMNS, read_file

    csv_response = admin_client.get(reverse("hr_import:template_csv"))
    data = b"".join(csv_response.streaming_content) if csv_response.streaming else csv_response.content
    assert data.decode("utf-8-sig").splitlines()[0].split(",") == list(COLUMNS) == columns.header()
    assert read_file(data, "template.csv").errors == []

    xlsx = admin_client.get(reverse("hr_import:template_xlsx"))
    body = b"".join(xlsx.streaming_content)
    sheet = load_workbook(__import__("io").BytesIO(body), read_only=True).active
    assert [c for c in next(sheet.iter_rows(values_only=True))] == list(COLUMNS)
    assert read_file(body, "template.xlsx").errors == []


def test_the_page_explains_every_column(admin_client):
    from portal.hr import COLUMNS

    page = admin_client.get(UPLOAD).content.decode()
    assert all(f"<code>{name}</code>" in page for name in COLUMNS)
    assert "docs/onboarding.md" in page and reverse("hr_import:template_xlsx") in page


def test_the_admin_index_links_to_the_import(admin_client):
    assert UPLOAD in admin_client.get(reverse("admin:index")).content.decode()


def test_the_preview_makes_as_many_queries_for_many_rows_as_for_few(admin_client, force, team_a,
                                                                   django_assert_max_num_queries):
    def preview_of(n):
        HRImportUpload.objects.all().delete()
        response = post_upload(admin_client, csv_file(*[person(i, team=f"T{i % 7}") for i in range(1, n + 1)]))
        return response["Location"]

    few = preview_of(3)
    with django_assert_max_num_queries(30) as captured:
        admin_client.get(few)
    few_queries = len(captured.captured_queries)
    many = preview_of(150)
    with django_assert_max_num_queries(few_queries):
        admin_client.get(many)


@pytest.mark.django_db
def test_any_bytes_under_any_name_end_on_a_page_never_a_server_error(admin_user, force):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from conftest import TwoFactorClient

    client = TwoFactorClient()
    client.force_login(admin_user)
    header = st.sampled_from([b"", HEADER.encode(), HEADER.replace(",", ";").encode(), b"PK\x03\x04"])

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(prefix=header, body=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.xlsx", "a.CSV", "a"]))
    def check(prefix, body, name):
        response = post_upload(client, SimpleUploadedFile(name, prefix + b"\r\n" + body))
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert client.get(response["Location"]).status_code == 200

    check()


def test_the_digest_is_the_same_for_the_same_plan_and_differs_when_the_portal_changes(force, team_a):
    from portal.hr import build_plan, read_file
    from portal.hr_admin.preview import plan_digest

    data = csv_file(person(1), person(2, roles="officer;supervisor", extra="Response / A")).read()
    records = read_file(data, "people.csv").records
    first = build_plan(records, full=True, organisation=force)
    assert plan_digest(first) == plan_digest(build_plan(records, full=True, organisation=force))
    UserFactory(organisation=force, staff_number="GONE1")
    assert plan_digest(build_plan(records, full=True, organisation=force)) != plan_digest(first)


def test_an_upload_is_claimed_once(uploaded):
    from django.db import transaction

    from portal.hr_admin.uploads import upload_claim

    upload, _preview = uploaded
    stale = HRImportUpload.objects.get(pk=upload.pk)  # as a second tab loaded it, before the first applied
    with transaction.atomic():
        assert upload_claim(upload)
    assert not upload_claim(stale)


def test_an_apply_that_fails_changes_nothing_and_says_so(admin_client, uploaded, monkeypatch):
    from django.db import IntegrityError

    import portal.hr

    upload, preview = uploaded

    def clash(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(portal.hr, "apply_plan", clash)
    response = admin_client.post(reverse("hr_import:preview", args=[upload.pk]), {"digest": digest_of(preview)})
    assert response.status_code == 200 and "could not be applied and nothing was changed" in response.content.decode()
    upload.refresh_from_db()
    assert upload.applied_at is None and bytes(upload.data)


def test_deactivate_everyone_not_in_the_file_covers_those_beyond_the_first_shown(admin_client, force, team_a,
                                                                               monkeypatch):
    from portal.hr_admin import preview as shown

    one_a_table = shown.capped
    monkeypatch.setattr(shown, "capped", lambda items, limit=1: one_a_table(items, 1))
    gone = [UserFactory(organisation=force, staff_number=f"OLD{n}") for n in range(3)]
    response = post_upload(admin_client, csv_file(person(1)), organisation=str(force.pk), full="yes")
    preview = admin_client.get(response["Location"])
    assert len(re.findall(r'name="deactivate" value=', preview.content.decode())) == 1
    assert "and 2 more, not shown" in preview.content.decode()
    upload = HRImportUpload.objects.get()
    admin_client.post(reverse("hr_import:preview", args=[upload.pk]),
                      {"digest": digest_of(preview), "deactivate_all": "on"})
    assert not User.objects.filter(pk__in=[u.pk for u in gone], is_active=True).exists()
