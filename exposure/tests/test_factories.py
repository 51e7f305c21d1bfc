"""The exposure factories store the dose the dose function gives, never one typed by hand."""

import pytest

from exposure.dose import entry_dose, entry_dose_many
from exposure.services import EntryData
from exposure.tests.factories import ExposureFactory, ShiftLogFactory, exposure_dose, minutes_for_dose


def test_an_exposure_has_the_dose_the_dose_function_gives_for_its_own_fields(db):
    exposure = ExposureFactory(intensity=4, minutes=90, mitigations=["greyscale", "audio_muted"],
                               critical_incident=True)
    assert exposure.dose == entry_dose(intensity=4, minutes=90, mitigations=["greyscale", "audio_muted"],
                                       defined_task=None, critical_incident=True)
    assert exposure.dose == pytest.approx(4 * 1.5 * 0.8 * 2.0)
    exposure.refresh_from_db()
    assert exposure.dose == EntryData(category=exposure.category, intensity=4, minutes=90,
                                      mitigations=["greyscale", "audio_muted"], critical_incident=True).dose()


def test_without_minutes_each_counted_call_weighs_the_default_minutes_as_the_service_says(db):
    exposure = ExposureFactory(intensity=4, minutes=None, count=3, defined_task=True)
    assert exposure.dose == entry_dose_many(count=3, intensity=4, minutes=None, mitigations=[], defined_task=True,
                                            critical_incident=False)
    assert exposure.dose == exposure_dose(intensity=4, minutes=None, count=3, defined_task=True)


@pytest.mark.parametrize("dose", [1.5, 4.0, 5.0, 9.0])
def test_a_wanted_dose_is_reached_through_the_minutes_not_typed_in(db, dose):
    exposure = ExposureFactory(intensity=3, target_dose=dose)
    assert exposure.dose == dose
    assert exposure.dose == entry_dose(intensity=3, minutes=exposure.minutes, mitigations=[], defined_task=None,
                                       critical_incident=False)


def test_a_dose_no_whole_number_of_minutes_gives_is_refused():
    with pytest.raises(ValueError, match="no whole number of minutes"):
        minutes_for_dose(1.01, intensity=3)


def test_the_shift_and_the_exposure_agree_on_person_day_and_role(db, officer):
    exposure = ExposureFactory(officer=officer, days_ago=4, role="cse_review")
    assert (exposure.shift.officer, exposure.shift.shift_date, exposure.shift.role) == (
        officer, exposure.shift_date, "cse_review")
    assert exposure.category.role == "cse_review"
    assert ShiftLogFactory(officer=officer).role == officer.high_risk_role
