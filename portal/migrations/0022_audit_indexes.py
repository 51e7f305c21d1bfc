"""The audit trail is the biggest table and every request writes to it. A person's events are found
through audit_subject_at (subject, at), so the subject's own index goes; events are looked up by
their exact action, never with LIKE, so of the action's two indexes on PostgreSQL only the plain
one stays (renamed audit_action, declared in the model's Meta). Each event then updates two
indexes fewer. Dropped concurrently on PostgreSQL (`portal.migration_ops.drop_field_index`)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from portal.migration_ops import drop_field_index


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("portal", "0021_catalogue_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="auditevent", name="action", field=models.CharField(max_length=60)),
                migrations.AddIndex(model_name="auditevent", index=models.Index(fields=["action"], name="audit_action")),
            ],
            database_operations=[drop_field_index("portal.auditevent", "action", keep_as="audit_action")],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name="auditevent", name="subject",
                field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True,
                                        on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                        to=settings.AUTH_USER_MODEL))],
            database_operations=[drop_field_index("portal.auditevent", "subject")],
        ),
    ]
