"""exposure 0013, wellbeing 0023, portal 0022: the single-column indexes of the officer (and of an
audit event's subject) are gone where a composite index starting with the same column serves its
lookups, and the audit action keeps one plain index and loses its LIKE one: every insert into these
big tables updates fewer indexes. `portal.migration_ops.drop_field_index` drops them concurrently
on PostgreSQL; reversing gives back the indexes Django made."""

import pytest
from django.apps import apps
from django.db import connection

from portal.migration_ops import drop_field_index

# (model, column, the composite index that serves the column's lookups)
COVERED = [
    ("exposure.ShiftLog", "officer_id", "shift_officer_date"),
    ("exposure.Exposure", "officer_id", "exposure_officer_date_dose"),
    ("exposure.ShiftChange", "officer_id", "shiftchange_officer_at"),
    ("wellbeing.CheckIn", "officer_id", "checkin_officer_instr_at"),
    ("wellbeing.RiskAssessment", "officer_id", "assessment_officer_latest"),
    ("wellbeing.Flag", "officer_id", "flag_officer_status"),
    ("portal.AuditEvent", "subject_id", "audit_subject_at"),
]

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: LIKE indexes")


def _indexes(table: str) -> dict[str, dict]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: c for name, c in found.items() if c["index"] and not c["primary_key"]}


def _table(model: str) -> str:
    return apps.get_model(model)._meta.db_table


@pytest.mark.django_db
@pytest.mark.parametrize("model,column,composite", COVERED)
def test_a_column_led_by_a_composite_index_has_no_index_of_its_own(model, column, composite):
    indexes = _indexes(_table(model))
    assert indexes[composite]["columns"][0] == column
    assert [name for name, c in indexes.items() if c["columns"] == [column] and not c["unique"]] == []


@pytest.mark.django_db
def test_the_audit_action_keeps_one_plain_index():
    indexes = _indexes(_table("portal.AuditEvent"))
    assert [name for name, c in indexes.items() if c["columns"] == ["action"]] == ["audit_action"]


@on_postgresql
@pytest.mark.django_db
def test_no_like_index_is_left_on_the_audit_trail():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'portal_auditevent' "
                       "AND indexdef LIKE '%%pattern_ops%%'")
        assert cursor.fetchall() == []


@on_postgresql
# CONCURRENTLY runs outside a transaction. Serialized rollback, as every transactional test here
# (conftest.py): the flush at its end must leave the rows that later tests restore from the
# serialized copy, or they collide with the content types a plain flush recreates.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reversing_gives_back_the_indexes_django_made_and_forward_drops_them_again():
    action = drop_field_index("portal.AuditEvent", "action", keep_as="audit_action")
    subject = drop_field_index("portal.AuditEvent", "subject")
    table = _table("portal.AuditEvent")
    with connection.schema_editor(atomic=False) as editor:
        subject.reverse_code(apps, editor)
        action.reverse_code(apps, editor)
    restored = _indexes(table)
    made = {name for name, c in restored.items() if c["columns"] in (["action"], ["subject_id"])}
    assert made == {"portal_auditevent_action_c0d3e523", "portal_auditevent_action_c0d3e523_like",
                    "portal_auditevent_subject_id_41b8f7d6"}
    with connection.schema_editor(atomic=False) as editor:
        action.code(apps, editor)
        subject.code(apps, editor)
    test_the_audit_action_keeps_one_plain_index()
    test_a_column_led_by_a_composite_index_has_no_index_of_its_own("portal.AuditEvent", "subject_id",
                                                                   "audit_subject_at")
