from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
        from .postgresql import deadline

        # After Django's own receivers (close_old_connections), so the health check it runs at the end of a request
        # still has the request's deadline.
        request_started.connect(deadline.request_started, dispatch_uid="newsroom.deadline.started")
        request_finished.connect(deadline.request_finished, dispatch_uid="newsroom.deadline.finished")
