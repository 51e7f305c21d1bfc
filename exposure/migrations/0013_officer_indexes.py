"""An officer's shifts, exposures and shift changes are found through the composite indexes that
start with the officer (shift_officer_date, exposure_officer_date_dose, shiftchange_officer_at), so
the officer's own single-column indexes go: every save updates three indexes fewer. Dropped
concurrently on PostgreSQL (`portal.migration_ops.drop_field_index`): saves go on meanwhile."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from portal.migration_ops import drop_field_index


def officer(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                             related_name=related_name, to=settings.AUTH_USER_MODEL)


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("exposure", "0012_catalogue_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(model_name=model, name="officer", field=officer(related))],
            database_operations=[drop_field_index(f"exposure.{model}", "officer")],
        )
        for model, related in (("exposure", "exposures"), ("shiftchange", "+"), ("shiftlog", "shifts"))
    ]
