from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0013_staff_number'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='local_passwords_allowed',
            field=models.BooleanField(default=True, help_text="Untick when this organisation's people must sign in with their organisation's account (single sign-on). People of other organisations keep their passwords.", verbose_name='local passwords allowed'),
        ),
    ]
