"""Factories for the people and places of the portal app. Every name is invented."""

import factory
from faker import Faker

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


_FAKE = Faker("en_GB")
# Characters HTML escaping rewrites. Tests look for a person's name in a page as plain text, so
# a drawn "O'Sullivan" (rendered O&#x27;Sullivan) made them fail at random. How such names are
# escaped is tested on purpose with fixed names (wellbeing/team/tests/test_views.py, "O'Neil").
_ESCAPED_IN_HTML = set("'&<>\"")


def plain_name(kind: str) -> str:
    """A random en_GB first or last name that reads the same in HTML as in Python."""
    draw = getattr(_FAKE, kind)
    while True:
        name = draw()
        if not _ESCAPED_IN_HTML & set(name):
            return name


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(lambda: plain_name("first_name"))
    last_name = factory.LazyFunction(lambda: plain_name("last_name"))
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("correct-horse-battery")


class OfficerFactory(UserFactory):
    is_officer = True
    high_risk_role = HighRiskRole.CALL_HANDLING
    team = factory.SubFactory(TeamFactory, unit__organisation=factory.SelfAttribute("...organisation"))
