"""The core asks the apps above it through signals, never by importing them (tests/test_structure.py
checks the imports): each hook is connected at start-up, and a missing receiver fails safe."""

from portal.demo import demo_seed, demo_seeded
from portal.recompute import recompute_enqueue, recompute_wanted


def test_every_hook_of_the_core_has_its_receiver_connected():
    assert recompute_wanted.has_listeners()
    assert demo_seeded.has_listeners()
    # exposure, check-ins, OH, help requests, TRiM, screening and training add demo history, in
    # INSTALLED_APPS order
    names = [receiver.__module__ for receiver in demo_seed._live_receivers(None)[0]]
    assert names == ["exposure.demo", "wellbeing.checkins.demo", "wellbeing.oh.demo", "wellbeing.talk.demo",
                     "wellbeing.trim.demo", "wellbeing.screening.demo", "training.demo"]


def test_a_recompute_with_no_receiver_is_not_counted_as_enqueued():
    from wellbeing.tasks import recompute_enqueue_receiver

    assert recompute_wanted.disconnect(dispatch_uid="wellbeing.recompute")
    try:
        assert recompute_enqueue(123) is False  # the pending mark stays for the sweep
    finally:
        recompute_wanted.connect(recompute_enqueue_receiver, dispatch_uid="wellbeing.recompute")
