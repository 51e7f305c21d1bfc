"""Kept so that older imports still work: the factories live with their apps now
(portal/tests/factories.py, exposure/tests/factories.py, wellbeing/tests/factories.py,
training/tests/factories.py). Import from there in new tests."""

from portal.tests.factories import OfficerFactory, OrganisationFactory, TeamFactory, UnitFactory, UserFactory

__all__ = ["OfficerFactory", "OrganisationFactory", "TeamFactory", "UnitFactory", "UserFactory"]
