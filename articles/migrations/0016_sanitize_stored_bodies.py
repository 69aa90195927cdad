from django.db import migrations

from articles.sanitize import clean_body

# The untranslated column too: modeltranslation writes the current language's text there.
BODY_COLUMNS = ("body", "body_ar", "body_en")
BATCH = 200


def sanitize_stored_bodies(apps, schema_editor):
    """Bodies stored before Article.save() sanitised them (a script, the shell, a fixture) go through today's
    allow-list once. Only the bodies change: not the version (no editor's form is out of date, the text means the
    same), not the update time readers see. Pages already sanitise on output; this keeps the stored text, the
    revisions made from it and the editor's view honest."""
    Article = apps.get_model("articles", "Article")
    # Primary keys first, then batches of rows: SQLite gives no isolation between a cursor still reading a table and
    # the updates written to it.
    pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        for article in Article.objects.filter(pk__in=pks[start : start + BATCH]).only("pk", *BODY_COLUMNS):
            changes = {}
            for column in BODY_COLUMNS:
                value = getattr(article, column)
                if value and (cleaned := clean_body(value)) != value:
                    changes[column] = cleaned
            if changes:
                Article.objects.filter(pk=article.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_visible_newest_index"),
    ]

    operations = [
        migrations.RunPython(sanitize_stored_bodies, migrations.RunPython.noop, elidable=True),
    ]
