"""
Counting reads of pages: how many times each page was served to a reader, per hour, and nothing else.

What is counted: an app says, while a page is drawn, what the page is a read of (`core.pagecache.count_read(kind,
pk)`: the articles app, its article pages); the page cache keeps that with the stored page and counts every 200
answer to a reader's GET of it, drawn or cached (core/pagecache.py). Not counted: staff, HEAD, a 304, a request
with no User-Agent or a crawler's (crawlerdetect, the Python port of JayBizzle's Crawler-Detect list), and a
browser's speculative loads (prefetch and prerender: `Sec-Purpose`, `Purpose`, `X-Moz`, `X-Purpose`). No cookie is
read or set for it, and nothing about the reader is recorded: a count is (kind, id, hour) → n. (Each process does
remember which User-Agents it found to be crawlers', apart from any count, page or time.)

What it costs a reader: a look-up in a dictionary of the User-Agents this process has classified (a new one costs
the crawler list's regular expression once, about half a millisecond: bench/README.md, "Most read") and one
addition under a lock. The counts wait in this process's memory and are handed to the app that registered their
kind (`register_read_sink`) every NEWSROOM_READS_FLUSH_SECONDS, by a daemon thread started with the first count in
each process (a forked worker starts its own and drops what it inherited from its parent, which the parent
counts), and once more at exit. Module state is acceptable here: losing it (a worker killed, a failed write) loses
only counts, never a page, and counts are an estimate anyway. A sink that
fails (the database down or locked) is logged and its counts are dropped: nothing waits for it and nothing retries.

Shared infrastructure: imports no app of ours.
"""

import atexit
import functools
import logging
import os
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime

from django.conf import settings
from django.db import connections

from .postgresql.deadline import database_deadline

logger = logging.getLogger(__name__)

# Headers a browser sends with a speculative load (a page fetched or rendered before the reader asked for it):
# Sec-Purpose (Chromium's prefetch and prerender, the Fetch standard's name), Purpose (older Chromium), X-Moz
# (Firefox's link prefetching) and X-Purpose (Safari's Top Sites previews). Any value counts: the headers exist
# only to say a request is not a reader's own.
SPECULATIVE_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ", "HTTP_X_PURPOSE")
# Only this much of a User-Agent is classified (and remembered): no real browser sends more.
AGENT_CHARACTERS = 512
# How many User-Agents a process remembers the answer for: readers' browsers repeat, so a worker classifies each
# once; 8,192 of them are a few megabytes.
AGENTS_REMEMBERED = 8192
# How long a flush may wait for the database (PostgreSQL; core/postgresql/deadline.py) before it gives up and drops
# its counts: a hung database must not hold a worker's exit.
FLUSH_DEADLINE_SECONDS = 5

# What the apps handle: kind → sink({(pk, hour): reads}), registered from their AppConfig.ready(); and what they
# want done off the request path after each flush (the most-read rankings).
_sinks = {}
_after_flush = []


def register_read_sink(kind, sink):
    """`sink(counts)` stores reads of `kind`: `counts` maps (pk, hour) to a number of reads, `hour` an aware UTC
    datetime on the hour. Called from the flushing thread (or at exit), never in a request."""
    _sinks[kind] = sink


def register_after_flush(task):
    """`task()` runs in each process's flushing thread after every flush (never in a request): work an app wants
    done regularly, off the request path. It must be cheap when there is nothing to do, and safe when several
    processes run it at once."""
    _after_flush.append(task)


@functools.cache
def _detector():
    from crawlerdetect import CrawlerDetect

    return CrawlerDetect()


@functools.lru_cache(maxsize=AGENTS_REMEMBERED)
def _is_crawler(agent):
    # Blank: a script (every browser sends a User-Agent).
    return not agent.strip() or _detector().is_crawler(agent)


def warm_up():
    """Compile the crawler list now (about 40 ms, once per process), not in the first reader's request: the WSGI
    application calls it as it is built."""
    if settings.NEWSROOM_COUNT_READS:
        _is_crawler("Mozilla/5.0")


def reader_request(meta):
    """Whether a request (Django's `request.META` or a WSGI environ: the same names) is a reader's own look at a
    page, from its headers alone: a User-Agent that no crawler list knows, and no speculative load. Staff, the
    method and the answer are the page cache's to check."""
    # In the path of every cached answer, which it costs about a microsecond (bench/README.md, "Most read").
    for name in SPECULATIVE_HEADERS:
        if meta.get(name):
            return False
    agent = meta.get("HTTP_USER_AGENT")
    if not agent:
        return False  # a script: every browser sends one
    return not _is_crawler(agent if len(agent) <= AGENT_CHARACTERS else agent[:AGENT_CHARACTERS])


class _Buffer:
    """This process's counts since the last flush: (kind, pk, hour as a POSIX time) → reads."""

    def __init__(self, pid):
        self.pid = pid
        self.counts = {}
        self.lock = threading.Lock()


_buffer = _Buffer(pid=None)
_starting = threading.Lock()
_exit_registered = False


def read_counted(kind, pk):
    """Count one read of `kind` `pk` in the current hour (UTC). The page cache calls it, once it has checked that
    counting is on (NEWSROOM_COUNT_READS) and that the request is a reader's."""
    buffer = _buffer
    if buffer.pid != os.getpid():
        buffer = _start()
    key = (kind, pk, int(time.time()) // 3600 * 3600)
    with buffer.lock:
        counts = buffer.counts
        counts[key] = counts.get(key, 0) + 1


def _start():
    """This process's first count: a buffer of its own and the thread that flushes it (none with an interval of 0:
    the tests flush by hand)."""
    global _buffer, _exit_registered
    with _starting:
        if _buffer.pid == os.getpid():
            return _buffer
        # A buffer inherited from the parent holds the parent's counts, which the parent flushes: dropped here.
        _buffer = _Buffer(pid=os.getpid())
        interval = settings.NEWSROOM_READS_FLUSH_SECONDS
        if interval > 0:
            threading.Thread(target=_flush_every, args=(interval,), name="newsroom-reads-flush", daemon=True).start()
        if not _exit_registered:
            atexit.register(reads_flush)
            _exit_registered = True
        return _buffer


def _flush_every(interval):
    while True:
        time.sleep(interval)
        reads_tick()
        # As Django does around a request: this thread's connection is kept for the next flush unless it broke or
        # outlived CONN_MAX_AGE.
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()


def reads_flush():
    """Hand the counts made in this process since the last flush to their sinks, now; the number of reads handed
    over (those of a failing sink included: they are dropped). Never raises."""
    buffer = _buffer
    if buffer.pid != os.getpid():
        return 0
    with buffer.lock:
        counts, buffer.counts = buffer.counts, {}
    by_kind = defaultdict(dict)
    for (kind, pk, hour), reads in counts.items():
        by_kind[kind][(pk, datetime.fromtimestamp(hour, tz=UTC))] = reads
    for kind, kind_counts in by_kind.items():
        sink = _sinks.get(kind)
        try:
            if sink is None:
                raise LookupError(f"no sink registered for {kind!r}")
            with database_deadline(FLUSH_DEADLINE_SECONDS, retry=False):
                sink(kind_counts)
        except Exception:
            logger.warning(
                "%s reads of %s pages not recorded (dropped)", sum(kind_counts.values()), kind, exc_info=True
            )
    return sum(counts.values())


def reads_tick():
    """What the flushing thread does every NEWSROOM_READS_FLUSH_SECONDS: flush, then the apps' after-flush tasks,
    each within the flush's database deadline. Never raises."""
    reads_flush()
    for task in _after_flush:
        try:
            with database_deadline(FLUSH_DEADLINE_SECONDS, retry=False):
                task()
        except Exception:
            logger.warning("After-flush task %s failed", getattr(task, "__name__", task), exc_info=True)


def reads_forget():
    """Drop the counts not flushed yet (the tests, between tests)."""
    buffer = _buffer
    with buffer.lock:
        buffer.counts.clear()


def reads_pending():
    """The counts not flushed yet, as {(kind, pk, hour): reads} (for tests and benchmarks)."""
    buffer = _buffer
    with buffer.lock:
        return dict(buffer.counts)


def _after_fork_in_child():
    # The parent's locks may have been held at the fork, and its counts are its own to flush.
    global _buffer, _starting
    _buffer, _starting = _Buffer(pid=None), threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)
