"""
State changes of the editorial desk. Views, admin actions and commands call these; nothing else writes workflow
state or stored photo files.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.pagecache import pages_changed_on_commit

from . import images
from .models import (
    TRANSITIONS,
    Article,
    ArticleAuthor,
    ArticleRevision,
    ArticleTransition,
    Author,
    Image,
    Rendition,
    Section,
)


def image_store(*, image: Image, upload=None, prepared: images.PreparedPhoto | None = None, by=None) -> Image:
    """
    Validate `upload`, strip its metadata, store it as `image`'s original and make every rendition, replacing any
    earlier files of this photo. Raises ValidationError (and stores nothing) for a file we do not accept, whatever
    is wrong with it.

    A form that already validated the upload passes what images.prepare() made of it as `prepared` instead, so the
    work is not done twice and nothing can fail here that the form could have reported. Renditions are made at
    upload time, so no reader ever waits for one.
    """
    if (upload is None) == (prepared is None):
        raise TypeError("image_store() takes either an upload or a prepared photo")
    if prepared is None:
        prepared = images.prepare(upload)
    original, renditions = prepared.original, prepared.renditions
    replaced_original = image.original.name if image.pk else ""
    storage = image.original.storage

    written = []
    try:
        with transaction.atomic():
            name = images.random_name("originals", original.extension)
            image.original.save(name, ContentFile(original.content), save=False)
            written.append((storage, image.original.name))
            image.width, image.height = original.width, original.height
            if image.uploaded_by_id is None:
                image.uploaded_by = by
            image.save()
            image.renditions.all().delete()  # their files are removed on commit (signal_handlers.py)
            rows = []
            for width, image_format, encoded in renditions:
                rendition = Rendition(image=image, width=width, height=encoded.height, format=image_format)
                rendition.file.save(
                    images.random_name("renditions", encoded.extension), ContentFile(encoded.content), save=False
                )
                written.append((rendition.file.storage, rendition.file.name))
                rows.append(rendition)
            Rendition.objects.bulk_create(rows)
            if replaced_original:
                transaction.on_commit(lambda: storage.delete(replaced_original))
    except BaseException:
        # The database rolled back: the files written for it would be orphans.
        for file_storage, file_name in written:
            file_storage.delete(file_name)
        raise
    return image


# The editorial workflow. Every status change goes through these functions: they check the user's role, follow
# only the edges in models.TRANSITIONS, update the row only if nobody changed its status meanwhile, and log the
# step in ArticleTransition (whose CHECK constraint refuses any pair outside the workflow).


def _require(allowed: bool, message):
    if not allowed:
        raise PermissionDenied(message)


def _move(*, article: Article, to_status: str, by, published_at=None) -> Article:
    with transaction.atomic():
        current = Article.objects.select_for_update().only("status", "published_at").get(pk=article.pk)
        if (current.status, to_status) not in TRANSITIONS:
            raise ValidationError(
                _("An article that is “%(current)s” cannot become “%(target)s”."),
                code="transition_not_allowed",
                params={
                    "current": Article.Status(current.status).label,
                    "target": Article.Status(to_status).label,
                },
            )
        changes = {"status": to_status, "updated_at": timezone.now()}
        if published_at is not None:
            changes["published_at"] = published_at
        if not Article.objects.filter(pk=article.pk, status=current.status).update(**changes):
            raise ValidationError(_("Someone else changed this article's status just now."), code="concurrent_change")
        ArticleTransition.objects.create(article=article, from_status=current.status, to_status=to_status, by=by)
        # Published, unpublished or scheduled: the reader site changes (a status step saves no model instance).
        pages_changed_on_commit()
    for field, value in changes.items():
        setattr(article, field, value)
    return article


def article_submit(*, article: Article, by) -> Article:
    """A reporter (or editor) sends a draft to the editors for review."""
    # Asked of the article as a draft: for one in another status the workflow's refusal is the one to give.
    _require(article.may_be_edited_by(by, status=Article.Status.DRAFT), _("You can only submit your own articles."))
    return _move(article=article, to_status=Article.Status.IN_REVIEW, by=by)


def article_return_to_draft(*, article: Article, by) -> Article:
    """Back to draft: an editor returns an article for more work, or its reporter withdraws it from review."""
    if article.status == Article.Status.UNPUBLISHED:
        _require(by.has_perm("articles.publish_article"), _("Only editors can reopen an unpublished article."))
    else:
        # Whoever may edit it once it is a draft again.
        _require(
            article.may_be_edited_by(by, status=Article.Status.DRAFT), _("You can only withdraw your own articles.")
        )
    return _move(article=article, to_status=Article.Status.DRAFT, by=by)


def article_publish(*, article: Article, by, at=None) -> Article:
    """
    An editor publishes now (`at` empty or past) or schedules for `at`. A scheduled article appears on the site at
    that time by itself (`Article.objects.published()`); `publish_scheduled` later records the step.
    """
    _require(by.has_perm("articles.publish_article"), _("Only editors can publish articles."))
    now = timezone.now()
    if at is not None and at > now:
        return _move(article=article, to_status=Article.Status.SCHEDULED, by=by, published_at=at)
    return _move(article=article, to_status=Article.Status.PUBLISHED, by=by, published_at=at or now)


def article_unpublish(*, article: Article, by) -> Article:
    """An editor takes a published (or scheduled) article off the site."""
    _require(by.has_perm("articles.publish_article"), _("Only editors can unpublish articles."))
    return _move(article=article, to_status=Article.Status.UNPUBLISHED, by=by)


def article_publish_due(*, now=None) -> list[Article]:
    """Record as published every scheduled article whose time has come (safe to run at any time, and twice)."""
    now = now or timezone.now()
    done = []
    for article in Article.objects.filter(status=Article.Status.SCHEDULED, published_at__lte=now).only("pk"):
        try:
            done.append(_move(article=article, to_status=Article.Status.PUBLISHED, by=None))
        except ValidationError:
            continue  # another run (or an editor) moved it first
    return done


# Revisions: what an article said after each save, and going back to it.
REVISED_FIELDS = [
    *(f"{name}_{language}" for name in ("headline", "standfirst", "body", "dateline") for language in ("ar", "en")),
    "slug",
    "section_id",
    "featured_image_id",
]


def article_snapshot(*, article: Article, by, note="") -> ArticleRevision:
    """Keep the article as it is now (text, section, slug, photo, tags, byline) as its next revision."""
    content = {field: getattr(article, field) for field in REVISED_FIELDS}
    content["tags"] = sorted(article.tags.names())
    content["authors"] = list(article.bylines.order_by("position", "id").values_list("author_id", flat=True))
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).exists()  # one numbering at a time
        last = article.revisions.aggregate(last=Max("number"))["last"] or 0
        return ArticleRevision.objects.create(
            article=article, number=last + 1, created_by=by, content=content, note=str(note)
        )


def article_restore(*, article: Article, revision: ArticleRevision, by) -> Article:
    """Put an earlier revision's content back (the current content stays in history as a revision of its own)."""
    _require(article.may_be_edited_by(by), _("You cannot change this article."))
    if revision.article_id != article.pk:
        raise ValidationError(_("This revision belongs to another article."), code="wrong_article")
    content = revision.content
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        for field in REVISED_FIELDS:
            setattr(locked, field, content.get(field))
        if locked.featured_image_id and not Image.objects.filter(pk=locked.featured_image_id).exists():
            locked.featured_image_id = None  # the photo has since been deleted
        if not Section.objects.filter(pk=locked.section_id).exists():
            locked.section_id = article.section_id  # the old section has since been deleted: keep today's
        locked.version += 1
        locked.save()
        locked.tags.set(content.get("tags", []))
        locked.bylines.all().delete()
        existing = set(Author.objects.filter(pk__in=content.get("authors", [])).values_list("pk", flat=True))
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=locked, author_id=author_id, position=position)
            for position, author_id in enumerate(a for a in content.get("authors", []) if a in existing)
        )
        article_snapshot(
            article=locked, by=by, note=_("Restored from revision %(number)s") % {"number": revision.number}
        )
    return locked
