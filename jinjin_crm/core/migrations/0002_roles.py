from django.db import migrations

ROLES = ("officer", "leader", "admin")


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name__in=ROLES
    ).delete()


class Migration(migrations.Migration):
    """The three roles as groups; their permissions are kept in step by core.roles on every migrate."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
