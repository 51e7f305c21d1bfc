"""An officer's check-ins, assessments and flags are found through the composite indexes that start
with the officer (checkin_officer_instr_at, assessment_officer_latest, flag_officer_status), so the
officer's own single-column indexes go: each check-in, and each assessment and flag the nightly
sweep writes, updates one index fewer. Dropped concurrently on PostgreSQL
(`portal.migration_ops.drop_field_index`)."""

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
        ("wellbeing", "0022_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(model_name=model, name="officer", field=officer(related))],
            database_operations=[drop_field_index(f"wellbeing.{model}", "officer")],
        )
        for model, related in (("checkin", "checkins"), ("flag", "flags"), ("riskassessment", "risk_assessments"))
    ]
