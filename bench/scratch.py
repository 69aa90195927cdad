"""The scratch database a benchmark runs on: a SQLite file in a temporary folder, or, when DATABASE_URL names a
PostgreSQL server, a database of the benchmark's own on it (UTF-8, never plain C), dropped at the end."""

import contextlib
import os
import shutil
import tempfile


@contextlib.contextmanager
def scratch_database(name):
    """Point DATABASE_URL at a fresh database called `name` (PostgreSQL) or a temporary SQLite file for the length
    of the block, and remove it afterwards, whatever happened. Call before django.setup()."""
    server = os.environ.get("DATABASE_URL", "")
    folder = None
    if server.startswith("postgres"):
        import psycopg

        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
        os.environ["DATABASE_URL"] = server.rsplit("/", 1)[0] + f"/{name}"
    else:
        folder = tempfile.mkdtemp()
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    try:
        yield
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name}")
            os.environ["DATABASE_URL"] = server
