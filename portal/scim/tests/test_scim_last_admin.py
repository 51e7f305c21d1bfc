"""SCIM leavers go through the HR import's planner, so its guard holds for them too
(portal.hr.guards): disabling or deleting an organisation's last active admin is refused with a
SCIM error that says why, and the admin stays active."""

import pytest

from portal.models import AuditEvent, User
from portal.scim.tests import entra
from portal.tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_from_hr(force, team_a):
    return OfficerFactory(organisation=force, team=team_a, staff_number="TS1009", is_staff=True)


def test_scim_disabling_the_last_admin_of_the_organisation_is_refused(scim, admin_from_hr):
    for response in (scim.patch(f"Users/{admin_from_hr.pk}", entra.patch(entra.replace("active", False))),
                     scim.delete(f"Users/{admin_from_hr.pk}")):
        assert response.status_code == 400, response.content
        assert "Testshire Constabulary would have no active admin" in response.json()["detail"]
    admin_from_hr.refresh_from_db()
    assert admin_from_hr.is_active and admin_from_hr.employment_ended_on is None
    assert not AuditEvent.objects.filter(action="hr_import_applied").exists()


def test_scim_disabling_an_admin_while_another_remains_makes_a_leaver(scim, force, admin_from_hr):
    UserFactory(organisation=force, is_staff=True)
    response = scim.patch(f"Users/{admin_from_hr.pk}", entra.patch(entra.replace("active", False)))
    assert response.status_code == 200, response.content
    assert not User.objects.get(pk=admin_from_hr.pk).is_active
