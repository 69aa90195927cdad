"""Processes a test starts as production runs them (a worker, a web server, a management command), on a database
they can share with the test: on PostgreSQL the test database itself (the test must commit what they are to see:
django_db(transaction=True)); on SQLite, whose test database lives in this process's memory, a database file of
the test's own, migrated for it."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def environment(tmp_path, **extra):
    """The environment for processes that share this test's database."""
    variables = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **extra}
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        variables["DATABASE_URL"] = f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"
    else:
        variables["DATABASE_URL"] = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return variables


def prepare(variables):
    """Migrate the database of its own, on SQLite (the PostgreSQL test database is migrated already)."""
    if connection.vendor != "postgresql":
        manage(variables, "migrate", "--noinput", "-v0", timeout=300)


def manage(variables, *arguments, timeout=120):
    """Run a management command; its last line of output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=variables, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def start(variables, arguments, log):
    return subprocess.Popen(arguments, cwd=BASE_DIR, env=variables, stdout=log, stderr=subprocess.STDOUT)


def stop_group(process, folder=None):
    """Stop a server started in a process group of its own (start_new_session=True), its children with it: SIGTERM,
    then SIGKILL if it has not ended within ten seconds. Then remove its `folder`, if it has one."""
    try:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"Waited {seconds} s for {what}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url):
    """(status, headers, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
    except OSError:
        return None, {}, ""
