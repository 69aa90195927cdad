"""Live coverage of an article: starting it, ending it, and the live desk's settings."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article

from .. import page_tags
from ..models import LiveAction, LiveEvent, LiveSettings


def coverage_start(*, article: Article, by) -> Article:
    """Make `article` a live page: its page shows entries and asks for new ones. Resuming ended coverage keeps the
    time it first started."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.is_live:
            return article
        now = timezone.now()
        started = article.live_started_at or now
        Article.objects.filter(pk=article.pk).update(live_started_at=started, live_ended_at=None, updated_at=now)
        LiveEvent.objects.create(by=by, action=LiveAction.COVERAGE_STARTED, article=article)
        page_tags.coverage_changed(article.pk)
    article.refresh_from_db()
    return article


def coverage_end(*, article: Article, by) -> Article:
    """End live coverage: the page says «انتهت التغطية» and readers' pages stop asking for updates."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if not article.is_live:
            raise ValidationError(_("This article is not being covered live."), code="not_live")
        now = timezone.now()
        Article.objects.filter(pk=article.pk).update(live_ended_at=now, updated_at=now)
        LiveEvent.objects.create(by=by, action=LiveAction.COVERAGE_ENDED, article=article)
        page_tags.coverage_changed(article.pk)
    article.refresh_from_db()
    return article


def live_settings_change(*, poll_seconds: int, review_entries: bool, by) -> LiveSettings:
    """Change how often readers' pages ask for updates (every live page and poll answer says so at once) and
    whether reporters' entries wait for review."""
    row = LiveSettings(pk=1, poll_seconds=poll_seconds, review_entries=review_entries)
    row.full_clean(validate_unique=False)
    with transaction.atomic():
        row.save()
        LiveEvent.objects.create(
            by=by,
            action=LiveAction.SETTINGS_CHANGED,
            note=f"poll_seconds={poll_seconds} review_entries={review_entries}",
        )
        page_tags.settings_changed()
    return row
