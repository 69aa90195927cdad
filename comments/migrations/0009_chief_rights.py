"""The editor-in-chief moderates comments as moderators do."""

from django.db import migrations

from articles.roles import grants_operation

GRANTS = {
    "chief": {
        "comments": [
            "view_comment",
            "change_comment",
            "delete_comment",
            "add_blockedword",
            "change_blockedword",
            "delete_blockedword",
            "view_blockedword",
            "view_moderationevent",
        ]
    }
}


class Migration(migrations.Migration):
    dependencies = [("comments", "0008_moderation_log_records_deletions"), ("articles", "0019_chief_role")]

    operations = [grants_operation(GRANTS)]
