"""
A client-side deadline on every wait for the database, and a short pause after the database fails to answer.

A PostgreSQL server that hangs rather than refuses (its processes stopped, a full disk, a stuck storage volume, a
network partition) still has a kernel that accepts TCP connections and acknowledges what is sent: TCP keepalives
and `tcp_user_timeout` never fire, and the server cannot enforce `statement_timeout`. Only the client can give up.
libpq and psycopg have no such deadline after the connection is made (`connect_timeout` covers the startup only),
so a watchdog thread shuts down the connection's socket (`socket.shutdown` on a duplicate of `Connection.fileno()`)
when a wait outlives its deadline: psycopg then raises OperationalError at once, Django drops the connection at the
end of the request, and the reader gets the 503 page (core/middleware.py) instead of a worker stuck until
gunicorn kills it. tests/test_database_freeze.py holds psycopg to that behaviour.

Which waits have a deadline:
- everything Django asks while it serves a request (`request_started` to `request_finished`): the limit is the
  database's `OPTIONS["query_timeout"]` (DJANGO_DB_QUERY_TIMEOUT_SECONDS);
- everything inside `database_deadline(seconds)`, which overrides it either way (None: no limit);
- nothing else: migrations, the scheduled commands and the benchmark's seeding may run statements for minutes.

After a deadline fires or a connection attempt times out, this process leaves that server alone for
`OPTIONS["unanswered_pause"]` seconds: new connections fail at once, so a hung database costs each worker one
wait every few seconds, not one per request, and workers stay free for the pages in the page cache. A block
entered with `retry=False` (the page cache's own look-ups) never tries a database this process found not
answering: only requests outside such blocks find out that it is back.

Shared infrastructure: imports no app of ours.
"""

import heapq
import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    seconds: float | None
    retry: bool = True


_block = ContextVar("database_deadline_block", default=None)
_serving = ContextVar("database_deadline_serving", default=False)


@contextmanager
def database_deadline(seconds, *, retry=True):
    """Every wait for the database in this block gives up after `seconds` (None: never). With retry=False a
    database this process found not answering is not asked again from inside the block."""
    token = _block.set(Limit(seconds, retry))
    try:
        yield
    finally:
        _block.reset(token)


def current_limit(request_seconds):
    """The limit for a wait starting now, given the database's limit for requests."""
    block = _block.get()
    if block is not None:
        return block
    return Limit(request_seconds if _serving.get() else None)


def request_started(**kwargs):
    _serving.set(True)


def request_finished(**kwargs):
    _serving.set(False)


@dataclass(order=True)
class Watch:
    due: float
    fileno: int = field(compare=False)
    inode: int = field(compare=False)
    server: str = field(compare=False)
    seconds: float = field(compare=False)
    done: bool = field(default=False, compare=False)


class Watchdog:
    """One thread per process: shuts down the socket of any watched wait that outlives its deadline."""

    def __init__(self):
        self._condition = threading.Condition()
        self._due = []
        self._thread = None

    @contextmanager
    def watch(self, fileno, inode, seconds, server):
        watch = Watch(time.monotonic() + seconds, fileno, inode, server, seconds)
        with self._condition:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="database-deadline", daemon=True)
                self._thread.start()
            heapq.heappush(self._due, watch)
            if self._due[0] is watch:
                self._condition.notify()
        try:
            yield watch
        finally:
            # Under the lock: a watch is either fired while its wait is still under way (so the descriptor is still
            # this connection's) or done, never both.
            with self._condition:
                watch.done = True

    def _run(self):
        while True:
            fired = []
            with self._condition:
                now = time.monotonic()
                while self._due and (self._due[0].done or self._due[0].due <= now):
                    watch = heapq.heappop(self._due)
                    if not watch.done and _shut_down(watch):
                        fired.append(watch)
                if not fired:
                    self._condition.wait(self._due[0].due - now if self._due else None)
            for watch in fired:
                logger.error(
                    "Database %s did not answer within %s s: connection shut down", watch.server, watch.seconds
                )


def _shut_down(watch):
    try:
        if os.fstat(watch.fileno).st_ino != watch.inode:
            return False  # not the connection's socket any more (closed, its number reused)
        duplicate = socket.socket(fileno=os.dup(watch.fileno))
    except OSError:
        return False
    # Noted first: the waiting thread wakes as soon as the socket is shut down, and its next connection attempt
    # must already see the pause.
    unanswered.note(watch.server)
    with duplicate:
        try:
            # Shuts down the socket itself, which the connection's descriptor shares; closing the duplicate does not.
            duplicate.shutdown(socket.SHUT_RDWR)
        except OSError:
            return False
    return True


class Unanswered:
    """Per process and per database server ("host:port"): when it last failed to answer in time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._since = {}

    def note(self, server):
        with self._lock:
            self._since[server] = time.monotonic()

    def clear(self, server):
        with self._lock:
            self._since.pop(server, None)

    def refusal(self, server, pause, limit):
        """Why not to try connecting to this server now, or None."""
        with self._lock:
            since = self._since.get(server)
        if since is None:
            return None
        if not limit.retry:
            return "the database did not answer lately; not tried again from here"
        left = pause - (time.monotonic() - since)
        if left > 0:
            return f"the database did not answer lately; not tried again for {left:.1f} s"
        return None


watchdog = Watchdog()
unanswered = Unanswered()


def _after_fork_in_child():
    # A forked child has no watchdog thread, and the parent's lock may have been held at the fork.
    global watchdog, unanswered
    watchdog, unanswered = Watchdog(), Unanswered()


os.register_at_fork(after_in_child=_after_fork_in_child)
