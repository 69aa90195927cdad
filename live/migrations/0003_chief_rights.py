"""The editor-in-chief runs the live desk as editors do."""

from django.db import migrations

from articles.roles import grants_operation

GRANTS = {
    "chief": {
        "live": [
            "add_liveentry",
            "change_liveentry",
            "view_liveentry",
            "publish_liveentry",
            "view_livepage",
            "add_urgentalert",
            "change_urgentalert",
            "view_urgentalert",
            "change_livesettings",
            "view_livesettings",
            "view_liveevent",
        ]
    }
}


class Migration(migrations.Migration):
    dependencies = [("live", "0002_desk_rights"), ("articles", "0019_chief_role")]

    operations = [grants_operation(GRANTS)]
