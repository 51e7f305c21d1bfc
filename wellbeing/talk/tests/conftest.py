import pytest

from portal.tests.factories import UserFactory


@pytest.fixture
def peer(force):
    return UserFactory(username="peer", first_name="Pat", last_name="Listener", organisation=force,
                       is_peer_supporter=True, peer_availability="Nights and weekends", email="peer@example.invalid")


@pytest.fixture
def other_peer(force):
    return UserFactory(username="other_peer", organisation=force, is_peer_supporter=True)


@pytest.fixture
def foreign_peer(other_force):
    return UserFactory(username="foreign_peer", organisation=other_force, is_peer_supporter=True)
