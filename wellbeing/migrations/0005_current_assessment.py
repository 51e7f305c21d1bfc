from django.db import migrations, models


def mark_latest(apps, schema_editor):
    RiskAssessment = apps.get_model("wellbeing", "RiskAssessment")
    latest = {}
    for pk, officer_id in RiskAssessment.objects.order_by("officer_id", "-computed_at", "-id").values_list(
            "pk", "officer_id"):
        latest.setdefault(officer_id, pk)
    RiskAssessment.objects.exclude(pk__in=list(latest.values())).update(is_current=False)


class Migration(migrations.Migration):
    dependencies = [("wellbeing", "0004_role_baseline")]

    operations = [
        migrations.AddField(
            model_name="riskassessment",
            name="is_current",
            field=models.BooleanField(default=True),
        ),
        migrations.AlterField(
            model_name="riskassessment",
            name="inputs_digest",
            field=models.CharField(help_text="Hash of the result; an equal result gives no new row.", max_length=64),
        ),
        migrations.RunPython(mark_latest, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="riskassessment",
            constraint=models.UniqueConstraint(condition=models.Q(("is_current", True)), fields=("officer",),
                                               name="assessment_one_current_per_officer"),
        ),
    ]
