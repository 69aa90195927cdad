from .sending import push_enabled


def alert_published_push(sender, alert, **kwargs):
    """An urgent alert is being published: its push job is enqueued in the same transaction, so it exists if and
    only if the alert was committed."""
    from core.jobs import enqueue_later

    from .jobs import push_alert_fan_out

    if push_enabled():
        enqueue_later(push_alert_fan_out, seconds=0, alert_id=alert.pk)
