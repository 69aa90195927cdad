"""
Django's PostgreSQL backend with the deadline of core/postgresql/deadline.py on every wait for the server: each
query and fetch (through the cursors it makes), commits and rollbacks, the connection's set-up queries and Django's
health check (CONN_HEALTH_CHECKS runs `SELECT 1` on the psycopg connection itself, outside Django's cursors). The
connection itself is bounded by `connect_timeout`, and not attempted at all while the database is paused as not
answering.

Options of its own in DATABASES[...]["OPTIONS"], taken out before the rest go to psycopg:
- `query_timeout`: seconds any one wait may take while a request is served (None: no limit);
- `unanswered_pause`: seconds this process leaves the database alone after it failed to answer in time.
"""

import os
from contextlib import contextmanager

import psycopg
from django.db.backends.postgresql import base as postgresql

from . import deadline

OWN_OPTIONS = {"query_timeout": None, "unanswered_pause": 5}


class DatabaseWrapper(postgresql.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = {**OWN_OPTIONS, **self.settings_dict["OPTIONS"]}
        self.query_timeout = options["query_timeout"]
        self.unanswered_pause = options["unanswered_pause"]
        self._socket = None  # (descriptor, inode) of the open connection's socket

    @property
    def server(self):
        """What a pause applies to: the server, whichever database or alias names it."""
        return f"{self.settings_dict['HOST'] or 'localhost'}:{self.settings_dict['PORT'] or 5432}"

    def get_connection_params(self):
        params = super().get_connection_params()
        for name in OWN_OPTIONS:
            params.pop(name, None)
        return params

    def get_new_connection(self, conn_params):
        refusal = deadline.unanswered.refusal(
            self.server, self.unanswered_pause, deadline.current_limit(self.query_timeout)
        )
        if refusal:
            raise psycopg.OperationalError(refusal)
        try:
            connection = super().get_new_connection(conn_params)
        except psycopg.errors.ConnectionTimeout:
            deadline.unanswered.note(self.server)
            raise
        deadline.unanswered.clear(self.server)
        fileno = connection.fileno()
        self._socket = (fileno, os.fstat(fileno).st_ino)
        return connection

    @contextmanager
    def _deadline(self):
        limit = deadline.current_limit(self.query_timeout)
        if limit.seconds is None or self.connection is None or self._socket is None:
            yield
            return
        with deadline.watchdog.watch(*self._socket, limit.seconds, self.server):
            yield

    def init_connection_state(self):
        with self._deadline():
            super().init_connection_state()

    def create_cursor(self, name=None):
        return DeadlineCursor(super().create_cursor(name), self)

    def _commit(self):
        with self._deadline():
            return super()._commit()

    def _rollback(self):
        with self._deadline():
            return super()._rollback()

    def is_usable(self):
        with self._deadline():
            return super().is_usable()

    def _close(self):
        self._socket = None
        return super()._close()


class DeadlineCursor:
    """A psycopg cursor whose waits for the server are under its connection's deadline. A client-side cursor has its
    rows once `execute` returns; a server-side one (QuerySet.iterator()) waits on every fetch and on close."""

    def __init__(self, cursor, db):
        self._cursor = cursor
        self._db = db
        self._fetches_wait = isinstance(cursor, psycopg.ServerCursor)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __iter__(self):
        if not self._fetches_wait:
            yield from self._cursor
            return
        while rows := self.fetchmany(self._cursor.itersize):
            yield from rows

    def _waiting(self, method, *args, **kwargs):
        with self._db._deadline():
            result = method(*args, **kwargs)
        return self if result is self._cursor else result

    def execute(self, *args, **kwargs):
        return self._waiting(self._cursor.execute, *args, **kwargs)

    def executemany(self, *args, **kwargs):
        return self._waiting(self._cursor.executemany, *args, **kwargs)

    def callproc(self, *args, **kwargs):
        return self._waiting(self._cursor.callproc, *args, **kwargs)

    def fetchone(self):
        return self._waiting(self._cursor.fetchone) if self._fetches_wait else self._cursor.fetchone()

    def fetchmany(self, *args, **kwargs):
        if self._fetches_wait:
            return self._waiting(self._cursor.fetchmany, *args, **kwargs)
        return self._cursor.fetchmany(*args, **kwargs)

    def fetchall(self):
        return self._waiting(self._cursor.fetchall) if self._fetches_wait else self._cursor.fetchall()

    def scroll(self, *args, **kwargs):
        return self._waiting(self._cursor.scroll, *args, **kwargs)

    def close(self):
        return self._waiting(self._cursor.close) if self._fetches_wait else self._cursor.close()
