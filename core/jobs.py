"""
Background jobs: Django's tasks interface (`django_tasks`, the backport of Django 6's `django.tasks`) on the
database backend of django-tasks-db, so a job is a row in the site's own database, on SQLite under `make run` and
on PostgreSQL in production, with no broker to run. Enqueued inside the caller's transaction, a job exists if and
only if what asked for it was committed.

What the library leaves to us, and this module adds:
- **Retries with backoff.** A failed job goes back in the queue after `NEWSROOM_JOB_RETRY_SECONDS` × 2^(attempt − 1)
  (at most `NEWSROOM_JOB_RETRY_MAX_SECONDS`), until `NEWSROOM_JOB_ATTEMPTS` attempts have failed; then it stays
  failed, with its last error, in the admin, which can put it back in the queue.
- **Nothing lost with a worker.** Each worker (`manage.py run_jobs`) records a heartbeat; a job left running by a
  worker whose heartbeat stopped (killed, machine gone) goes back in the queue as a failed attempt.
- **What monitoring needs**: the queue's depth and the age of its oldest waiting job (`/healthz`).

Jobs that send something (an e-mail) must be idempotent: a worker killed between the sending and the recording of
success runs the job again (core/mail.py keeps a record of what was sent for that reason).
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

WORKER_STOPPED = "The worker stopped while running this job (killed, or its machine went down)."


def enqueue_later(job, *, seconds, **arguments) -> bool:
    """Enqueue `job` to run `seconds` from now, as a follow-up of a change being made: in a savepoint, so that a
    failed insert leaves the change's own transaction usable; a failure is logged, never raised (the change itself
    is done). Returns whether it was enqueued."""
    try:
        with transaction.atomic():
            job.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue(**arguments)
    except Exception:
        logger.warning("Follow-up job %s not enqueued", getattr(job, "name", job), exc_info=True)
        return False
    return True


def retry_delay(attempts: int) -> timedelta:
    """How long a job waits after its `attempts`-th failed attempt: doubling from the base, up to the cap."""
    seconds = settings.NEWSROOM_JOB_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.NEWSROOM_JOB_RETRY_MAX_SECONDS))


def _retry_or_keep(row: DBTaskResult, *, now) -> bool:
    """Put a failed job back in the queue, after its backoff, while it has attempts left. Returns whether it did.
    Only a job still failed is moved (an administrator may have retried or removed it meanwhile)."""
    attempts = len(row.worker_ids)
    if attempts >= settings.NEWSROOM_JOB_ATTEMPTS:
        logger.error("Job %s (%s) failed %s times and is kept as failed", row.pk, row.task_path, attempts)
        return False
    return bool(
        DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=now + retry_delay(attempts), finished_at=None
        )
    )


def job_finished(sender, task_result, **kwargs):
    """task_finished receiver: a failed attempt of a database job is retried after its backoff; a successful job
    that holds personal data (`forget_when_done`) is deleted. An attempt that was superseded (its worker was taken
    for stopped and the job given to another) changes nothing. A failure here is logged, never raised into the
    worker: the job stays failed and an administrator sees it."""
    row = getattr(task_result, "db_result", None)
    if row is None or getattr(row, "superseded", False):
        return
    try:
        if task_result.status == TaskResultStatus.FAILED:
            _retry_or_keep(row, now=timezone.now())
        elif task_result.status == TaskResultStatus.SUCCESSFUL and row.task_path in _forget_when_done:
            DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.SUCCESSFUL).delete()
    except Exception:
        logger.exception("Job %s finished, but what follows its end could not be recorded", row.pk)


_forget_when_done = set()


def forget_when_done(task):
    """Delete `task`'s job rows as soon as they succeed (they hold an address, say): a decorator over @task()."""
    _forget_when_done.add(task.module_path)
    return task


def finishing_only_own_attempt(row: DBTaskResult, worker_id: str) -> None:
    """Make the library's end-of-attempt save of `row` (success or failure) write only if the row is still this
    worker's running attempt: one taken for stopped and given to another worker must not overwrite the new
    attempt. A superseded attempt is marked `row.superseded`."""

    def save(*args, update_fields=None, **kwargs):
        fields = update_fields or [field.attname for field in row._meta.concrete_fields if not field.primary_key]
        written = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, worker_ids=row.worker_ids
        ).update(**{name: getattr(row, name) for name in fields})
        if not written:
            row.superseded = True
            logger.warning("Job %s: attempt of worker %s superseded, its end not recorded", row.pk, worker_id)

    row.save = save


def jobs_retry(*, jobs) -> int:
    """An administrator puts failed jobs back in the queue, to run at once with a fresh count of attempts (the
    cause, a mail server's outage say, is over). Returns how many."""
    return jobs.filter(status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=get_date_max(), finished_at=None, worker_ids=[]
    )


# Workers and their heartbeats.


def heartbeat_record(*, worker_id: str) -> None:
    """The worker `worker_id` is alive now (the database's clock: machines' clocks may differ)."""
    from .models import JobWorker

    JobWorker.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": Now()})


def jobs_recover(*, now=None) -> int:
    """Jobs left running by a worker that stopped (no heartbeat for NEWSROOM_JOB_WORKER_TIMEOUT_SECONDS) become
    failed attempts: retried after their backoff, or kept as failed if that was their last. Returns how many."""
    from .models import JobWorker

    now = now or timezone.now()
    timeout = timedelta(seconds=settings.NEWSROOM_JOB_WORKER_TIMEOUT_SECONDS)
    alive = set(JobWorker.objects.filter(seen_at__gte=Now() - timeout).values_list("worker_id", flat=True))
    recovered = 0
    # Only jobs started longer ago than the timeout: a worker records its heartbeat before it claims a job, so one
    # it has just claimed is never taken for abandoned.
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - timeout)
    for row in running.only("pk", "worker_ids", "task_path"):
        if row.worker_ids and row.worker_ids[-1] in alive:
            continue
        with transaction.atomic():
            # Only if it is still running under the same attempt: the worker may have finished it meanwhile.
            marked = DBTaskResult.objects.filter(
                pk=row.pk, status=TaskResultStatus.RUNNING, worker_ids=row.worker_ids
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="core.jobs.WorkerStopped",
                traceback=WORKER_STOPPED,
            )
            if marked:
                recovered += 1
                _retry_or_keep(row, now=now)
    if recovered:
        logger.warning("%s job(s) left running by a stopped worker went back in the queue", recovered)
    JobWorker.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return recovered


class Heartbeat(threading.Thread):
    """Beside a worker: records its heartbeat every NEWSROOM_JOB_HEARTBEAT_SECONDS, and recovers the jobs of
    workers that stopped. Its own thread, so a long job does not stop the heartbeat; its own connection."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def beat(self):
        try:
            heartbeat_record(worker_id=self.worker_id)
            jobs_recover()
        except Exception:  # a database that is down, locked or dropped the connection: the next beat tries again
            logger.warning("Job worker %s could not record its heartbeat", self.worker_id, exc_info=True)
        finally:
            close_old_connections()

    def run(self):
        try:
            while not self.stopped.is_set():
                self.beat()
                self.stopped.wait(settings.NEWSROOM_JOB_HEARTBEAT_SECONDS)
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()


def jobs_prune(*, now=None, dry_run=False) -> int:
    """Finished jobs past their retention (successful after NEWSROOM_JOB_RETENTION_DAYS, failed after
    NEWSROOM_FAILED_JOB_RETENTION_DAYS: they hold addresses and message texts), and the record of sent mail after
    NEWSROOM_SENT_MAIL_RETENTION_DAYS. Returns how many jobs (would) go."""
    from .models import SentMail

    now = now or timezone.now()
    finished = DBTaskResult.objects.filter(
        Q(
            status=TaskResultStatus.SUCCESSFUL,
            finished_at__lt=now - timedelta(days=settings.NEWSROOM_JOB_RETENTION_DAYS),
        )
        | Q(
            status=TaskResultStatus.FAILED,
            finished_at__lt=now - timedelta(days=settings.NEWSROOM_FAILED_JOB_RETENTION_DAYS),
        )
    )
    if dry_run:
        return finished.count()
    SentMail.objects.filter(sent_at__lt=now - timedelta(days=settings.NEWSROOM_SENT_MAIL_RETENTION_DAYS)).delete()
    return finished.delete()[0]


# What monitoring reads.


def queue_state(*, now=None) -> dict:
    """The jobs waiting to run now, the age in seconds of the one waiting longest (since it was enqueued, or since
    its retry came due), and the failed jobs kept. One query."""
    now = now or timezone.now()
    undelayed, due = (
        Q(status=TaskResultStatus.READY, run_after=get_date_max()),
        Q(status=TaskResultStatus.READY, run_after__lte=now),
    )
    state = DBTaskResult.objects.aggregate(
        waiting=Count("pk", filter=undelayed | due),
        undelayed_since=Min("enqueued_at", filter=undelayed),
        due_since=Min("run_after", filter=due),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
    )
    oldest = min((m for m in (state["undelayed_since"], state["due_since"]) if m is not None), default=None)
    return {
        "waiting": state["waiting"],
        "oldest_waiting_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
        "failed": state["failed"],
    }


def connect_signals():
    task_finished.connect(job_finished, dispatch_uid="core.jobs.retry")
