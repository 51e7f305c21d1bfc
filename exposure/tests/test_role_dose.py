"""Roles are data (issue 18): the four shipped roles' seeded weights give every dose exactly as the
constants did, and a role's own weights change its doses as they say. Hazard log: this is the test
that proves dose identity for existing shifts."""

import pytest

from exposure import dose
from exposure.dose import DoseWeights, entry_dose, entry_dose_many
from exposure.models import Exposure
from exposure.services import EntryData, role_weights
from exposure.tests import helpers
from portal.roles import Role

URL = "/exposure/log/"
pytestmark = pytest.mark.django_db


def _old_dose(e: Exposure) -> float:
    """The dose as the code before roles were data computed it: the module constants, no weights."""
    kwargs = {"intensity": e.intensity, "minutes": e.minutes, "mitigations": e.mitigations,
              "defined_task": e.defined_task, "critical_incident": e.critical_incident}
    return entry_dose_many(count=e.count, **kwargs) if e.minutes is None else entry_dose(**kwargs)


def test_wrong_score_or_band_the_shipped_roles_are_seeded_with_todays_constants():
    for code in ("call_handling", "cse_review", "firearms", "counter_terrorism"):
        role = Role.objects.get(code=code)
        assert role.active and role.organisation_id is None and role.questionnaire_every_days is None
        assert role_weights(code) == DoseWeights() == DoseWeights(
            default_minutes=dose.DEFAULT_MINUTES, defined_task_factor=dose.DEFINED_TASK_FACTOR,
            critical_incident_factor=dose.CRITICAL_INCIDENT_FACTOR, mitigation_step=dose.MITIGATION_STEP,
            mitigation_floor=dose.MITIGATION_FLOOR)


# Every field that weighs in a dose today, in each shipped role: counts of calls with a critical
# call split out, items with minutes and mitigations (the floor too) and a critical mark, deployments
# with and without a defined task, with and without minutes, critical or not.
SHIFTS = [
    helpers.call_handling,
    lambda: helpers.call_handling(**{"call_handling-critical_type": "", "call_handling-intensity": "2"}),
    helpers.cse_review,
    lambda: helpers.cse_review(**{"cse_review-critical_incident": "on", "cse_review-mitigations": [
        "greyscale", "reduced_size", "audio_muted", "blur", "screen_filter", "daylight"]}),
    helpers.firearms,
    lambda: helpers.firearms(**{"firearms-minutes": "75", "firearms-defined_task": "no",
                                "firearms-critical_incident": ""}),
    helpers.counter_terrorism,
    lambda: helpers.counter_terrorism(**{"counter_terrorism-material_minutes": "", "counter_terrorism-defined_task":
                                         "yes", "counter_terrorism-critical_incident": "on"}),
]


@pytest.mark.parametrize("shift", range(len(SHIFTS)))
def test_wrong_score_or_band_every_shipped_role_shift_has_the_dose_the_constants_gave(login, officer, shift):
    response = login(officer).post(URL, SHIFTS[shift]())
    assert response.status_code == 302
    exposures = list(Exposure.objects.filter(officer=officer))
    assert exposures
    for e in exposures:
        assert e.dose == _old_dose(e)
        assert e.dose == EntryData(category=e.category, intensity=e.intensity, minutes=e.minutes, count=e.count,
                                   critical_incident=e.critical_incident, defined_task=e.defined_task,
                                   mitigations=e.mitigations).dose(role_weights(e.role))


def test_wrong_score_or_band_the_hand_worked_doses_of_shipped_shifts_are_unchanged(login, officer):
    login(officer).post(URL, helpers.firearms())
    # intensity 5, half an hour, a defined task (x 0.8), critical (x 2): 5 x 0.5 x 0.8 x 2
    assert Exposure.objects.get(officer=officer).dose == pytest.approx(4.0)


def test_wrong_score_or_band_a_roles_own_weights_change_its_doses_as_they_say(login, officer):
    Role.objects.filter(code="firearms").update(default_minutes=60, defined_task_factor=0.5,
                                                critical_incident_factor=3.0)
    login(officer).post(URL, helpers.firearms())
    # intensity 5, an hour, a defined task (x 0.5), critical (x 3): 5 x 1 x 0.5 x 3
    assert Exposure.objects.get(officer=officer).dose == pytest.approx(7.5)


def test_mitigation_step_and_floor_are_the_roles():
    weights = DoseWeights(mitigation_step=0.2, mitigation_floor=0.5)
    assert dose.mitigation_factor(["greyscale"], weights) == pytest.approx(0.8)
    assert dose.mitigation_factor(["greyscale", "blur", "daylight"], weights) == pytest.approx(0.5)
    assert entry_dose(intensity=2, minutes=60, mitigations=["blur"], defined_task=None, critical_incident=False,
                      weights=weights) == pytest.approx(1.6)


def test_a_code_without_a_role_row_weighs_as_the_constants():
    assert role_weights("no_such_role") == DoseWeights()
