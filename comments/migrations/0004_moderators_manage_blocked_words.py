"""Moderators keep the block-list of words."""

from django.db import migrations

from articles.roles import create_groups, create_permissions_now

CODENAMES = ["add_blockedword", "change_blockedword", "delete_blockedword", "view_blockedword"]


def grant(apps, schema_editor):
    create_permissions_now(apps)
    create_groups(apps, {"moderator": {"comments": CODENAMES}})


def revoke(apps, schema_editor):
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="comments", codename__in=CODENAMES
    )
    for group in apps.get_model("auth", "Group").objects.filter(name="moderator"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_blocked_words")]

    operations = [migrations.RunPython(grant, revoke)]
