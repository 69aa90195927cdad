from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    """The shared infrastructure: page cache, shared cache, rate limits, client address, replica router, database
    deadline, URL cache, Arabic text, admin mixins. It imports no app of ours; the apps give it what it needs from
    their own ready() (core/pagecache.py `register_*`, core/staff.py `require_of_staff`)."""

    name = "core"
    default = True  # JobsConfig below is another app's configuration
    verbose_name = _("Core")

    def ready(self):
        from . import (
            checks,  # noqa: F401 - registers the deployment checks
            jobs,
        )
        from .postgresql import deadline

        jobs.connect_signals()

        # After Django's own receivers (close_old_connections), so the health check it runs at the end of a request
        # still has the request's deadline.
        request_started.connect(deadline.request_started, dispatch_uid="core.deadline.started")
        request_finished.connect(deadline.request_finished, dispatch_uid="core.deadline.finished")


class JobsConfig(TasksAppConfig):
    """django-tasks-db (the job queue's table) under a name the admin shows in Arabic too."""

    default = False

    verbose_name = _("Background jobs")
