"""E-mail, sent by jobs only: a slow or refusing mail server never holds up a request, and a message the server
refused is tried again (core/jobs.py) until it answers.

`deliver()` sends once per key: a job run again after its worker was killed between sending and recording its
success finds the key recorded and sends nothing. (Killed in the instant between the server's acceptance and the
record, the message goes twice: SMTP has no way to ask. The Message-ID is made from the key, so a reader's mail
program shows the two as one.)
"""

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django_tasks import task

from .models import SentMail


def _message_id(key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def deliver(*, key: str, subject: str, body: str, to: list[str]) -> bool:
    """Send the message unless one with `key` was sent already; returns whether it sent. A server that refuses or
    does not answer within EMAIL_TIMEOUT raises, and the job that called this is retried.

    The key is claimed before sending, in a transaction that commits only once the server took the message: a
    second sender of the same key waits on the first's claim and then finds it sent (or, if the first failed,
    sends it itself)."""
    if not to:
        return False
    try:
        with transaction.atomic():
            SentMail.objects.create(key=key)
            EmailMessage(subject, body, to=to, headers={"Message-ID": _message_id(key)}).send(fail_silently=False)
    except IntegrityError:
        return False  # sent already
    return True


@task()
def mail_send(*, key: str, subject: str, body: str, to: list[str]) -> bool:
    """The job for a message whose text is known when it is enqueued."""
    return deliver(key=key, subject=subject, body=body, to=to)
