"""What comments/privacy.py's requests (export, erasure, confirmed by e-mail) do with newsletters, registered in
apps.py."""

from .models import Subscriber
from .services.subscribers import subscriptions_erase as erase


def subscriptions_export(email: str) -> list:
    """Every subscription of the address with its consent record, JSON-ready."""
    return [
        {
            "email": subscriber.email,
            "lists": subscriber.lists,
            "language": subscriber.language,
            "status": subscriber.status,
            "signed_up_at": subscriber.created_at.isoformat(),
            "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
            "consent": {"given_at": subscriber.consent_at.isoformat(), "text_version": subscriber.consent_version},
        }
        for subscriber in Subscriber.objects.of_address(email)
    ]


def subscriptions_erase(email: str) -> int:
    return erase(email=email)
