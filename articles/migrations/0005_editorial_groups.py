"""The newsroom's roles as groups: reporter, editor and moderator, with the permissions they had at this point."""

from django.db import migrations

from articles.roles import create_groups, create_permissions_now

REPORTER = {
    "articles": ["add_article", "change_article", "view_article", "view_section", "view_tag", "add_tag",
                 "view_author", "add_image", "change_image", "view_image"],
}  # fmt: skip
EDITOR = {
    "articles": [
        "add_article", "change_article", "delete_article", "view_article", "edit_any_article", "publish_article",
        "add_section", "change_section", "delete_section", "view_section",
        "add_tag", "change_tag", "delete_tag", "view_tag",
        "add_author", "change_author", "delete_author", "view_author",
        "add_authorlink", "change_authorlink", "delete_authorlink", "view_authorlink",
        "add_image", "change_image", "delete_image", "view_image",
        "view_articletransition",
    ],
}  # fmt: skip
GROUPS = {"reporter": REPORTER, "editor": EDITOR, "moderator": {}}


def create_editorial_groups(apps, schema_editor):
    create_permissions_now(apps)
    create_groups(apps, GROUPS)


def delete_editorial_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editorial_groups, delete_editorial_groups)]
