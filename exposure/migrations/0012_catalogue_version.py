"""Every change to the exposure categories or intensity rubrics gives the catalogue a new version, so
each process reads them again (portal/catalogue.py)."""

from django.db import migrations

from portal.migration_ops import catalogue_trigger


class Migration(migrations.Migration):

    dependencies = [
        ("exposure", "0011_roles"),
        ("portal", "0021_catalogue_version"),
    ]

    operations = [
        catalogue_trigger("exposure_exposurecategory"),
        catalogue_trigger("exposure_intensityrubric"),
    ]
