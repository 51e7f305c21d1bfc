from django.db import migrations

from portal.migration_ops import brin_index


class Migration(migrations.Migration):

    dependencies = [
        ("exposure", "0005_officer_date_index_carries_dose"),
    ]

    operations = [
        brin_index("exposure_exposure", "shift_date", "exposure_shift_date_brin"),
    ]
