"""Moderators read the moderation log (nobody edits it: the admin offers no add, change or delete)."""

from django.db import migrations

from articles.roles import create_groups, create_permissions_now, remove_grants

GRANTS = {"moderator": {"comments": ["view_moderationevent"]}}


def grant(apps, schema_editor):
    create_permissions_now(apps)
    create_groups(apps, GRANTS)


def revoke(apps, schema_editor):
    remove_grants(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("comments", "0006_moderation_log")]

    operations = [migrations.RunPython(grant, revoke)]
