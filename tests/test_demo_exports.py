"""Issue 17: every export works on the seeded demo, with DEBUG on (as under `make run`) and off.

The reported fault was a row-level OH export holding only its header on the demo: the demo force had
fewer than five people in every unit x role group, so the small-number rule left every row out.
These tests seed the real demo (`seed_demo`) and check each export has its rows."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.test import override_settings
from openpyxl import load_workbook

from portal.models import AuditEvent, User
from wellbeing.models import CheckIn

pytestmark = pytest.mark.django_db

SAR = {"sar-reference": "SAR-2026-0001", "sar-purpose": "request_by_person"}


@pytest.fixture
def demo():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    return {u.username: u for u in User.objects.filter(username__startswith="demo.")}


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True))


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_demo_exports_every_export_has_its_rows(demo, login, debug):
    with override_settings(DEBUG=debug):
        client = login(demo["demo.oh"])
        checkins = CheckIn.objects.filter(officer__organisation=demo["demo.oh"].organisation).count()
        rows = csv_rows(client.get("/oh/reports/export/", {"report": "checkins", "format": "csv"}))
        assert rows[0][0] == "person" and len(rows) - 1 == checkins  # every demo group has at least 5 people
        sheet = xlsx_rows(client.get("/oh/reports/export/", {"report": "checkins", "format": "xlsx"}))
        assert len(sheet) - 1 == checkins
        assert len(csv_rows(client.get("/oh/reports/export/", {"report": "summary", "format": "csv"}))) > 1
        assert len(xlsx_rows(client.get("/oh/reports/export/", {"report": "summary", "format": "xlsx"}))) > 1
        officer = demo["demo.officer"]
        archive = client.post(f"/oh/people/{officer.pk}/subject-access-export/", SAR)
        assert archive.status_code == 200
        assert json.loads(zipfile.ZipFile(io.BytesIO(archive.content)).read("checkins.json"))
        own = login(officer).post("/wellbeing/privacy/export/")
        assert json.loads(zipfile.ZipFile(io.BytesIO(own.content)).read("checkins.json"))

        team = csv_rows(login(demo["demo.supervisor"]).get("/team/export.csv"))
        assert len(team) - 1 == User.objects.filter(team__name="Alpha", is_officer=True).count()

        trainer = login(demo["demo.trainer"])
        for report in ("completion", "evaluation", "reach"):
            assert len(csv_rows(trainer.get(f"/training/manage/reports/{report}.csv"))) > 1, report
            assert len(xlsx_rows(trainer.get(f"/training/manage/reports/{report}.xlsx"))) > 1, report
    assert AuditEvent.objects.filter(action="oh_cohort_export").count() == 4
