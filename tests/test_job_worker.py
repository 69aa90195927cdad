"""A real worker process (`manage.py run_jobs`) killed with SIGKILL in the middle of a job: the job is not lost.
Another worker sees the first one's heartbeat stop, puts the job back in the queue and runs it to the end.

On PostgreSQL the workers use the test database itself; on SQLite (whose test database lives in this process's
memory) a database file of the test's own, migrated for it."""

import json
import signal
import sys

import pytest

from tests import processes

pytestmark = pytest.mark.django_db(transaction=True)
PYTHON_SNIPPET_ENQUEUE = (
    "from tests.job_tasks import marks_and_sleeps; print(marks_and_sleeps.enqueue(path={path!r}, seconds=60).id)"
)
PYTHON_SNIPPET_STATE = (
    "import json; from django_tasks_db.models import DBTaskResult as R; r = R.objects.get(pk={pk!r}); "
    "print(json.dumps([r.status, len(r.worker_ids), r.return_value, r.traceback]))"
)
WORKER = [sys.executable, "manage.py", "run_jobs", "--interval", "0.1", "--no-startup-delay", "--no-reload"]


def test_a_job_whose_worker_is_killed_runs_again_on_another(tmp_path):
    environment = processes.environment(
        tmp_path,
        NEWSROOM_JOB_HEARTBEAT_SECONDS="0.2",
        NEWSROOM_JOB_WORKER_TIMEOUT_SECONDS="1",
        NEWSROOM_JOB_RETRY_SECONDS="0.1",
    )
    processes.prepare(environment)
    marks = tmp_path / "marks.txt"
    job = processes.manage(environment, "shell", "-c", PYTHON_SNIPPET_ENQUEUE.format(path=str(marks)))
    state = lambda: json.loads(processes.manage(environment, "shell", "-c", PYTHON_SNIPPET_STATE.format(pk=job)))  # noqa: E731

    with (tmp_path / "first.log").open("w") as log:
        first = processes.start(environment, WORKER, log)
        try:
            processes.wait_for(
                lambda: marks.exists() and "started" in marks.read_text(), 60, "the first attempt to start"
            )
        finally:
            first.send_signal(signal.SIGKILL)  # no chance to finish, or to say anything
            first.wait(timeout=10)
    assert state()[:2] == ["RUNNING", 1]  # as the killed worker left it

    with (tmp_path / "second.log").open("w") as log:
        second = processes.start(environment, WORKER, log)
        try:
            processes.wait_for(lambda: state()[0] == "SUCCESSFUL", 60, "another worker to run the job again")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=20)
    status, attempts, attempt_that_finished, _traceback = state()
    assert (status, attempts, attempt_that_finished) == ("SUCCESSFUL", 2, 2)
    assert marks.read_text() == "started\nstarted\nfinished\n"
