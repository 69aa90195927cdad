"""Editors and the editor-in-chief arrange the home page and the sections' pages."""

from django.db import migrations

from articles.roles import grants_operation

ARRANGING = [
    f"{action}_{model}"
    for model in ("arrangement", "arrangedstory", "arrangedsection")
    for action in ("add", "change", "delete", "view")
]
GRANTS = {"editor": {"articles": ARRANGING}, "chief": {"articles": ARRANGING}}


class Migration(migrations.Migration):
    dependencies = [("articles", "0022_page_arrangements")]

    operations = [grants_operation(GRANTS)]
