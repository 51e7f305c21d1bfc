"""Factories for the people and places of the portal app. Every name is invented."""

import factory

from portal.models import HighRiskRole, Organisation, Team, Unit, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Testshire Constabulary {n}")
    slug = factory.Sequence(lambda n: f"testshire-{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("correct-horse-battery")


class OfficerFactory(UserFactory):
    is_officer = True
    high_risk_role = HighRiskRole.CALL_HANDLING
    team = factory.SubFactory(TeamFactory, unit__organisation=factory.SelfAttribute("...organisation"))
