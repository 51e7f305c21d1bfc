from django.core.management import call_command
from django.test import override_settings

from portal import access
from portal.models import User
from portal.twofactor import requires_two_factor
from wellbeing.models import TrimAssessment, TrimCase, TrimIncident
from wellbeing.trim.demo import TITLE


@override_settings(DEBUG=True, DEMO_PASSWORD="trim-demo-password")
def test_the_demo_seeds_a_coordinator_a_practitioner_and_one_incident_once(db, client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    incident = TrimIncident.objects.get(title=TITLE)
    assert incident.planning_held_on is not None
    coordinator, peer = User.objects.get(username="demo.trim"), User.objects.get(username="demo.peer")
    assert coordinator.is_trim_coordinator and requires_two_factor(coordinator)
    assert peer.is_trim_practitioner and peer.trim_trained_on is not None
    held = TrimCase.objects.get(incident=incident, person__username="demo.officer")
    assert (held.practitioner, held.stage) == (peer, TrimCase.Stage.IN_PROGRESS)
    assert held.assessments.get().band == TrimAssessment.Band.LOW
    waiting = TrimCase.objects.get(incident=incident, person__username="demo.firearms")
    assert (waiting.practitioner, waiting.stage) == (None, TrimCase.Stage.PLANNED)
    assert {held, waiting} <= set(access.trim_cases_visible_to(coordinator, TrimCase.objects.all()))
    # the critical incident demo.officer logged on their last shift has its own case (and follow-ups)
    logged = TrimCase.objects.get(person__username="demo.officer", incident__source=TrimIncident.Source.LOGGED)
    assert logged.shift_key.startswith("shift:") and logged.assessment_due_at > incident.occurred_at
    assert list(access.trim_cases_visible_to(peer, TrimCase.objects.all())) == [held]
    assert peer in access.trim_practitioner_candidates(waiting.person)
    supervisor = User.objects.get(username="demo.supervisor")
    assert not access.trim_cases_visible_to(supervisor, TrimCase.objects.all()).exists()
    client.force_login(coordinator)
    assert client.get("/trim/").status_code == 200
