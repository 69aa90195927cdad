"""The editor-in-chief (chief) holds every right an editor has over articles."""

from django.db import migrations

from articles.roles import grants_operation

GRANTS = {
    "chief": {
        "articles": [
            "add_article",
            "change_article",
            "delete_article",
            "view_article",
            "edit_any_article",
            "publish_article",
            "add_section",
            "change_section",
            "delete_section",
            "view_section",
            "add_tag",
            "change_tag",
            "delete_tag",
            "view_tag",
            "add_author",
            "change_author",
            "delete_author",
            "view_author",
            "add_authorlink",
            "change_authorlink",
            "delete_authorlink",
            "view_authorlink",
            "add_image",
            "change_image",
            "delete_image",
            "view_image",
            "view_articletransition",
            "add_articleauthor",
            "change_articleauthor",
            "delete_articleauthor",
            "view_articleauthor",
            "add_correction",
            "change_correction",
            "delete_correction",
            "view_correction",
            "view_articlerevision",
        ]
    }
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_live_coverage_times")]

    operations = [grants_operation(GRANTS)]
