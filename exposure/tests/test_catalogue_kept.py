"""The catalogue kept between requests (portal/catalogue.py, issue 22): the shift form and its save
read the roles, categories and rubrics from this process's copy while it is current, and any change
to them, however it is made (the admin, a bulk update that sends no signal, another host), gives the
catalogue a new version that the very next request sees."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exposure import selectors
from exposure.models import Exposure, ExposureCategory, IntensityRubric, ShiftLog
from exposure.services import EntryData, weights_of
from exposure.tests import helpers
from portal import catalogue
from portal.models import CatalogueVersion, Role

URL = "/exposure/log/"
pytestmark = pytest.mark.django_db


def _shift(day: int, **answers):
    return helpers.shift_fields("call_handling", days_ago=day) | {
        "call_handling-calls_taken": "40", "call_handling-calls_without_break": "2", "call_handling-intensity": "3",
        "call_handling-critical_type": "", "call_handling-count_child_at_risk": "2", **answers}


def _tables(queries) -> set[str]:
    return {table for table in ("portal_role", "exposure_exposurecategory", "exposure_intensityrubric")
            for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]}


@pytest.mark.parametrize("change", [
    lambda: Role.objects.filter(code="firearms").update(name="Armed officer"),
    lambda: Role.objects.create(code="dog_handler", name="Dog handler"),
    lambda: ExposureCategory.objects.filter(role="call_handling").update(active=False),
    lambda: ExposureCategory.objects.filter(role="firearms").delete(),
    lambda: IntensityRubric.objects.filter(role="cse_review", level=1).update(description="Barely noticed"),
    lambda: IntensityRubric.objects.create(role="dog_handler", level=1, description="Calm"),
])
def test_wrong_score_or_band_every_kind_of_change_to_the_catalogue_gives_it_a_new_version(change):
    before = catalogue.version()
    change()
    assert catalogue.version() not in (None, before)


def test_wrong_score_or_band_a_save_reads_the_catalogue_once_then_only_its_version(login, officer):
    client = login(officer)
    with CaptureQueriesContext(connection) as first:
        assert client.post(URL, _shift(1)).status_code == 302
    with CaptureQueriesContext(connection) as second:
        assert client.post(URL, _shift(2)).status_code == 302
    assert _tables(first) == {"portal_role", "exposure_exposurecategory"}
    assert _tables(second) == set() and len(second) == len(first) - 2
    assert ShiftLog.objects.filter(officer=officer).count() == 2


def _version_reads(queries) -> int:
    return sum(1 for q in queries.captured_queries if "portal_catalogueversion" in q["sql"])


def test_wrong_score_or_band_a_request_reads_the_catalogues_version_once_and_the_next_request_again(login, officer):
    client = login(officer)
    client.get(URL)  # the catalogue kept
    for request in (lambda: client.get(URL), lambda: client.post(URL, _shift(1)), lambda: client.get(URL)):
        with CaptureQueriesContext(connection) as queries:
            assert request().status_code in (200, 302)
        assert _version_reads(queries) == 1
    with CaptureQueriesContext(connection) as outside:  # not in a request: read at every use
        catalogue.version()
        catalogue.version()
    assert _version_reads(outside) == 2


def test_wrong_score_or_band_a_roles_weights_changed_without_a_signal_weigh_the_next_save(login, officer):
    client = login(officer)
    client.post(URL, _shift(1))  # the roles and categories now kept
    Role.objects.filter(code="call_handling").update(default_minutes=12, mitigation_floor=0.5)
    assert client.post(URL, _shift(2)).status_code == 302
    role = Role.objects.get(code="call_handling")
    category = ExposureCategory.objects.get(role="call_handling", code="child_at_risk")
    stored = Exposure.objects.get(officer=officer, shift_date=helpers.shift_fields("call_handling", days_ago=2)
                                  ["shift_date"], category=category)
    expected = EntryData(category=category, intensity=3, count=2).dose(weights_of(role))
    kept_before = EntryData(category=category, intensity=3, count=2).dose(weights_of(
        Role(code="call_handling", name="x")))  # the model's defaults: today's constants
    assert stored.dose == pytest.approx(expected) and expected != pytest.approx(kept_before)


def test_wrong_score_or_band_a_category_withdrawn_in_bulk_is_off_the_next_form_and_save(login, officer):
    client = login(officer)
    assert "Child at risk" in client.get(URL).content.decode()
    ExposureCategory.objects.filter(role="call_handling", code="child_at_risk").update(active=False)
    assert 'name="call_handling-count_child_at_risk"' not in client.get(URL).content.decode()
    assert client.post(URL, _shift(1, **{"call_handling-count_hostile_caller": "1"})).status_code == 302
    codes = set(Exposure.objects.filter(officer=officer).values_list("category__code", flat=True))
    assert codes == {"hostile_caller"}  # the withdrawn category's count is not stored


def test_nothing_is_kept_without_a_version_row():
    CatalogueVersion.objects.all().delete()  # as a test's flush leaves it
    reads = []
    for _ in range(2):
        catalogue.kept("k", lambda: reads.append(1) or len(reads))
    assert reads == [1, 1]
    ExposureCategory.objects.filter(role="firearms").update(order=5)  # the next change writes the row again
    assert catalogue.version() is not None
    assert selectors.categories_by_role(["firearms"]) == selectors.categories_by_role(["firearms"])


def test_the_lists_handed_out_are_the_callers_own():
    first = selectors.categories_by_role(["call_handling"])
    first["call_handling"].clear()
    first["invented"] = []
    again = selectors.categories_by_role(["call_handling"])
    assert again["call_handling"] and "invented" not in again
