"""Reporters and editors may write bylines; editors may write corrections; both may read revisions."""

from django.db import migrations

from articles.roles import create_groups, create_permissions_now

ADDED = {
    "reporter": {
        "articles": ["add_articleauthor", "change_articleauthor", "delete_articleauthor", "view_articleauthor",
                     "view_correction", "view_articlerevision"],
    },
    "editor": {
        "articles": ["add_articleauthor", "change_articleauthor", "delete_articleauthor", "view_articleauthor",
                     "add_correction", "change_correction", "delete_correction", "view_correction",
                     "view_articlerevision"],
    },
}  # fmt: skip


def grant(apps, schema_editor):
    create_permissions_now(apps)
    create_groups(apps, ADDED)


def revoke(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, grants in ADDED.items():
        for app_label, codenames in grants.items():
            permissions = permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            for group in group_model.objects.filter(name=name):
                group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_reschedule")]

    operations = [migrations.RunPython(grant, revoke)]
