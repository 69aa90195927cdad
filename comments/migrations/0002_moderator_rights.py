"""Moderators may read and moderate comments (and nothing else)."""

from django.db import migrations

from articles.roles import create_groups, create_permissions_now

GRANTS = {"moderator": {"comments": ["view_comment", "change_comment", "delete_comment"]}}


def grant(apps, schema_editor):
    create_permissions_now(apps)
    create_groups(apps, GRANTS)


def revoke(apps, schema_editor):
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="comments", codename__in=GRANTS["moderator"]["comments"]
    )
    for group in apps.get_model("auth", "Group").objects.filter(name="moderator"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0010_bylines_and_corrections_rights"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
