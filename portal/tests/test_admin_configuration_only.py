"""Issue 15, item 5: the admin is configuration only. It never lists or shows check-ins, flags
(reasons, urgency), risk assessments, welfare actions, referrals, OH notes, exposure detail or
notification texts, not even on its delete confirmation pages; deleting in the admin never
removes a person's records; role and permission changes made there are audited."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.models import AuditEvent, Notification, User
from tests.factories import UserFactory
from wellbeing.models import CheckIn, Flag, LegalHold, RiskAssessment, WelfareAction
from wellbeing.oh.services import case_note_add, referral_record
from wellbeing.risk.flags import flag_raise
from wellbeing.tests.helpers import make_checkin

COMMENT = "sentinel-admin-checkin-comment"
NOTE = "sentinel-admin-oh-note"
HOLD = "sentinel-admin-hold-reason"
CORRECTION = "sentinel-admin-correction"
TITLE = "sentinel-admin-notification-title"
REASON_TEXT = "sentinel-admin-risk-reason"
# Codes that would tell an admin something clinical about a person.
CODES = ["phq9_item9", "trauma_therapy", "welfare_conversation"]


@pytest.fixture
def records(officer, oh):
    """One of everything the admin must never show, about `officer`."""
    from exposure.models import CorrectionNote, ShiftLog

    checkin = make_checkin(officer, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 1], comment=COMMENT, share=True)
    assessment = RiskAssessment.objects.create(
        officer=officer, level="red", score=9.0, rules_version=1, inputs_digest="x",
        reasons=[{"code": "phq9_item9", "kind": "clinical", "text": REASON_TEXT, "numbers": {}}])
    flag, _ = flag_raise(officer=officer, reason_code="phq9_item9", urgent=True, checkin=checkin,
                         assessment=assessment)
    WelfareAction.objects.create(officer=officer, flag=flag, kind="welfare_conversation",
                                 follow_up_on=datetime.date(2026, 12, 1))
    referral_record(person=officer, kind="trauma_therapy", referred_on=datetime.date(2026, 11, 1), by=oh,
                    purpose="screening_result")
    case_note_add(person=officer, text=NOTE, by=oh, purpose="contact_record")
    LegalHold.objects.create(person=officer, reason=HOLD, placed_by=oh)
    shift = ShiftLog.objects.create(officer=officer, shift_date=datetime.date(2026, 11, 2),
                                    start_time=datetime.time(7), duration_minutes=480, role="call_handling")
    CorrectionNote.objects.create(shift=shift, author=officer, text=CORRECTION)
    Notification.objects.create(user=oh, title=TITLE, body=TITLE, urgent=True)
    return {"checkin": checkin, "flag": flag, "assessment": assessment}


def _admin_pages(client):
    """Every page the admin offers on every registered model: index, app indexes, changelists,
    each object's change, history and delete pages, and "delete selected" confirmations."""
    pages = {"/admin/": client.get("/admin/")}
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        app_index = reverse("admin:app_list", args=[model._meta.app_label])
        pages[app_index] = client.get(app_index)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        pages[changelist] = client.get(changelist)
        pks = list(model._default_manager.values_list("pk", flat=True)[:30])
        for pk in pks:
            for view in ("change", "history", "delete"):
                url = reverse("admin:{}_{}_{}".format(*info, view), args=[pk])
                pages[url] = client.get(url)
        if pks:
            pages[changelist + "#delete_selected"] = client.post(
                changelist, {"action": "delete_selected", "_selected_action": pks})
    return pages


def test_admin_configuration_only_no_admin_page_shows_wellbeing_records(client, admin_user, officer, records):
    client.force_login(admin_user)
    pages = _admin_pages(client)
    assert f"/admin/portal/user/{officer.pk}/delete/" in pages and "/admin/portal/auditevent/" in pages
    for url, response in pages.items():
        assert response.status_code in (200, 302, 403), url
        html = response.content.decode(errors="replace")
        for text in (COMMENT, NOTE, HOLD, CORRECTION, TITLE, REASON_TEXT, *CODES):
            assert text not in html, (url, text)
        # Not even the existence of a person's health records, by str(), on a delete page.
        assert f"check-in {records['checkin'].pk}" not in html, url
        assert f"flag {records['flag'].pk} for" not in html, url
        assert f"{officer.pk} red at" not in html, url


@pytest.mark.parametrize("model", ["checkin", "flag", "riskassessment", "welfareaction", "referral", "ohcasenote",
                                   "screening"])
def test_admin_configuration_only_wellbeing_models_are_not_registered(client, admin_user, records, model):
    client.force_login(admin_user)
    assert client.get(f"/admin/wellbeing/{model}/").status_code == 404
    assert client.get("/admin/exposure/shiftlog/").status_code == 404
    assert client.get("/admin/exposure/exposure/").status_code == 404


def test_admin_configuration_only_a_person_with_records_cannot_be_deleted(client, admin_user, officer, records):
    client.force_login(admin_user)
    url = f"/admin/portal/user/{officer.pk}/delete/"
    page = client.get(url).content.decode()
    assert "untick" in page and "deactivate" in page  # the way offered instead
    assert "Check ins: 1" in page and "Flags: 1" in page  # counts, never the records
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    bulk = client.post("/admin/portal/user/", {"action": "delete_selected", "_selected_action": [officer.pk],
                                               "post": "yes"})
    assert bulk.status_code == 200
    assert User.objects.filter(pk=officer.pk).exists()
    assert CheckIn.objects.filter(officer=officer).count() == 1
    assert Flag.objects.filter(officer=officer).count() == 1
    assert AuditEvent.objects.filter(subject=officer).exists()


def test_admin_configuration_only_a_person_without_records_can_be_deleted(client, admin_user, force):
    newcomer = UserFactory(username="newcomer", organisation=force)
    client.force_login(admin_user)
    response = client.post(f"/admin/portal/user/{newcomer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=newcomer.pk).exists()


def test_admin_configuration_only_audit_events_cannot_be_deleted_in_the_admin(client, admin_user, records):
    client.force_login(admin_user)
    event = AuditEvent.objects.first()
    assert client.post(f"/admin/portal/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post("/admin/portal/auditevent/", {"action": "delete_selected", "post": "yes",
                                              "_selected_action": [event.pk]})
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def _change_form_data(client, url):
    """The admin change form's current values, as the browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if hasattr(field.widget, "widgets"):  # split date and time
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def test_admin_configuration_only_role_changes_are_audited(client, admin_user, officer, other_force):
    client.force_login(admin_user)
    group = Group.objects.create(name="auditors")
    url = f"/admin/portal/user/{officer.pk}/change/"
    data = _change_form_data(client, url)
    data.update(is_oh="on", is_staff="on", groups=[str(group.pk)], granted_organisations=[str(other_force.pk)])
    data.pop("is_officer", None)
    before = AuditEvent.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    events = list(AuditEvent.objects.filter(action="admin_roles_changed"))
    assert len(events) == 1 and AuditEvent.objects.count() == before + 1
    event = events[0]
    assert event.actor == admin_user and event.subject == officer
    assert event.detail == {"created": False, "changes": {
        "is_officer": [True, False], "is_oh": [False, True], "is_staff": [False, True],
        "groups": {"added": [group.pk], "removed": []},
        "granted_organisations": {"added": [other_force.pk], "removed": []}}}
    # Saving again without a change writes nothing.
    client.post(url, _change_form_data(client, url))
    assert AuditEvent.objects.filter(action="admin_roles_changed").count() == 1


def test_admin_configuration_only_superuser_and_permission_changes_are_audited(client, admin_user, trainer):
    client.force_login(admin_user)
    permission = Permission.objects.get(codename="change_organisation")
    url = f"/admin/portal/user/{trainer.pk}/change/"
    data = _change_form_data(client, url)
    data.update(is_superuser="on", user_permissions=[str(permission.pk)])
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="admin_roles_changed")
    assert event.detail["changes"] == {"is_superuser": [False, True],
                                       "user_permissions": {"added": [permission.pk], "removed": []}}


def test_admin_configuration_only_team_supervisor_changes_are_audited(client, admin_user, team_a, supervisor,
                                                                       teammate):
    client.force_login(admin_user)
    url = f"/admin/portal/team/{team_a.pk}/change/"
    data = _change_form_data(client, url)
    data["supervisors"] = [str(teammate.pk)]
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="admin_team_supervisors_changed")
    assert event.actor == admin_user
    assert event.detail == {"team": team_a.pk, "added": [teammate.pk], "removed": [supervisor.pk]}


def test_admin_configuration_only_group_permission_changes_are_audited(client, admin_user):
    client.force_login(admin_user)
    group = Group.objects.create(name="configurers")
    permission = Permission.objects.get(codename="change_team")
    url = f"/admin/auth/group/{group.pk}/change/"
    assert client.post(url, {"name": "configurers", "permissions": [str(permission.pk)]}).status_code == 302
    event = AuditEvent.objects.get(action="admin_group_permissions_changed")
    assert event.detail == {"group": group.pk, "added": [permission.pk], "removed": []}


def test_admin_configuration_only_the_audit_admin_shows_no_detail(client, admin_user, officer, records):
    client.force_login(admin_user)
    event = AuditEvent.objects.get(action="flag_raised")
    html = client.get(f"/admin/portal/auditevent/{event.pk}/change/").content.decode()
    assert "flag_raised" in html and "phq9_item9" not in html and "severity" not in html
