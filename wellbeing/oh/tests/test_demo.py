"""The OH demo seed (to be called from seed_demo): idempotent, and gives every OH page content."""

from django.core.management import call_command
from django.test import override_settings

from portal.demo import seed_core
from portal.models import AuditEvent, User
from wellbeing.models import Flag, OHCaseNote, Referral
from wellbeing.oh import demo as oh_demo


@override_settings(DEBUG=True, DEMO_PASSWORD="a-demo-password")
def test_the_oh_demo_seeds_a_queue_a_case_and_an_access_record_once(db, client):
    call_command("seed_demo", verbosity=0)
    ctx = seed_core()
    oh_demo.seed(ctx)
    counts = (Flag.objects.filter(status=Flag.Status.ESCALATED).count(), Referral.objects.count(),
              OHCaseNote.objects.count(), AuditEvent.objects.filter(action="oh_case_view").count())
    oh_demo.seed(seed_core())
    assert counts == (Flag.objects.filter(status=Flag.Status.ESCALATED).count(), Referral.objects.count(),
                      OHCaseNote.objects.count(), AuditEvent.objects.filter(action="oh_case_view").count())
    assert counts[0] >= 1 and counts[1] == 1 and counts[2] == 1 and counts[3] == 1
    oh = User.objects.get(username="demo.oh")
    assert oh.has_perm("portal.view_auditevent")
    client.force_login(oh)
    assert client.get("/oh/audit/").status_code == 200
    assert "Kowalski" in client.get("/oh/").content.decode()
    client.force_login(User.objects.get(username="demo.officer"))
    assert "Nadia Rahman" in client.get("/wellbeing/privacy/").content.decode()
