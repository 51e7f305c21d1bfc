"""Issue 22: a large export reads its rows in chunks with flat memory also behind PgBouncer, where
Django's iterator() would take the whole result into the client. (The memory itself is measured on
PostgreSQL by bench/export.py; here the choice of path.)"""

import pytest
from django.db import connection

from portal import chunked
from portal.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    for n in range(7):
        Organisation.objects.create(name=f"Chunked force {n}", slug=f"chunked-{n}")
    return Organisation.objects.filter(slug__startswith="chunked-").order_by("slug").values_list("slug", flat=True)


def test_chunked_rows_are_the_querysets_rows_without_a_pooler(places):
    depth = len(connection.savepoint_ids)
    seen = [(slug, len(connection.savepoint_ids)) for slug in chunked.rows(places, 3)]
    assert seen == [(slug, depth) for slug in places]  # Django's iterator(), no transaction of its own


def test_chunked_rows_behind_a_pooler_are_read_in_a_transaction(places, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    depth = len(connection.savepoint_ids)
    seen = []
    for slug in chunked.rows(places, 3):
        seen.append((slug, len(connection.savepoint_ids) > depth))  # in a test the transaction is a savepoint
    assert [slug for slug, _ in seen] == [f"chunked-{n}" for n in range(7)]
    assert all(inside for _, inside in seen)
    assert len(connection.savepoint_ids) == depth  # the transaction (a savepoint in a test) has ended
