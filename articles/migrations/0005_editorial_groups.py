"""The newsroom's roles as groups: reporter, editor and moderator (articles/roles.py lists their permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.roles import GROUPS, create_groups


def create_editorial_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    create_groups(apps)


def delete_editorial_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editorial_groups, delete_editorial_groups)]
