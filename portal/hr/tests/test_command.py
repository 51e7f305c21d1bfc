"""`manage.py import_people`: the preview in plain words, --dry-run, --full, exit status."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portal.hr import read_file
from portal.hr.records import ROLE_CODES
from portal.hr.tests.helpers import csv_bytes, row
from portal.models import AuditEvent, Organisation, User

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "samples" / "hr-import-sample.csv"


@pytest.fixture
def northmoor(db):
    return Organisation.objects.create(name="Northmoor Constabulary", slug="northmoor-police")


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_people", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_sample_file_reads_cleanly_and_holds_every_role():
    result = read_file(SAMPLE.read_bytes(), SAMPLE.name)
    assert result.ok, [str(e) for e in result.errors]
    assert set().union(*(r.roles for r in result.records)) == set(ROLE_CODES)
    assert len({(r.unit, r.team) for r in result.records if r.team}) == 4
    assert any(r.employment_ended_on for r in result.records)


def test_a_dry_run_previews_and_writes_nothing(northmoor):
    out, _err = run(str(SAMPLE), "--dry-run")
    assert "20 to create" in out  # 21 rows, one a leaver never imported
    assert "New team: Contact Centre / Red Watch." in out
    assert "Dry run: nothing was written." in out
    assert not User.objects.filter(organisation=northmoor).exists()


def test_the_sample_imports_and_a_second_run_changes_nothing(northmoor):
    out, _err = run(str(SAMPLE), "--full", "--organisation", "northmoor-police")
    assert "Imported: creates 20" in out
    assert User.objects.filter(organisation=northmoor).count() == 20
    out, _err = run(str(SAMPLE), "--full")
    assert "Imported: nothing had changed." in out
    assert AuditEvent.objects.filter(action="hr_import_applied").count() == 2


def test_a_file_with_problems_exits_non_zero_and_writes_nothing(force, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([row("1001"), row("1002", email="nope"), row("1003", organisation="nowhere")]))
    with pytest.raises(CommandError, match="2 problems"):
        run(str(path))
    assert not User.objects.filter(staff_number__gt="").exists()


def test_deactivate_missing_needs_full_and_deactivates_the_missing(force, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([row("1001"), row("1002")]))
    run(str(path))
    with pytest.raises(CommandError, match="needs --full"):
        run(str(path), "--deactivate-missing")
    path.write_bytes(csv_bytes([row("1001")]))
    out, _err = run(str(path), "--full", "--deactivate-missing")
    assert "1 person is not in this file" in out
    assert list(User.objects.filter(is_active=False).values_list("staff_number", flat=True)) == ["1002"]


def test_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Cannot open"):
        run("/nonexistent/people.csv")
