"""The editor-in-chief sees the subscribers (with their addresses) and the mailings; nobody else is given the right
to see addresses."""

from django.db import migrations

from articles.roles import grants_operation

GRANTS = {
    "chief": {
        "newsletters": ["view_subscriber", "view_subscriber_address", "delete_subscriber", "view_mailing"],
    }
}


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0001_initial")]

    operations = [grants_operation(GRANTS)]
