"""The shift form's cost (issue 22, the write path): a blank role fieldset is rendered once per process
and reused, yet never shows anything stale, answers or another language; a save's queries do not grow
with the number of entries, and it reads its role once and never the rubric (words for the levels);
a save audits the shift and every exposure it creates, as before, in one insert."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from exposure import fieldsets
from exposure.models import Exposure, ExposureCategory, IntensityRubric, ShiftLog
from exposure.tests import helpers
from portal.models import AuditEvent, RecomputePending
from portal.recompute import recompute_request

URL = "/exposure/log/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept():
    fieldsets.forget()
    yield
    fieldsets.forget()


def _renders(client, *args, **kwargs):
    """The response, and how many fieldsets were rendered from their template to make it."""
    real = fieldsets.render_to_string
    with mock.patch.object(fieldsets, "render_to_string", side_effect=real) as rendered:
        response = client.get(*args, **kwargs) if not kwargs.get("data") else client.post(*args, **kwargs)
    return response, sum(1 for c in rendered.call_args_list if c.args[0] == fieldsets.TEMPLATE)


def test_a_blank_fieldset_is_rendered_once_and_the_page_is_the_same(login, officer):
    client = login(officer)
    first, rendered_first = _renders(client, URL)
    second, rendered_second = _renders(client, URL)
    assert rendered_first == 4 and rendered_second == 0  # every shipped role offered; then all kept
    html = first.content.decode()
    for code in ("call_handling", "cse_review", "firearms", "counter_terrorism"):
        assert f'id="role-{code}"' in html
    # The same page, token aside.
    strip = [line for line in html.splitlines() if "csrfmiddlewaretoken" not in line]
    assert strip == [line for line in second.content.decode().splitlines() if "csrfmiddlewaretoken" not in line]


def test_wrong_score_or_band_a_category_renamed_in_the_admin_shows_at_once(login, officer):
    client = login(officer)
    client.get(URL)
    ExposureCategory.objects.filter(role="firearms", code="spontaneous").update(name="Renamed spontaneous deployment")
    response, rendered = _renders(client, URL)
    assert rendered == 1 and "Renamed spontaneous deployment" in response.content.decode()


def test_wrong_score_or_band_a_kept_fieldset_is_never_shown_in_another_language(login, officer):
    # Rubrics without Welsh text read the same in both languages: only the language tells the two apart.
    IntensityRubric.objects.update(description_cy="")
    client = login(officer)
    assert "What you were exposed to" in client.get(URL).content.decode()  # every blank fieldset kept, in English
    with translation.override("cy"):
        welsh = translation.gettext("What you were exposed to")
    assert welsh != "What you were exposed to"
    officer.language = "cy"
    officer.save(update_fields=["language"])
    response, rendered = _renders(client, URL)
    html = response.content.decode()
    assert rendered == 4 and welsh in html and "What you were exposed to" not in html


def test_wrong_score_or_band_answers_being_corrected_are_rendered_afresh_and_kept(login, officer):
    client = login(officer)
    client.get(URL)  # every blank fieldset kept
    data = helpers.call_handling(**{"call_handling-calls_taken": "5", "call_handling-calls_without_break": "9"})
    response, rendered = _renders(client, URL, data=data)
    html = response.content.decode()
    assert response.status_code == 200 and not ShiftLog.objects.exists()
    assert rendered == 1  # the chosen role's bound form; the other three were kept blank
    assert "This cannot be more than the calls taken in the shift." in html
    assert 'name="call_handling-calls_taken" value="5"' in html  # nothing typed is lost


def test_an_edited_shift_shows_its_own_answers_not_a_kept_blank_form(login, officer):
    client = login(officer)
    client.post(URL, helpers.call_handling(**{"call_handling-calls_taken": "37"}))
    shift = ShiftLog.objects.get()
    client.get(URL)
    response, rendered = _renders(client, f"/exposure/shifts/{shift.pk}/edit/")
    assert rendered == 1 and 'name="call_handling-calls_taken" value="37"' in response.content.decode()


def _save_queries(client, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, data).status_code == 302
    return len(queries)


def test_a_saves_queries_do_not_grow_with_its_entries(login, officer):
    client = login(officer)
    client.get(URL)  # the catalogue kept (portal/catalogue.py), as it is after a process's first request
    one = _save_queries(client, helpers.call_handling(**{
        "call_handling-count_domestic_abuse": "0", "call_handling-known_domestic_abuse": "",
        "call_handling-critical_type": "", "call_handling-intensity": "2"}))
    every = {f"call_handling-count_{c.code}": "1" for c in ExposureCategory.objects.filter(role="call_handling")}
    many = _save_queries(client, helpers.shift_fields("call_handling", days_ago=3) | {
        "call_handling-calls_taken": "40", "call_handling-calls_without_break": "2", "call_handling-intensity": "2",
        "call_handling-critical_type": "", **every})
    entries = Exposure.objects.filter(officer=officer).values("shift").distinct().count()
    assert entries == 2 and len(every) >= 5
    assert many == one


def test_every_exposure_a_save_creates_is_audited_with_its_officer(login, officer):
    client = login(officer)
    client.post(URL, helpers.call_handling(**{"call_handling-critical_type": ""}))
    created = list(Exposure.objects.filter(officer=officer))
    events = AuditEvent.objects.filter(action="exposure.exposure_created")
    assert len(created) == 2
    assert sorted((e.object_id, e.subject_id, e.actor_id) for e in events) == sorted(
        (str(x.pk), officer.pk, officer.pk) for x in created)


def test_a_second_request_keeps_the_marks_first_time(officer):
    recompute_request(officer_id=officer.pk)
    first = RecomputePending.objects.get(pk=officer.pk)
    recompute_request(officer_id=officer.pk)
    again = RecomputePending.objects.get(pk=officer.pk)
    assert again.since == first.since and again.requested_at >= first.requested_at
    assert RecomputePending.objects.count() == 1


def _tables_read(queries) -> list[str]:
    return [q["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for q in queries
            if q["sql"].startswith("SELECT") and " FROM " in q["sql"]]


def test_a_save_reads_its_role_once_and_never_the_rubric(login, officer):
    """The role read for the page gives the dose weights too; the rubric only words the levels."""
    client = login(officer)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, helpers.call_handling()).status_code == 302
    read = _tables_read(queries)
    assert read.count("portal_role") == 1
    assert "exposure_intensityrubric" not in read
    # The doses still use the role's own weights, as read for the page:
    # test_role_dose.py::test_wrong_score_or_band_a_roles_own_weights_change_its_doses_as_they_say.
    assert Exposure.objects.filter(officer=officer).count() == 3


def test_a_new_shift_and_its_exposures_are_audited_in_one_insert(login, officer):
    client = login(officer)
    with CaptureQueriesContext(connection) as queries:
        client.post(URL, helpers.call_handling(**{"call_handling-critical_type": ""}))
    shift = ShiftLog.objects.get(officer=officer)
    events = AuditEvent.objects.filter(action__in=["exposure.shiftlog_created", "exposure.exposure_created"])
    assert sorted((e.action, e.object_id, e.subject_id, e.actor_id) for e in events) == sorted(
        [("exposure.shiftlog_created", str(shift.pk), officer.pk, officer.pk)]
        + [("exposure.exposure_created", str(x.pk), officer.pk, officer.pk) for x in shift.exposures.all()])
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "portal_auditevent"')]
    assert len(inserts) == 1


def test_wrong_score_or_band_a_save_sent_back_words_the_levels_with_the_rubric(login, officer):
    """The bound form of a save with a mistake is built without the rubric; shown again, its levels
    carry the rubric's words as on the blank page."""
    words = "Still with me on the drive home (words of this test only)"
    IntensityRubric.objects.filter(role="call_handling", level=4).update(description=words, description_cy=words)
    client = login(officer)
    response = client.post(URL, helpers.call_handling(**{"call_handling-calls_taken": "-3"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "call_handling-calls_taken" in page and f"4 – {words}" in page
    assert not ShiftLog.objects.filter(officer=officer).exists()
