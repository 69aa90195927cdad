"""Jobs the tests run: real tasks, enqueued and run the way the site's own are."""

import time
from pathlib import Path

from django_tasks import task


class Refused(Exception):
    """What the failing job raises."""


@task()
def always_fails() -> None:
    raise Refused("the far end said no")


@task()
def marks_and_sleeps(*, path: str, seconds: float) -> int:
    """Append a line to `path` when it starts and another when it ends: a job whose every attempt leaves a trace.
    The first attempt takes `seconds` (time for a test to kill its worker); later ones finish at once. Returns the
    number of the attempt that finished."""
    marks = Path(path)
    with marks.open("a") as file:
        file.write("started\n")
    if marks.read_text().count("started") == 1:
        time.sleep(seconds)
    with marks.open("a") as file:
        file.write("finished\n")
    return marks.read_text().count("started")


@task(takes_context=True)
def hands_itself_over(context) -> str:
    """While it runs, its job is given to another worker (as the heartbeat's recovery does when it takes this
    worker for stopped): the row now names another attempt."""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.get(pk=context.task_result.id)
    DBTaskResult.objects.filter(pk=row.pk).update(worker_ids=[*row.worker_ids, "another-worker"])
    return "done"
