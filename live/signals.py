"""What the live desk tells apps above it, which it does not know (import-linter's layers: newsletters and push
listen; live imports neither)."""

from django.dispatch import Signal

# An urgent alert was published: sent with `alert` inside the publishing transaction, so that what a receiver
# enqueues (an e-mail, a push notification) exists if and only if the alert was committed (core/jobs.py).
alert_published = Signal()
