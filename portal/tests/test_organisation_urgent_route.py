"""The organisation's urgent route in the admin (issue 21): its contacts can only be active OH
members covering that organisation, two different people, and the admin warns when no on-call
contact is set (urgent flags then go to every OH member, as before)."""

import pytest

from portal.admin import OrganisationForm, urgent_route_warnings
from portal.models import Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_data(org, **changes):
    data = {"name": org.name, "slug": org.slug, "kind": org.kind, "nation": org.nation,
            "oh_opens_at": "08:00", "oh_closes_at": "17:00", "oh_escalation_email": "",
            "urgent_acknowledge_minutes": "60", "on_call_contact": "", "on_call_second_contact": "",
            "trim_assessment_hours": "72", "trim_followup_days": "28"}
    data.update({k: str(v) for k, v in changes.items()})
    return data


def test_out_of_hours_no_one_on_duty_contacts_must_be_active_oh_of_the_organisation(
        force, other_force, oh, supervisor, foreign_oh):
    second = UserFactory(username="oh2", organisation=force, is_oh=True)
    gone = UserFactory(username="oh3", organisation=force, is_oh=True, is_active=False)
    shared = UserFactory(username="shared", organisation=other_force, is_oh=True)
    shared.granted_organisations.add(force)
    ok = OrganisationForm(data=form_data(force, on_call_contact=oh.pk, on_call_second_contact=second.pk),
                          instance=force)
    assert ok.is_valid(), ok.errors
    assert OrganisationForm(data=form_data(force, on_call_contact=shared.pk), instance=force).is_valid()
    for wrong in (supervisor, foreign_oh, gone):
        form = OrganisationForm(data=form_data(force, on_call_contact=wrong.pk), instance=force)
        assert not form.is_valid()
        assert "active occupational health member" in form.errors["on_call_contact"][0]
    same = OrganisationForm(data=form_data(force, on_call_contact=oh.pk, on_call_second_contact=oh.pk),
                            instance=force)
    assert not same.is_valid() and "someone else" in same.errors["on_call_second_contact"][0]
    second_only = OrganisationForm(data=form_data(force, on_call_second_contact=oh.pk), instance=force)
    assert not second_only.is_valid() and "on-call contact" in second_only.errors["on_call_contact"][0]
    for minutes in ("0", "4", "1441", "abc"):
        assert not OrganisationForm(data=form_data(force, urgent_acknowledge_minutes=minutes),
                                    instance=force).is_valid()


def test_urgent_not_reaching_clinician_the_admin_warns_without_an_on_call_contact(admin_client, force, oh):
    page = admin_client.get(f"/admin/portal/organisation/{force.pk}/change/").content.decode()
    assert "has no on-call contact for urgent flags" in page
    listing = admin_client.get("/admin/portal/organisation/").content.decode()
    assert "no on-call contact for urgent flags" in listing
    Organisation.objects.filter(pk=force.pk).update(on_call_contact=oh)
    force.refresh_from_db()
    assert urgent_route_warnings(force) == []
    page = admin_client.get(f"/admin/portal/organisation/{force.pk}/change/").content.decode()
    assert "has no on-call contact" not in page
    oh.is_oh = False
    oh.save()
    assert "active occupational health member" in urgent_route_warnings(force)[0]


def test_the_admin_saves_a_valid_route(admin_client, force, oh):
    response = admin_client.post(f"/admin/portal/organisation/{force.pk}/change/",
                                 form_data(force, on_call_contact=oh.pk, urgent_acknowledge_minutes=30))
    assert response.status_code == 302
    force.refresh_from_db()
    assert (force.on_call_contact, force.urgent_acknowledge_minutes) == (oh, 30)
