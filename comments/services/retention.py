"""How long commenters' personal data is kept, applied: addresses truncated, browsers and e-mails dropped,
spam and rejected comments deleted, each after its configured number of days."""

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import Comment
from .comments import comments_delete


def anonymize_ip(address: str) -> str:
    """The network, not the machine: IPv4 to its /24, IPv6 to its /48."""
    ip = ipaddress.ip_address(address)
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


@dataclass
class RetentionReport:
    addresses_anonymised: int = 0
    emails_erased: int = 0
    comments_deleted: int = 0


def retention_apply(*, now=None, dry_run=False, progress=None) -> RetentionReport:
    """
    Apply the retention settings to every comment old enough. Idempotent (a second run changes nothing) and safe
    to run concurrently (each change is a set-based UPDATE or DELETE that another run can only repeat).
    `progress`, if given, is called with a line of text after each step.
    """
    now = now or timezone.now()
    report = RetentionReport()
    say = progress or (lambda text: None)

    ip_cutoff = now - timedelta(days=settings.NEWSROOM_COMMENT_IP_RETENTION_DAYS)
    old = Comment.objects.filter(created_at__lt=ip_cutoff)
    for pk, address in old.exclude(ip_address=None).values_list("pk", "ip_address").iterator():
        if anonymize_ip(address) != address:
            report.addresses_anonymised += 1
            if not dry_run:
                Comment.objects.filter(pk=pk, ip_address=address).update(ip_address=anonymize_ip(address))
    if not dry_run:
        old.exclude(user_agent="").update(user_agent="")
    say(f"IP addresses anonymised: {report.addresses_anonymised}")

    email_cutoff = now - timedelta(days=settings.NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS)
    with_email = Comment.objects.filter(created_at__lt=email_cutoff).exclude(email="")
    report.emails_erased = with_email.count() if dry_run else with_email.update(email="")
    say(f"E-mail addresses erased: {report.emails_erased}")

    spam_cutoff = now - timedelta(days=settings.NEWSROOM_COMMENT_SPAM_RETENTION_DAYS)
    discarded = Comment.objects.filter(
        status__in=[Comment.Status.SPAM, Comment.Status.REJECTED], created_at__lt=spam_cutoff
    )
    if dry_run:
        report.comments_deleted = discarded.count()
    else:
        # Replies to a discarded comment go with it (they were never shown without it); each is in the moderation
        # log, deleted by nobody.
        report.comments_deleted = comments_delete(comments=discarded, by=None)
    say(f"Spam and rejected comments deleted: {report.comments_deleted}")
    return report
