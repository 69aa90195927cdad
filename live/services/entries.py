"""Live entries: posting (from the desk or a phone), review, corrections, pinning and withdrawal.

Who may do what: anyone with `live.add_liveentry` posts; their entry shows at once unless the desk's settings ask
for review, in which case it waits for someone with `live.publish_liveentry` (editors), whose own entries always
show at once. Only editors correct, pin, mark key points and withdraw."""

import html
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.html import urlize
from django.utils.translation import gettext as _

from articles.models import Article
from articles.sanitize import clean_body

from .. import page_tags
from ..models import EntryStatus, LiveAction, LiveEntry, LiveEvent, LiveSettings

PUBLISH_PERMISSION = "live.publish_liveentry"
_BLANK_LINES = re.compile(r"\n\s*\n")


def text_to_html(text: str) -> str:
    """A reporter's plain text as the body's HTML: paragraphs at blank lines, line breaks kept, addresses as links
    (an address alone on its paragraph becomes an embed behind consent on the page), all through the sanitiser."""
    paragraphs = [part.strip() for part in _BLANK_LINES.split(text.replace("\r\n", "\n")) if part.strip()]
    pieces = []
    for paragraph in paragraphs:
        linked = urlize(html.escape(paragraph, quote=False), autoescape=False)
        pieces.append("<p>" + "<br>".join(line.strip() for line in linked.split("\n")) + "</p>")
    return clean_body("".join(pieces))


def _check_may_publish(by):
    if not by.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(_("Only editors may do this."))


def _next_sequence(article_pk):
    highest = LiveEntry.objects.filter(article_id=article_pk).aggregate(highest=Max("sequence"))["highest"]
    return (highest or 0) + 1


def _locked_live_article(article_pk):
    """The article's row, locked: entries are numbered one at a time per page."""
    article = Article.objects.select_for_update().filter(pk=article_pk).first()
    if article is None or not article.is_live:
        raise ValidationError(_("This page is not being covered live: entries can no longer be posted."), "not_live")
    return article


def _show(entry, *, now):
    entry.status = EntryStatus.PUBLISHED
    entry.sequence = _next_sequence(entry.article_id)
    entry.published_at = now
    # The page says it was updated (and its card on the front page, when), and the sitemaps see the change.
    Article.objects.filter(pk=entry.article_id).update(updated_at=now)
    page_tags.entries_changed(entry.article_id)


def entry_post(
    *,
    article: Article,
    by,
    text: str = "",
    body_html: str = "",
    title: str = "",
    quote: str = "",
    quote_by: str = "",
    photo=None,
    language: str = "ar",
    key_point: bool = False,
) -> LiveEntry:
    """Post an entry to a live page: from plain `text` (a phone) or sanitised `body_html` (the desk). It shows at
    once, or waits for review (see the module's docstring). Raises ValidationError when it says nothing or the
    page's coverage has ended."""
    body = clean_body(body_html) if body_html else text_to_html(text)
    entry = LiveEntry(
        article_id=article.pk,
        title=" ".join(title.split()),
        body=body,
        quote=quote.strip(),
        quote_by=" ".join(quote_by.split()),
        photo=photo,
        language=language,
        created_by=by,
        key_point=key_point and by.has_perm(PUBLISH_PERMISSION),
    )
    if not (entry.body or entry.quote or entry.photo_id):
        raise ValidationError(_("An entry needs text, a quote or a photo."), code="empty")
    with transaction.atomic():
        _locked_live_article(article.pk)
        review = LiveSettings.current().review_entries and not by.has_perm(PUBLISH_PERMISSION)
        now = timezone.now()
        if review:
            entry.save()
            LiveEvent.objects.create(by=by, action=LiveAction.ENTRY_SUBMITTED, article_id=article.pk, entry=entry)
        else:
            _show(entry, now=now)
            entry.approved_by = by
            entry.save()
            LiveEvent.objects.create(by=by, action=LiveAction.ENTRY_POSTED, article_id=article.pk, entry=entry)
    return entry


def entry_publish(*, entry: LiveEntry, by) -> LiveEntry:
    """Publish an entry that waited for review: it takes the next place on the page, as if posted now."""
    _check_may_publish(by)
    with transaction.atomic():
        _locked_live_article(entry.article_id)
        entry = LiveEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != EntryStatus.PENDING:
            raise ValidationError(_("This entry is not waiting for review."), code="not_pending")
        _show(entry, now=timezone.now())
        entry.approved_by = by
        entry.save(update_fields=["status", "sequence", "published_at", "approved_by"])
        LiveEvent.objects.create(by=by, action=LiveAction.ENTRY_PUBLISHED, article_id=entry.article_id, entry=entry)
    return entry


def entry_correct(
    *, entry: LiveEntry, by, note: str, body_html: str, title: str = "", quote: str = "", quote_by: str = ""
) -> LiveEntry:
    """Change a published entry's text; the page shows that it was corrected, when, and `note` (required)."""
    _check_may_publish(by)
    note = " ".join(note.split())
    if entry.status == EntryStatus.PUBLISHED and not note:
        raise ValidationError({"correction": _("Say what was corrected: readers see the note.")}, code="no_note")
    with transaction.atomic():
        entry = LiveEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == EntryStatus.WITHDRAWN:
            raise ValidationError(_("A withdrawn entry cannot be corrected."), code="withdrawn")
        entry.body = clean_body(body_html)
        entry.title, entry.quote, entry.quote_by = " ".join(title.split()), quote.strip(), " ".join(quote_by.split())
        if not (entry.body or entry.quote or entry.photo_id):
            raise ValidationError(_("An entry needs text, a quote or a photo."), code="empty")
        fields = ["body", "title", "quote", "quote_by", "version"]
        entry.version += 1
        if entry.status == EntryStatus.PUBLISHED:
            entry.corrected_at, entry.correction = timezone.now(), note
            fields += ["corrected_at", "correction"]
            page_tags.entries_changed(entry.article_id)
        entry.save(update_fields=fields)
        LiveEvent.objects.create(
            by=by, action=LiveAction.ENTRY_CORRECTED, article_id=entry.article_id, entry=entry, note=note
        )
    return entry


def entry_withdraw(*, entry: LiveEntry, by, note: str = "") -> LiveEntry:
    """Take an entry off the page (its permalink then says it was withdrawn). Pending entries are withdrawn too,
    unseen."""
    _check_may_publish(by)
    with transaction.atomic():
        entry = LiveEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == EntryStatus.WITHDRAWN:
            return entry
        shown = entry.status == EntryStatus.PUBLISHED
        entry.status, entry.pinned, entry.key_point = EntryStatus.WITHDRAWN, False, False
        entry.withdrawn_at, entry.withdrawn_by = timezone.now(), by
        entry.version += 1
        entry.save(update_fields=["status", "pinned", "key_point", "withdrawn_at", "withdrawn_by", "version"])
        LiveEvent.objects.create(
            by=by, action=LiveAction.ENTRY_WITHDRAWN, article_id=entry.article_id, entry=entry, note=note
        )
        if shown:
            page_tags.entries_changed(entry.article_id)
    return entry


def entry_pin(*, entry: LiveEntry, by, pinned: bool = True) -> LiveEntry:
    """Pin a published entry at the top of its page (the page's previous pinned entry is unpinned), or unpin it."""
    _check_may_publish(by)
    with transaction.atomic():
        # The page's row first: two editors pinning two entries of one page take turns.
        Article.objects.select_for_update().filter(pk=entry.article_id).first()
        entry = LiveEntry.objects.select_for_update().get(pk=entry.pk)
        if pinned and entry.status != EntryStatus.PUBLISHED:
            raise ValidationError(_("Only a published entry can be pinned."), code="not_published")
        if entry.pinned == pinned:
            return entry
        if pinned:
            # A new version for each: an open page replaces the entries whose «pinned» flag changed.
            LiveEntry.objects.filter(article_id=entry.article_id, pinned=True).update(
                pinned=False, version=F("version") + 1
            )
        entry.pinned = pinned
        entry.version += 1
        entry.save(update_fields=["pinned", "version"])
        action = LiveAction.ENTRY_PINNED if pinned else LiveAction.ENTRY_UNPINNED
        LiveEvent.objects.create(by=by, action=action, article_id=entry.article_id, entry=entry)
        page_tags.entries_changed(entry.article_id)
    return entry


def entry_mark_key_point(*, entry: LiveEntry, by, key_point: bool = True) -> LiveEntry:
    """List a published entry among its page's key points (by its title, or its first words), or take it off."""
    _check_may_publish(by)
    with transaction.atomic():
        entry = LiveEntry.objects.select_for_update().get(pk=entry.pk)
        if key_point and entry.status != EntryStatus.PUBLISHED:
            raise ValidationError(_("Only a published entry can be a key point."), code="not_published")
        if entry.key_point != key_point:
            entry.key_point = key_point
            entry.save(update_fields=["key_point"])
            page_tags.entries_changed(entry.article_id)
    return entry
