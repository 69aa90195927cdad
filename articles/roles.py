"""The newsroom's roles as groups and the permissions each holds today.

Data migrations make and update the groups, each with its own copy of the list as it was then (a migration must
not depend on code that changes later); the tests restore the groups from here after a transactional test has
emptied the tables. The comments and consent apps give moderators their rights; each app gives the editor-in-chief
(chief) its share. The planning and newsletters apps' rights are listed here as data (app labels and codenames):
articles imports nothing of them."""

REPORTER = {
    "articles": ["add_article", "change_article", "view_article", "view_section", "view_tag", "add_tag",
                 "view_author", "add_image", "change_image", "view_image",
                 "add_articleauthor", "change_articleauthor", "delete_articleauthor", "view_articleauthor",
                 "view_correction", "view_articlerevision"],
    "live": ["add_liveentry", "view_liveentry", "view_livepage"],
    "planning": ["view_plannedstory"],
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
        "add_articleauthor", "change_articleauthor", "delete_articleauthor", "view_articleauthor",
        "add_correction", "change_correction", "delete_correction", "view_correction",
        "view_articlerevision",
        *(f"{action}_{model}" for model in ("arrangement", "arrangedstory", "arrangedsection")
          for action in ("add", "change", "delete", "view")),
    ],
    "live": ["add_liveentry", "change_liveentry", "view_liveentry", "publish_liveentry", "view_livepage",
             "add_urgentalert", "change_urgentalert", "view_urgentalert",
             "change_livesettings", "view_livesettings", "view_liveevent"],
    "planning": ["add_plannedstory", "change_plannedstory", "delete_plannedstory", "view_plannedstory"],
}  # fmt: skip
MODERATOR = {
    "comments": ["view_comment", "change_comment", "delete_comment",
                 "add_blockedword", "change_blockedword", "delete_blockedword", "view_blockedword",
                 "view_moderationevent"],
    "consent": ["view_consentrecord", "view_policyversion"],
}  # fmt: skip
# The editor-in-chief: everything an editor and a moderator may do, and the privacy policy (each app's migration
# grants its own share).
CHIEF = {
    "articles": EDITOR["articles"],
    "live": EDITOR["live"],
    "planning": EDITOR["planning"],
    "comments": MODERATOR["comments"],
    "consent": [*MODERATOR["consent"], "add_policyversion", "change_policyversion", "delete_policyversion"],
    # Newsletter subscribers' addresses: the chief alone (newsletters' migration 0002).
    "newsletters": ["view_subscriber", "view_subscriber_address", "delete_subscriber", "view_mailing"],
}
GROUPS = {"reporter": REPORTER, "editor": EDITOR, "moderator": MODERATOR, "chief": CHIEF}


def create_permissions_now(apps):
    """Permissions are normally created after all migrations have run: a data migration that hands them out
    creates them first, for the models as they are at that point."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, groups=GROUPS):
    """Create the groups (or complete them) with their permissions; `apps` is a migration's or the live registry."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, grants in groups.items():
        group, _created = group_model.objects.get_or_create(name=name)
        for app_label, codenames in grants.items():
            permissions = permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Permissions missing for group {name}: {sorted(missing)}")
            group.permissions.add(*permissions)


def remove_grants(apps, groups):
    """Undo create_groups(apps, groups): take those permissions back from those groups (a migration's reverse)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, grants in groups.items():
        for app_label, codenames in grants.items():
            permissions = permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            for group in group_model.objects.filter(name=name):
                group.permissions.remove(*permissions)


def grants_operation(grants):
    """A data migration's operation that gives `grants` ({group: {app_label: [codename, …]}}) and, reversed, takes
    them back: what each app's migration that hands out rights needs."""
    from django.db import migrations

    def grant(apps, schema_editor):
        create_permissions_now(apps)
        create_groups(apps, grants)

    def revoke(apps, schema_editor):
        remove_grants(apps, grants)

    return migrations.RunPython(grant, revoke)
