"""`manage.py run_jobs`: a job worker (core/jobs.py). django-tasks-db's worker, with a heartbeat beside it so the
jobs of a worker that stopped run again elsewhere. Run one or more per machine (docs/production.md); stop it with
SIGTERM or Ctrl+C, which lets the job in hand finish."""

import os

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core.jobs import Heartbeat


class Worker(db_worker.Worker):
    def run(self):
        heartbeat = None if self.batch else Heartbeat(self.worker_id)
        if heartbeat is not None:
            heartbeat.start()
        try:
            return super().run()
        finally:
            if heartbeat is not None:
                heartbeat.stop()


class Command(db_worker.Command):
    help = "Run background jobs: e-mail, scheduled articles coming due, search re-indexing, renditions."

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, **options):  # fmt: skip
        self.configure_logging(verbosity)
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        if reload and not batch and settings.DEBUG:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
