def alert_published_mail(sender, alert, **kwargs):
    """live.signals.alert_published: the alert's mailings are made by a job, enqueued in the publishing
    transaction (so it exists if and only if the alert does), so the editor does not wait for them."""
    from .jobs import alert_mailings_start

    alert_mailings_start.enqueue(alert_id=alert.pk)
