from django.db import migrations

from articles.inline_photos import by_reference, finder, for_editor, photo_ids, renditions_of
from articles.sanitize import clean_body

# The untranslated column too: modeltranslation writes the current language's text there. Revisions keep the two
# translated ones (articles.services.revisions.REVISED_FIELDS).
BODY_COLUMNS = ("body", "body_ar", "body_en")
REVISION_COLUMNS = ("body_ar", "body_en")
BATCH = 200


def _rows(model, fields):
    """Every row of `model` with `fields`: primary keys first, then batches (SQLite gives no isolation between a
    cursor still reading a table and the updates written to it)."""
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        yield from model.objects.filter(pk__in=pks[start : start + BATCH]).only("pk", *fields)


def _changed(bodies, convert):
    converted = {column: convert(body) for column, body in bodies.items() if isinstance(body, str) and body}
    return {column: body for column, body in converted.items() if body != bodies[column]}


def _rewrite(apps, convert):
    """Every stored body, and every revision's, through `convert(body, Rendition)`. As in 0016, only the bodies
    change: not the version, not the update time readers see."""
    Article = apps.get_model("articles", "Article")
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    Rendition = apps.get_model("articles", "Rendition")
    for article in _rows(Article, BODY_COLUMNS):
        changed = _changed(
            {column: getattr(article, column) for column in BODY_COLUMNS}, lambda body: convert(body, Rendition)
        )
        if changed:
            Article.objects.filter(pk=article.pk).update(**changed)
    for revision in _rows(ArticleRevision, ["content"]):
        changed = _changed(
            {column: revision.content.get(column) for column in REVISION_COLUMNS}, lambda body: convert(body, Rendition)
        )
        if changed:
            ArticleRevision.objects.filter(pk=revision.pk).update(content={**revision.content, **changed})


def to_references(apps, schema_editor):
    """Inline photos pasted as rendition addresses become references to the photo at that width. An address of a
    rendition that no longer exists (its photo was replaced or deleted) stays as it was."""
    _rewrite(apps, lambda body, Rendition: clean_body(by_reference(clean_body(body), finder(Rendition))))


def to_addresses(apps, schema_editor):
    """Back: each reference becomes the address of the photo's current rendition at that width."""
    _rewrite(apps, lambda body, Rendition: for_editor(body, renditions_of(photo_ids(body), Rendition)))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_sanitize_stored_bodies"),
    ]

    operations = [
        migrations.RunPython(to_references, to_addresses, elidable=True),
    ]
