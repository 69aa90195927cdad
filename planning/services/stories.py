"""Planned stories: planning one (or changing its plan), turning it into a draft in one click, dropping it and
putting it back on the plan.

Who may do what: editors (`planning.add_plannedstory`, `planning.change_plannedstory`) plan, assign, drop and put
back; a story's writer, or an editor (`articles.edit_any_article`), starts its draft."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.services.articles import article_save, require
from articles.services.bylines import byline_default
from articles.services.revisions import article_snapshot

from ..models import PlannedStory, StoryStatus

# What a change to a plan writes: never its status, its article or who planned it (their own services do).
PLAN_FIELDS = ["headline", "section", "assignee", "deadline", "notes", "updated_at"]


def story_plan(*, story: PlannedStory, by) -> PlannedStory:
    """Save a new plan (as `by`'s) or a change to one: the working headline, section, writer, deadline and notes.
    Raises PermissionDenied for anyone but an editor, ValidationError for a headline of spaces."""
    new = story.pk is None
    permission = "planning.add_plannedstory" if new else "planning.change_plannedstory"
    require(by.has_perm(permission), _("Only editors plan and assign stories."))
    story.headline = " ".join(story.headline.split())
    if not story.headline:
        raise ValidationError({"headline": _("A planned story needs a working headline.")}, code="required")
    if timezone.is_naive(story.deadline):
        raise ValueError("A deadline is an aware datetime.")
    with transaction.atomic():
        if new:
            story.created_by = by
            story.status = StoryStatus.PLANNED
            story.save()
        else:
            story.save(update_fields=PLAN_FIELDS)
    return story


def story_draft_start(*, story: PlannedStory, by) -> Article:
    """Turn the plan into a draft article, as the article form makes one: its headline the working headline, its
    section the story's, the draft of the story's writer (or of `by`, for an unassigned story), with their byline
    when they have an author profile, its first revision kept (by `by`). Returns the draft; a story that has one
    already (a second click, or two writers at once: the story's row is locked) returns that one and makes no other.

    Raises PermissionDenied for anyone but the story's writer or an editor, ValidationError for a dropped story."""
    with transaction.atomic():
        locked = PlannedStory.objects.select_for_update().get(pk=story.pk)
        require(locked.may_be_started_by(by), _("Only the writer of this story, or an editor, can start its draft."))
        if locked.article_id is not None:
            return Article.objects.get(pk=locked.article_id)
        if locked.status == StoryStatus.DROPPED:
            raise ValidationError(
                _("This story was dropped from the plan: put it back on the plan to write it."), code="dropped"
            )
        # The draft is the writer's the desk asked for: an editor starting a reporter's story hands it to them (it
        # is on their desk as one of their drafts, theirs to edit and submit), with their byline when they have one.
        writer = locked.assignee or by
        article = article_save(article=Article(headline_ar=locked.headline, section_id=locked.section_id), by=writer)
        byline_default(article=article, by=writer)
        article_snapshot(article=article, by=by)
        locked.article = article
        locked.save(update_fields=["article", "updated_at"])
    story.article, story.updated_at = article, locked.updated_at
    story.__dict__.pop("current_status", None)  # an annotation read before the draft existed
    return article


def _decide(story: PlannedStory, by, status: str) -> PlannedStory:
    require(by.has_perm("planning.change_plannedstory"), _("Only editors drop stories or put them back."))
    with transaction.atomic():
        locked = PlannedStory.objects.select_for_update().get(pk=story.pk)
        if locked.status != status:
            locked.status = status
            locked.save(update_fields=["status", "updated_at"])
    story.status, story.updated_at = locked.status, locked.updated_at
    story.__dict__.pop("current_status", None)  # an annotation read before the change
    return story


def story_drop(*, story: PlannedStory, by) -> PlannedStory:
    """Take a story off the plan: nobody owes it any more. A draft already started stays as it is."""
    return _decide(story, by, StoryStatus.DROPPED)


def story_restore(*, story: PlannedStory, by) -> PlannedStory:
    """Put a dropped story back on the plan: its writer owes it again (and finds its draft, if one was started)."""
    return _decide(story, by, StoryStatus.PLANNED)
