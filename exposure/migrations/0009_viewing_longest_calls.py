from django.db import migrations, models

from portal.migration_ops import brin_index


class Migration(migrations.Migration):
    """Issue 18: each viewing session keeps its longest stretch without a break (the risk rule on
    viewing without breaks reads it), and the risk sweep's read of recent call-handling shifts uses a
    BRIN index on the shift date, as the exposures' does (shifts arrive in date order)."""

    dependencies = [
        ("exposure", "0008_category_welsh_names_forms"),
    ]

    operations = [
        migrations.AddField(
            model_name="viewingsession",
            name="longest_viewing_seconds",
            field=models.PositiveIntegerField(default=0),
        ),
        brin_index("exposure_shiftlog", "shift_date", "shiftlog_shift_date_brin"),
    ]
