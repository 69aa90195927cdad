"""Articles: the editorial workflow (each status change, checked and logged) and saving an editor's text under
optimistic locking."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core.mail import mail_send
from core.pagecache import pages_check_due

from .. import page_tags
from ..jobs import articles_come_due
from ..models import TRANSITIONS, Article, ArticleTransition

# The editorial workflow. Every status change goes through these functions: they check the user's role, follow
# only the edges in models.TRANSITIONS, update the row only if nobody changed its status meanwhile, and log the
# step in ArticleTransition (whose CHECK constraint refuses any pair outside the workflow).


def require(allowed: bool, message):
    """Refuse (PermissionDenied, with `message` for the user) unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message)


def _move(*, article: Article, to_status: str, by, published_at=None, note="") -> Article:
    with transaction.atomic():
        current = Article.objects.select_for_update().only("status", "published_at").get(pk=article.pk)
        before = page_tags.Listing.stored(article.pk)
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
        ArticleTransition.objects.create(
            article=article, from_status=current.status, to_status=to_status, by=by, note=note
        )
        # Published, unpublished or scheduled: the reader site changes (a status step saves no model instance).
        page_tags.article_workflow_step(article, before)
    for field, value in changes.items():
        setattr(article, field, value)
    return article


def article_submit(*, article: Article, by) -> Article:
    """A reporter (or editor) sends a draft to the editors for review; if an editor had returned it with a note,
    that editor is told by e-mail (a job) that it is back."""
    # Asked of the article as a draft: for one in another status the workflow's refusal is the one to give.
    require(article.may_be_edited_by(by, status=Article.Status.DRAFT), _("You can only submit your own articles."))
    with transaction.atomic():
        article = _move(article=article, to_status=Article.Status.IN_REVIEW, by=by)
        returned = article_return_note(article)
        if returned is not None and returned.by_id != by.pk and returned.by and returned.by.email:
            with override(settings.LANGUAGE_CODE):
                subject = _("An article you returned is back for review")
                body = _("“%(headline)s” is back for review, after your note: %(note)s\n%(path)s") % {
                    "headline": article.headline,
                    "note": returned.note,
                    "path": reverse("admin:articles_article_change", args=[article.pk]),
                }
            mail_send.enqueue(key=f"article-resubmitted:{returned.pk}", subject=str(subject), body=str(body),
                              to=[returned.by.email])  # fmt: skip
    return article


def article_return_note(article: Article):
    """The editor's note of the last time the article was returned from review (an ArticleTransition), or None."""
    last_return = (
        article.transitions.filter(from_status=Article.Status.IN_REVIEW, to_status=Article.Status.DRAFT)
        .select_related("by")
        .order_by("-at", "-id")
        .first()
    )
    return last_return if last_return is not None and last_return.note else None


def article_return_to_draft(*, article: Article, by, note: str = "") -> Article:
    """Back to draft: an editor returns an article for more work, with a note its writer reads (required when
    returning someone else's article from review), or its reporter withdraws it from review."""
    note = note.strip()
    if article.status == Article.Status.UNPUBLISHED:
        require(by.has_perm("articles.publish_article"), _("Only editors can reopen an unpublished article."))
    else:
        # Whoever may edit it once it is a draft again.
        require(
            article.may_be_edited_by(by, status=Article.Status.DRAFT), _("You can only withdraw your own articles.")
        )
        if article.status == Article.Status.IN_REVIEW and not article.is_by(by) and not note:
            raise ValidationError(
                _("Say what needs more work: the writer reads your note on their desk."), code="note_required"
            )
    return _move(article=article, to_status=Article.Status.DRAFT, by=by, note=note)


BYLINE_REQUIRED = _(
    "Add a byline before publishing: readers need to know who wrote this. A staff member without an author profile "
    "gets one under Authors."
)


def article_publish(*, article: Article, by, at=None) -> Article:
    """
    An editor publishes now (`at` empty or past) or schedules for `at` an article with a byline. A scheduled article
    appears on the site at that time by itself (`Article.objects.published()`); a job enqueued for that time records
    the step and does what follows it (`articles.jobs.articles_come_due`; `publish_scheduled` is the safety net).
    """
    require(by.has_perm("articles.publish_article"), _("Only editors can publish articles."))
    if not article.bylines.exists():
        # Readers are owed a name (and NewsArticle's author): an article goes out under somebody's byline.
        raise ValidationError(BYLINE_REQUIRED, code="byline_required")
    now = timezone.now()
    if at is not None and at > now:
        with transaction.atomic():
            scheduled = _move(article=article, to_status=Article.Status.SCHEDULED, by=by, published_at=at)
            articles_come_due.using(run_after=at).enqueue()
        return scheduled
    return _move(article=article, to_status=Article.Status.PUBLISHED, by=by, published_at=at or now)


def article_unpublish(*, article: Article, by) -> Article:
    """An editor takes a published (or scheduled) article off the site."""
    require(by.has_perm("articles.publish_article"), _("Only editors can unpublish articles."))
    return _move(article=article, to_status=Article.Status.UNPUBLISHED, by=by)


def articles_reindex(*, ids: list[int]) -> int:
    """Make the search columns of these articles again from their text (after a change to how Arabic is normalised
    or stemmed, core/arabic.py): one UPDATE each, saving nothing else, so no page changes and no revision is made.
    Returns how many were re-indexed."""
    done = 0
    for article in Article.objects.filter(pk__in=ids).only(
        "pk", *(f"{name}_{language}" for language in ("ar", "en") for name in ("headline", "standfirst", "body"))
    ):
        done += Article.objects.filter(pk=article.pk).update(**article.search_columns())
    return done


def article_publish_due(*, now=None) -> list[Article]:
    """Record as published every scheduled article whose time has come (safe to run at any time, and twice), and
    purge what came due from the page cache and the cache in front, which may answer every request until then."""
    pages_check_due()
    now = now or timezone.now()
    done = []
    for article in Article.objects.filter(status=Article.Status.SCHEDULED, published_at__lte=now).only("pk"):
        try:
            done.append(_move(article=article, to_status=Article.Status.PUBLISHED, by=None))
        except ValidationError:
            continue  # another run (or an editor) moved it first
    return done


# Saving an editor's text. Optimistic locking: the editor's form carries the version they loaded, and a save over a
# newer one is refused with their text kept, so no save is silently lost.

EDIT_CONFLICT = _(
    "Someone else saved this article while you were editing it, so your changes were not saved. Your text is still "
    "in the form below: copy what you need, then reload the page to see their version and add your changes to it."
)


def article_check_version(*, article: Article, loaded_version: int | None) -> dict:
    """
    Lock `article`'s row for the rest of the transaction and refuse (ValidationError, code "edit_conflict") if
    someone saved it since the editor loaded `loaded_version`. Returns the row's version, status and publication
    time as stored. The article form calls this while it validates, so the refusal is an error on the form; run
    inside the transaction that saves (the admin's), it keeps a second save out until this one commits.
    """
    current = Article.objects.select_for_update().values("version", "status", "published_at").get(pk=article.pk)
    if loaded_version != current["version"]:
        raise ValidationError(EDIT_CONFLICT, code="edit_conflict")
    return current


def article_save(*, article: Article, by, loaded_version: int | None = None) -> Article:
    """
    Save an editor's text (headline, body, section, photo…) of a new article, as `by`'s, or of an existing one
    they loaded at `loaded_version` (refused as in article_check_version()). The status and publication time stay as
    the workflow left them, whatever the instance holds: only the workflow services change them. Each save is a new
    version.
    """
    with transaction.atomic():
        if article.pk is None:
            article.created_by = by
        else:
            current = article_check_version(article=article, loaded_version=loaded_version)
            article.status, article.published_at = current["status"], current["published_at"]
            article.version = current["version"] + 1
        article.save()
    return article
