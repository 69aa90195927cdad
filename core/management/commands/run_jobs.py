"""`manage.py run_jobs`: a job worker (core/jobs.py). django-tasks-db's worker, with a heartbeat beside it so the
jobs of a worker that stopped run again elsewhere. Run one or more per machine (docs/production.md); stop it with
SIGTERM or Ctrl+C, which lets the job in hand finish."""

import os

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from core.jobs import Heartbeat, finishing_only_own_attempt, heartbeat_record


class Worker(db_worker.Worker):
    """django-tasks-db's worker, with an id of its own for each process (a worker restarted under the same name must
    not pass for the one that was killed), a heartbeat recorded before it claims anything and beside every job,
    and attempts that end only if they are still its own (core.jobs.finishing_only_own_attempt)."""

    def __init__(self, *, worker_id, **options):
        super().__init__(worker_id=f"{worker_id[:40]}.{os.getpid()}.{get_random_string(8)}", **options)

    def run(self):
        heartbeat_record(worker_id=self.worker_id)
        heartbeat = None if self.batch else Heartbeat(self.worker_id)
        if heartbeat is not None:
            heartbeat.start()
        try:
            return super().run()
        finally:
            if heartbeat is not None:
                heartbeat.stop()

    def run_task(self, db_task_result):
        if self.batch:  # no heartbeat thread: a beat before each job
            heartbeat_record(worker_id=self.worker_id)
        finishing_only_own_attempt(db_task_result, self.worker_id)
        return super().run_task(db_task_result)


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
