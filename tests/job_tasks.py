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
