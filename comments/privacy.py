"""Commenters' rights over their data, the reading side: who a request is about (signed links, a keyed hash of
the address), their comments, and the export built from them. The writes (recording an export, erasing) are in
services/commenters.py."""

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone

from .models import Comment, PrivacyRequest

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


# Other personal data a request covers, registered by the apps that keep it (newsletters, from its AppConfig.ready()):
# {name: (export, erase)}, each called with the confirmed address. Filled once at start-up, read only after.
_personal_data = {}


def register_personal_data(name: str, *, export, erase) -> None:
    """Have privacy requests cover `name`: `export(email)` returns its JSON-ready data (empty when there is none),
    `erase(email)` deletes it."""
    _personal_data[name] = (export, erase)


def holds_personal_data(email: str) -> bool:
    """Whether anything is kept about this address: comments, or what another app registered."""
    return comments_of(email).exists() or any(export(email) for export, _erase in _personal_data.values())


def personal_data_erase(email: str) -> None:
    for _export, erase in _personal_data.values():
        erase(email)


def comments_of(email: str) -> QuerySet[Comment]:
    return Comment.objects.filter(email__iexact=email.strip())


def export_data(*, email: str) -> dict:
    """Every comment with this address (pending ones too) with its consent record, as JSON-ready data. Reads
    only: services.commenters.commenter_export records the request and calls this."""
    comments = comments_of(email).select_related("article").order_by("created_at")
    return {
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
        **{name: export(email) for name, (export, _erase) in _personal_data.items()},
    }
