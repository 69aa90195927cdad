"""Story planning: the stories the desk expects (a working headline, a section, a writer, a deadline, notes), which
the writer turns into a draft article in one click (planning/services/stories.py).

A story's status is read, not copied: the desk decides only whether a story is on the plan or dropped (the `status`
column); whether it is being written or filed is what its article's workflow says, and that workflow lives in the
articles app, which knows nothing of plans. `STATUS_RULES` is the one home of that reading: the queryset filters and
annotates with it, and `PlannedStory.get_current_status()` is its instance twin."""

import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles.models import Article, ArticleStatus, Section
from core.fields import user_reference

HEADLINE_MAX_LENGTH = Article._meta.get_field("headline").max_length


class StoryStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("story", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("story", "Being written")
    FILED = "filed", pgettext_lazy("story", "Filed")
    DROPPED = "dropped", pgettext_lazy("story", "Dropped")


# What the `status` column holds: the desk's own decision. The other two statuses come from the story's article.
DECIDED_STATUSES = [StoryStatus.PLANNED, StoryStatus.DROPPED]
# An article out of draft has been handed in (for review, scheduled, published, or published and since taken down).
FILED_ARTICLE_STATUSES = [status for status in ArticleStatus if status != ArticleStatus.DRAFT]

_ON_PLAN = Q(status=StoryStatus.PLANNED)
STATUS_RULES = {
    # No draft yet, or its draft was deleted (the story is owed again).
    StoryStatus.PLANNED: _ON_PLAN & Q(article__isnull=True),
    # The draft exists, or an editor returned it from review to its writer.
    StoryStatus.IN_PROGRESS: _ON_PLAN & Q(article__status=ArticleStatus.DRAFT),
    StoryStatus.FILED: _ON_PLAN & Q(article__status__in=FILED_ARTICLE_STATUSES),
    StoryStatus.DROPPED: Q(status=StoryStatus.DROPPED),
}
OPEN_STATUSES = [StoryStatus.PLANNED, StoryStatus.IN_PROGRESS]


class PlannedStoryQuerySet(models.QuerySet):
    def in_status(self, *statuses):
        """The stories whose current status (STATUS_RULES) is one of `statuses`."""
        return self.filter(functools.reduce(operator.or_, (STATUS_RULES[StoryStatus(status)] for status in statuses)))

    def open(self):
        """Stories still owed: planned, or being written (not filed, not dropped). Instance twin:
        `PlannedStory.is_open()`."""
        return self.in_status(*OPEN_STATUSES)

    def owed_by(self, user):
        """What `user` owes the desk: the open stories assigned to them, the nearest deadline first."""
        if not user.is_authenticated:
            return self.none()
        return self.open().filter(assignee=user).order_by("deadline", "id")

    def between(self, start, end):
        """Stories due from `start` (included) to `end` (excluded), two aware datetimes."""
        return self.filter(deadline__gte=start, deadline__lt=end)

    def overdue(self, now=None):
        """Open stories whose deadline has passed at `now` (by default, now). Instance twin:
        `PlannedStory.is_overdue()`."""
        return self.open().filter(deadline__lt=now or timezone.now())

    def with_current_status(self):
        """Each story with its `current_status` (STATUS_RULES), read from its article in the same query."""
        return self.annotate(
            current_status=Case(
                *(When(condition, then=Value(status.value)) for status, condition in STATUS_RULES.items()),
                output_field=models.CharField(),
            )
        )

    def for_desk(self):
        """What the desk's lists show of each story (section, writer, current status) in one query."""
        return self.select_related("section", "assignee").with_current_status()


class PlannedStory(models.Model):
    """A story the desk expects: who writes it, for which section, by when, and what the editor asked for. Its draft
    article is made from it in one click (`story_draft_start()`)."""

    Status = StoryStatus

    headline = models.CharField(
        _("working headline"),
        max_length=HEADLINE_MAX_LENGTH,
        help_text=_("In Arabic. The draft starts with it as its headline, which can change later."),
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="planned_stories"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned_stories",
        help_text=_("Who writes it. Leave empty while nobody is assigned."),
    )
    deadline = models.DateTimeField(_("deadline"), help_text=_("When the text is due to the editors."))
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("For the writer: the angle, sources, length, photos needed.")
    )
    # Only the desk's decision (DECIDED_STATUSES); `get_current_status()` says where the story stands.
    status = models.CharField(
        _("on the plan"),
        max_length=16,
        choices=[(status.value, status.label) for status in DECIDED_STATUSES],
        default=StoryStatus.PLANNED,
        editable=False,
    )
    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="planned_story",
        help_text=_("The draft started from this plan."),
    )
    created_by = user_reference(_("planned by"), editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlannedStoryQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("planned story")
        verbose_name_plural = _("planned stories")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[status.value for status in DECIDED_STATUSES]),
                name="planned_story_status_valid",
                violation_error_message=_("A planned story is on the plan or dropped."),
            ),
            models.CheckConstraint(
                condition=~Q(headline=""),
                name="planned_story_headline_not_empty",
                violation_error_message=_("A planned story needs a working headline."),
            ),
        ]
        indexes = [
            # What a writer owes (owed_by): their open stories, the nearest deadline first.
            models.Index(fields=["assignee", "status", "deadline"], name="planned_story_owed_idx"),
            # The day and week plans (between).
            models.Index(fields=["deadline"], name="planned_story_deadline_idx"),
        ]

    def __str__(self):
        return self.headline

    def get_current_status(self):
        """Where the story stands (STATUS_RULES): the instance twin of `with_current_status()`, whose annotation it
        reads when the row has one (otherwise it reads the article's status, one query)."""
        annotated = self.__dict__.get("current_status")
        if annotated is not None:
            return StoryStatus(annotated)
        if self.status == StoryStatus.DROPPED:
            return StoryStatus.DROPPED
        if self.article_id is None:
            return StoryStatus.PLANNED
        if self.article.status == ArticleStatus.DRAFT:
            return StoryStatus.IN_PROGRESS
        return StoryStatus.FILED

    def get_current_status_display(self):
        return self.get_current_status().label

    def is_open(self):
        """Whether the story is still owed: the instance twin of `PlannedStoryQuerySet.open()`."""
        return self.get_current_status() in OPEN_STATUSES

    def is_overdue(self, now=None):
        """Whether the story is still owed after its deadline: the instance twin of `overdue()`."""
        return self.is_open() and self.deadline < (now or timezone.now())

    def may_be_started_by(self, user):
        """Whether `user` may turn this plan into a draft: its writer, or an editor (who may edit any article)."""
        if not user.is_authenticated or not user.has_perm("articles.add_article"):
            return False
        return self.assignee_id == user.pk or user.has_perm("articles.edit_any_article")
