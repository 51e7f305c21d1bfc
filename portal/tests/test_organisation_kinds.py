"""Organisation kinds: military and voluntary sector organisations can be partners too."""

import pytest
from django.utils import translation

from portal.models import Organisation


@pytest.mark.parametrize(("kind", "label"), [("military", "Military"),
                                             ("voluntary", "Voluntary sector organisation")])
def test_military_and_voluntary_organisations_are_kinds_with_labels(db, kind, label):
    org = Organisation.objects.create(name=f"A {kind} partner", slug=f"partner-{kind}", kind=kind)
    org.full_clean()
    with translation.override("en"):
        assert org.get_kind_display() == label


def test_an_unknown_kind_is_refused(db):
    org = Organisation(name="Nobody", slug="nobody", kind="navy")
    with pytest.raises(Exception, match="not a valid choice"):
        org.full_clean()
