"""The newsroom's roles as groups and the permissions each holds. The groups are made by a data migration
(articles/migrations/0005_editorial_groups.py); the comments app gives moderators their rights."""

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


def create_groups(apps):
    """Create the groups (or complete them) with their permissions; `apps` is a migration's or the live registry."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        for app_label, codenames in grants.items():
            permissions = permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Permissions missing for group {name}: {sorted(missing)}")
            group.permissions.add(*permissions)
