"""Help requests become a record type of the retention policy (issue 21), kept 6 years after the
officer's employment ends, as the other records of their wellbeing file."""

from django.db import migrations, models

DEFAULT_YEARS = 6


def seed_policy(apps, schema_editor):
    RetentionPolicy = apps.get_model("wellbeing", "RetentionPolicy")
    RetentionPolicy.objects.get_or_create(record_type="help_requests",
                                          defaults={"years_after_employment": DEFAULT_YEARS})


def unseed_policy(apps, schema_editor):
    apps.get_model("wellbeing", "RetentionPolicy").objects.filter(record_type="help_requests").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("wellbeing", "0014_help_request_peer_supporter"),
    ]

    operations = [
        migrations.AlterField(
            model_name="retentionpolicy",
            name="record_type",
            field=models.CharField(choices=[("checkins", "Check-ins"), ("exposures", "Shifts and exposures"),
                                            ("assessments", "Risk assessments"), ("flags", "Flags"),
                                            ("welfare_actions", "Welfare actions"), ("referrals", "Referrals"),
                                            ("case_notes", "OH case notes"),
                                            ("help_requests", "Help requests (closed) and their contacts")],
                                   max_length=30, unique=True, verbose_name="record type"),
        ),
        migrations.RunPython(seed_policy, unseed_policy),
    ]
