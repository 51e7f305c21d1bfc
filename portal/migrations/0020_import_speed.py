"""Drop the second index Django makes on portal_user.username on PostgreSQL: the `varchar_pattern_ops`
"_like" index, which serves only case-sensitive LIKE (startswith, contains) on the username. No
query of the portal does that (the OH search's username__icontains compares UPPER(username), which
no plain index serves; sign-in and SCIM look a username up exactly, through the unique index that
stays), and every person the HR import writes paid for it (issue 19, bench/import_people.py).

Database only: Django's migration state does not model the "_like" index, so nothing changes there
and makemigrations stays clean. Reversing recreates it as Django makes it. A later AlterField of
username that changes its type would recreate it (Django drops it IF EXISTS, then creates it again):
drop it again in that migration."""

from django.db import migrations


def _like_index(schema_editor) -> str:
    return schema_editor._create_index_name("portal_user", ["username"], suffix="_like")


def drop_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_like_index(schema_editor))}")


def recreate_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        user = apps.get_model("portal", "User")
        statement = schema_editor._create_like_index_sql(user, user._meta.get_field("username"))
        if statement is not None:
            schema_editor.execute(statement)  # as Django made it


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0019_roles"),
    ]

    operations = [
        migrations.RunPython(drop_like_index, recreate_like_index, elidable=False),
    ]
