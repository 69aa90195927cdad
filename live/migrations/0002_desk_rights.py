"""Reporters post to live pages; editors also review, correct, pin and withdraw entries, publish and withdraw urgent
alerts, change the desk's settings and read its log."""

from django.db import migrations

from articles.roles import grants_operation

GRANTS = {
    "reporter": {"live": ["add_liveentry", "view_liveentry", "view_livepage"]},
    "editor": {
        "live": ["add_liveentry", "change_liveentry", "view_liveentry", "publish_liveentry", "view_livepage",
                 "add_urgentalert", "change_urgentalert", "view_urgentalert",
                 "change_livesettings", "view_livesettings", "view_liveevent"],
    },
}  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("live", "0001_initial")]

    operations = [grants_operation(GRANTS)]
