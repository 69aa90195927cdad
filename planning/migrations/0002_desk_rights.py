"""Editors and the editor-in-chief plan, assign, drop and put back stories; reporters read the plan (and start the
drafts of the stories assigned to them, which the article rights they hold already allow)."""

from django.db import migrations

from articles.roles import grants_operation

DESK = ["add_plannedstory", "change_plannedstory", "delete_plannedstory", "view_plannedstory"]
GRANTS = {
    "reporter": {"planning": ["view_plannedstory"]},
    "editor": {"planning": DESK},
    "chief": {"planning": DESK},
}


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial"), ("articles", "0019_chief_role")]

    operations = [grants_operation(GRANTS)]
