"""The newsroom's roles as groups: reporter, editor and moderator (the comments app gives moderators their rights)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = {
    "articles": ["add_article", "change_article", "view_article", "view_section", "view_tag", "add_tag",
                 "view_author", "add_image", "change_image", "view_image"],
}  # fmt: skip
EDITOR = {
    "articles": [
        "add_article", "change_article", "delete_article", "view_article", "edit_any_article", "publish_article",
        "add_section", "change_section", "delete_section", "view_section",
        "add_tag", "change_tag", "delete_tag", "view_tag",
        "add_author", "change_author", "delete_author", "view_author",
        "add_authorlink", "change_authorlink", "delete_authorlink", "view_authorlink",
        "add_image", "change_image", "delete_image", "view_image",
        "view_articletransition",
    ],
}  # fmt: skip
GROUPS = {"reporter": REPORTER, "editor": EDITOR, "moderator": {}}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        for app_label, codenames in grants.items():
            permissions = permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Permissions missing for group {name}: {sorted(missing)}")
            group.permissions.add(*permissions)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
