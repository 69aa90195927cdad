"""Retention of commenters' data, on a frozen clock."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from comments.services import comments as comment_services
from comments.services.retention import anonymize_ip
from tests.factories import make_article

START = timezone.now().replace(microsecond=0)


@pytest.mark.parametrize(
    ("address", "anonymous"),
    [("203.0.113.77", "203.0.113.0"), ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"), ("203.0.113.0", "203.0.113.0")],
)
def test_anonymize_ip(address, anonymous):
    assert anonymize_ip(address) == anonymous


def _comment(article, status="pending", **fields):
    comment = comment_services.comment_submit(
        article=article, name="سلمى", email="s@example.org", body=fields.pop("body", "نص"),
        ip_address="203.0.113.77", user_agent="Phone",
    )  # fmt: skip
    Comment.objects.filter(pk=comment.pk).update(status=status)
    return comment


@pytest.mark.django_db
def test_retention_on_a_frozen_clock(settings, capsys):
    settings.NEWSROOM_COMMENT_IP_RETENTION_DAYS = 30
    settings.NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS = 365
    settings.NEWSROOM_COMMENT_SPAM_RETENTION_DAYS = 30
    article = make_article()
    with time_machine.travel(START, tick=False):
        kept = _comment(article, "approved", body="مقبول")
        spam = _comment(article, "spam", body="مزعج")
        rejected = _comment(article, "rejected", body="مرفوض")
    with time_machine.travel(START + timedelta(days=29), tick=False):
        call_command("apply_retention")
        kept.refresh_from_db()
        assert (kept.ip_address, kept.user_agent) == ("203.0.113.77", "Phone")  # not yet
    with time_machine.travel(START + timedelta(days=31), tick=False):
        call_command("apply_retention", "--dry-run")
        kept.refresh_from_db()
        assert kept.ip_address == "203.0.113.77"  # a dry run changes nothing
        dry = capsys.readouterr().out
        assert "IP addresses anonymised: 3" in dry and "Spam and rejected comments deleted: 2" in dry
        call_command("apply_retention")
        call_command("apply_retention")  # idempotent
        kept.refresh_from_db()
        assert (kept.ip_address, kept.user_agent, kept.email) == ("203.0.113.0", "", "s@example.org")
        assert not Comment.objects.filter(pk__in=[spam.pk, rejected.pk]).exists()
    with time_machine.travel(START + timedelta(days=366), tick=False):
        call_command("apply_retention")
        kept.refresh_from_db()
        assert kept.email == "" and kept.name == "سلمى" and kept.body == "مقبول"
