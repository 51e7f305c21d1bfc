"""SupportContact.always_open: the contacts that answer 24 hours a day, listed first outside
occupational health's hours (hazard H8). The seeded national crisis lines (DOMAIN.md section 4:
999, Samaritans, NHS 111's mental health option, Shout) are marked; Police Care UK's and Mind's
hours are not 24-hour (or not verified), so they are not."""

from django.db import migrations, models

ROUND_THE_CLOCK = ["Emergency services", "Samaritans", "NHS 111", "Shout"]


def mark(apps, schema_editor):
    SupportContact = apps.get_model("wellbeing", "SupportContact")
    SupportContact.objects.filter(organisation=None, name__in=ROUND_THE_CLOCK).update(always_open=True)


class Migration(migrations.Migration):
    dependencies = [("wellbeing", "0008_assessment_finding")]
    operations = [
        migrations.AddField(
            model_name="supportcontact",
            name="always_open",
            field=models.BooleanField(
                default=False,
                help_text="Tick for crisis lines that answer at any hour, every day. Outside occupational "
                          "health's hours they are listed first.",
                verbose_name="answers 24 hours a day"),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
