"""Named leases (portal/leases.py): the nightly sweep's "one at a time" without session state, so
it holds through PgBouncer in transaction mode."""

from datetime import timedelta

from django.utils import timezone

from portal.leases import lease_held, lease_release, lease_take
from portal.models import Lease


def test_a_held_lease_is_not_taken_again_until_released(db):
    first = lease_take("job", seconds=60)
    assert first is not None
    assert lease_take("job", seconds=60) is None
    assert lease_take("other job", seconds=60) is not None  # leases are by name
    lease_release(first)
    assert lease_take("job", seconds=60) is not None


def test_a_lapsed_lease_is_taken_over_and_its_old_holder_cannot_renew(db):
    old = lease_take("job", seconds=60)
    Lease.objects.filter(name="job").update(expires_at=timezone.now() - timedelta(seconds=1))
    new = lease_take("job", seconds=60)
    assert new is not None and new.token != old.token
    assert not old.renew()
    assert new.renew()
    lease_release(old)  # the old holder's release leaves the new hold alone
    assert Lease.objects.get(name="job").holder == new.token


def test_the_block_releases_its_lease_even_when_it_fails(db):
    try:
        with lease_held("job", seconds=60) as held:
            assert held is not None
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert Lease.objects.get(name="job").holder == ""
