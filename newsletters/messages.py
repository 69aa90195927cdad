"""The messages themselves: a day's digest and an urgent alert, rendered once per mailing in its language, RTL
HTML for Arabic and LTR for English, with a plain-text part. Light and without tracking: no images, no pixels, no
scripts; links are the articles' own absolute addresses, never rewritten. Each recipient's copy differs only by its
unsubscribe link, put in place of UNSUBSCRIBE_MARK when it is sent (newsletters/sending.py)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from articles.fronts import front_of
from articles.models import Article

# Stands for the recipient's own unsubscribe address in a rendered mailing; replaced on sending.
UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/"
LATEST = 10


def site_url(path: str) -> str:
    return settings.NEWSROOM_SITE_URL.rstrip("/") + path


def _render(name, language, context):
    context = {
        **context,
        "language": language,
        "direction": "rtl" if language == "ar" else "ltr",
        "outlet": settings.NEWSROOM_SITE_NAME.get(language, settings.NEWSROOM_SITE_NAME["ar"]),
        "unsubscribe_url": UNSUBSCRIBE_MARK,
        "home_url": site_url("/" if language == "ar" else f"/{language}/"),
    }
    return (
        render_to_string(f"newsletters/{name}_email.txt", context),
        render_to_string(f"newsletters/{name}_email.html", context),
    )


def digest_message(*, language: str, now=None) -> tuple[str, str, str] | None:
    """The digest in `language`: the front page as the editors arranged it (lead, featured, package), its empty
    slots filled with the newest stories, then the latest. (subject, text, html), or None with nothing to send."""
    now = now or timezone.now()
    with override(language):
        front = front_of(None, language=language, now=now)
        visible = Article.objects.published(now).translated(language).for_listing()
        newest = list(
            visible.exclude(pk__in=front.shown_ids).order_by("-published_at", "-id")[: front.empty_slots + LATEST]
        )
        front.fill(newest[: front.empty_slots])
        latest = [article for article in newest if article.pk not in front.shown_ids][:LATEST]
        top = [*filter(None, [front.lead]), *front.featured, *front.package]
        if not top and not latest:
            return None
        links = {article.pk: site_url(article.get_absolute_url()) for article in [*top, *latest]}
        subject = _("Today's news: %(headline)s") % {"headline": top[0].headline if top else latest[0].headline}
        text, html = _render(
            "digest",
            language,
            {
                "subject": subject,
                "front": front,
                "package": front.package,
                "top": top,
                "latest": latest,
                "links": links,
                "day": now,
            },
        )
    return subject, text, html


def alert_message(*, alert, language: str) -> tuple[str, str, str] | None:
    """An urgent alert in `language`, or None when it has no text in that language."""
    text = getattr(alert, f"text_{language}", "") or ""
    if not text:
        return None
    with override(language):
        link = site_url(alert.article.get_absolute_url()) if alert.article_id else ""
        subject = _("Urgent: %(text)s") % {"text": text}
        body, html = _render("alert", language, {"subject": subject, "text": text, "link": link})
    return subject, body, html
