"""Commenters' rights over their data: an export of everything kept about them, or its erasure."""

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from core.pagecache import pages_changed_on_commit

from .models import Comment, PrivacyRequest

ANONYMOUS_NAME = "مجهول"
LINK_SALT = "comments.privacy"
LINK_MAX_AGE = 2 * 24 * 60 * 60


def email_digest(email: str) -> str:
    """A keyed hash of an address: lets the log tell requests apart without keeping the address."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def request_link_token(*, email: str, kind: str) -> str:
    return signing.dumps({"email": email.strip().lower(), "kind": kind}, salt=LINK_SALT)


def read_link_token(token: str) -> dict:
    """The request a link carries; raises signing.BadSignature (or SignatureExpired) for a bad or old link."""
    data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    if data.get("kind") not in PrivacyRequest.Kind.values or not data.get("email"):
        raise signing.BadSignature("not a privacy request")
    return data


def comments_of(email: str):
    return Comment.objects.filter(email__iexact=email.strip())


def export_comments(*, email: str, by=None) -> dict:
    """Every comment with this address (pending ones too) with its consent record, as JSON-ready data."""
    comments = comments_of(email).select_related("article").order_by("created_at")
    data = {
        "email": email.strip().lower(),
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "article": comment.article.headline_ar,
                "name": comment.name,
                "comment": comment.body,
                "status": comment.status,
                "written_at": comment.created_at.isoformat(),
                "ip_address": comment.ip_address,
                "browser": comment.user_agent,
                "consent": {"given_at": comment.consent_at.isoformat(), "text_version": comment.consent_version},
            }
            for comment in comments
        ],
    }
    PrivacyRequest.objects.create(
        kind=PrivacyRequest.Kind.EXPORT,
        email_digest=email_digest(email),
        completed_at=timezone.now(),
        comments_affected=len(data["comments"]),
        handled_by=by,
    )
    return data


def erase_commenter(*, email: str, by=None) -> int:
    """On every comment with this address: the name becomes «مجهول», and address, IP and browser are cleared.
    The comments' text stays (it belongs to the discussion); a moderator can delete comments themselves."""
    with transaction.atomic():
        erased = comments_of(email).update(name=ANONYMOUS_NAME, email="", ip_address=None, user_agent="")
        if erased:
            pages_changed_on_commit()  # the names shown under articles change
        PrivacyRequest.objects.create(
            kind=PrivacyRequest.Kind.ERASE,
            email_digest=email_digest(email),
            completed_at=timezone.now(),
            comments_affected=erased,
            handled_by=by,
        )
    return erased
