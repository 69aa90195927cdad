"""The editor-in-chief reads the consent log and writes and publishes versions of the privacy policy."""

from django.db import migrations

from articles.roles import grants_operation

GRANTS = {
    "chief": {
        "consent": [
            "view_consentrecord",
            "view_policyversion",
            "add_policyversion",
            "change_policyversion",
            "delete_policyversion",
        ]
    }
}


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_first_policy_and_moderator_rights"), ("articles", "0019_chief_role")]

    operations = [grants_operation(GRANTS)]
