"""Fixtures shared by wellbeing's test packages: an organisation's out-of-hours route for urgent
flags (wellbeing/risk/urgent.py), used by the route's own tests and by urgent help requests."""

import pytest

from portal.models import Organisation
from portal.tests.factories import UserFactory


@pytest.fixture
def on_call(force):
    return UserFactory(username="duty", organisation=force, is_oh=True, email="duty@example.invalid")


@pytest.fixture
def second(force):
    return UserFactory(username="second", organisation=force, is_oh=True, email="second@example.invalid")


@pytest.fixture
def routed(force, on_call, second, oh):
    """The force with `on_call` on call, `second` as the second contact, and the default hour."""
    Organisation.objects.filter(pk=force.pk).update(on_call_contact=on_call, on_call_second_contact=second,
                                                    urgent_acknowledge_minutes=60)
    force.refresh_from_db()
    return force
