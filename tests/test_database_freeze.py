"""
A PostgreSQL server that hangs instead of refusing: its processes stopped (SIGSTOP), as a full disk, a stuck storage
volume or a network partition look to the site. Its kernel still accepts connections and acknowledges queries, so
only the client can give up (core/postgresql/deadline.py).

The tests freeze a PostgreSQL cluster of their own (initdb into a temporary directory, a free loopback port, never
the shared server), so they run in the SQLite and the PostgreSQL runs of the suite alike. The last one serves the
site with real gunicorn (3 sync workers, production settings, a Redis of its own as the shared cache) and measures
the timeline of a freeze and of the recovery: `freeze_timeline()` returns it and the test prints it.
"""

import contextlib
import glob
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db.utils import ConnectionHandler

from core.postgresql import deadline
from tests.redis_server import redis_server

ROOT = Path(__file__).resolve().parent.parent
DOWN_TEXT = "لا يستطيع الموقع الوصول إلى قاعدة بياناته الآن"
# The production defaults these tests hold the site to (newsroom/settings.py).
QUERY_TIMEOUT, CONNECT_TIMEOUT, PAUSE = 3.0, 3, 5.0


def postgresql_bin():
    """Debian's PostgreSQL programs (initdb, pg_ctl), or those on PATH."""
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(f"{directory}/initdb", os.X_OK):
            return Path(directory)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of the test's own, run as the postgres OS user when the test runs as root (initdb
    refuses root)."""

    def __init__(self, directory, programs):
        self.directory, self.programs = directory, programs
        self.data, self.port = directory / "data", free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(directory, "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = f"-p {self.port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-l", directory / "server.log", "-w", "-o", options, "start")
        self.stopped = set()

    def _run(self, program, *args):
        command = [*self.as_user, str(self.programs / program), *map(str, args)]
        subprocess.run(command, check=True, capture_output=True, cwd=self.directory)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def conninfo(self, dbname="postgres"):
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname} connect_timeout={CONNECT_TIMEOUT}"

    def processes(self):
        """The postmaster and its children (backends, checkpointer, walwriter…), from the cluster's pid file."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = set()
        for stat in glob.glob("/proc/[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                # The parent's pid is the second field after the parenthesised command name.
                if int(Path(stat).read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                    children.add(int(Path(stat).parent.name))
        return postmaster, children

    def freeze(self):
        postmaster, _ = self.processes()
        os.kill(postmaster, signal.SIGSTOP)  # first, so it starts no child meanwhile
        self.stopped.add(postmaster)
        for pid in self.processes()[1]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
                self.stopped.add(pid)

    def thaw(self):
        for pid in self.stopped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.stopped.clear()

    @contextlib.contextmanager
    def frozen(self):
        self.freeze()
        try:
            yield
        finally:
            self.thaw()

    def remove(self):
        self.thaw()
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    programs = postgresql_bin()
    if programs is None:
        pytest.skip("PostgreSQL's initdb is not installed (apt-get install postgresql): no cluster to freeze")
    directory = Path(tempfile.mkdtemp(prefix="newsroom-freeze-"))
    try:
        cluster = Cluster(directory, programs)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    try:
        yield cluster
    finally:
        cluster.remove()


def test_psycopg_gives_up_at_once_when_the_watchdog_shuts_its_socket(cluster):
    """The behaviour the deadline rests on, held here against psycopg upgrades: a query to a frozen server waits
    forever by itself; once the watchdog shuts the connection's socket down, psycopg raises OperationalError at once
    and drops the connection, and the server is noted as not answering."""
    server = f"frozen-{cluster.port}"
    with psycopg.connect(cluster.conninfo()) as connection:
        connection.execute("SELECT 1")
        fileno = connection.fileno()
        with cluster.frozen():
            started = time.monotonic()
            with pytest.raises(psycopg.OperationalError):
                with deadline.watchdog.watch(fileno, os.fstat(fileno).st_ino, 0.5, server):
                    connection.execute("SELECT 1")
            waited = time.monotonic() - started
        assert 0.5 <= waited < 1.5
        assert connection.closed
    assert deadline.unanswered.refusal(server, 60, deadline.Limit(None))
    deadline.unanswered.clear(server)


@pytest.fixture
def database(cluster, django_db_blocker):
    """A Django connection of our backend to the test's own cluster: 0.5 s per wait, a 1 s pause."""
    handler = ConnectionHandler({
        "default": {
            "ENGINE": "core.postgresql", "NAME": "postgres", "USER": "postgres", "HOST": "127.0.0.1",
            "PORT": str(cluster.port), "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"connect_timeout": 2, "query_timeout": 0.5, "unanswered_pause": 1},
        }
    })  # fmt: skip
    connection = handler["default"]
    with django_db_blocker.unblock():
        yield connection
        connection.close()
    deadline.unanswered.clear(connection.server)


def query(connection, sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def test_the_deadline_applies_to_requests_and_blocks_not_to_commands(database):
    """Outside a request (migrations, commands) a slow statement runs to its end; in a request, or in a
    database_deadline() block, a wait longer than the limit fails with OperationalError at the limit."""
    from django.db import OperationalError

    assert query(database, "SELECT pg_sleep(0.8), 1")[1] == 1
    deadline.request_started()
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError):
            query(database, "SELECT pg_sleep(3)")
        assert time.monotonic() - started < 1.5
    finally:
        deadline.request_finished()
    database.close()
    time.sleep(1.1)  # the pause
    with deadline.database_deadline(0.2):
        with pytest.raises(OperationalError):
            query(database, "SELECT pg_sleep(3)")
    database.close()
    time.sleep(1.1)
    with deadline.database_deadline(None):
        deadline.request_started()
        try:
            assert query(database, "SELECT pg_sleep(0.8), 2")[1] == 2  # a block lifts a request's limit
        finally:
            deadline.request_finished()


def test_a_server_that_stopped_answering_is_left_alone_for_the_pause(database, cluster):
    """Django's health check of a persistent connection gives up at the deadline; then the connection is not
    even attempted for the pause (an error at once), nor ever from a retry=False block until another attempt has
    succeeded."""
    from django.db import OperationalError

    query(database, "SELECT 1")
    database.close_if_unusable_or_obsolete()  # a new request: the health check is due again
    with cluster.frozen():
        deadline.request_started()
        try:
            started = time.monotonic()
            with pytest.raises(OperationalError, match="did not answer lately"):
                query(database, "SELECT 1")
            assert time.monotonic() - started < 1.0  # the health check's deadline, and no connection attempt
            started = time.monotonic()
            with pytest.raises(OperationalError, match="not tried again for"):
                query(database, "SELECT 1")
            assert time.monotonic() - started < 0.1
        finally:
            deadline.request_finished()
    time.sleep(1.1)
    with deadline.database_deadline(0.5, retry=False):
        with pytest.raises(OperationalError, match="not tried again from here"):
            query(database, "SELECT 1")
    assert query(database, "SELECT 3") == (3,)  # the pause is over and the server answers
    with deadline.database_deadline(0.5, retry=False):
        assert query(database, "SELECT 4") == (4,)


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    text: str
    seconds: float
    done_at: float


class Site:
    """The newsroom served by gunicorn from the test's cluster, with a Redis of its own as the shared cache."""

    def __init__(self, cluster, redis_url, work):
        self.cluster = cluster
        self.secret = secrets.token_urlsafe(50)
        self.environment = {
            **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "NEWSROOM_"))},
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_ENV_FILE": "",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": self.secret,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_HTTPS": "0",
            "DJANGO_LOG_LEVEL": "ERROR",
            "DATABASE_URL": f"{cluster.url}/newsroom",
            "REDIS_URL": redis_url,
            "DJANGO_STATIC_ROOT": str(work / "static"),
            "DJANGO_MEDIA_ROOT": str(work / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(work / "private"),
            "NEWSROOM_COMMENT_RATE_PER_ADDRESS": "1000000",
            "NEWSROOM_COMMENT_NOTIFY_MODERATORS": "0",
        }
        self.environment.pop("DATABASE_REPLICA_URL", None)
        with psycopg.connect(cluster.conninfo(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE newsroom TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        made = self.manage(
            "shell",
            "-c",
            "import json; from tests.factories import make_article; "
            "a = make_article(headline_ar='تجميد قاعدة البيانات'); "
            "print(json.dumps({'id': a.pk, 'article': a.get_absolute_url(), 'section': a.section.get_absolute_url()}))",
        )
        self.content = json.loads(made.strip().splitlines()[-1])
        self.port = free_port()
        self.log = (work / "gunicorn.log").open("wb")
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "newsroom.wsgi", "--workers", "3", "--worker-class", "sync",
             "--timeout", "30", "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=self.environment, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(150):
            with contextlib.suppress(OSError):
                if self.request("GET", "/healthz", timeout=1).status == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{(work / 'gunicorn.log').read_text(errors='replace')[-5000:]}")

    def manage(self, *args):
        command = [sys.executable, "manage.py", *args]
        return subprocess.run(
            command, cwd=ROOT, env=self.environment, check=True, capture_output=True, text=True
        ).stdout

    def request(self, method, path, *, body=None, headers=None, timeout=20):
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        done = time.monotonic()
        return Reply(response.status, response.headers, text, done - started, done)

    def post_comment(self, form, number):
        body = urllib.parse.urlencode({
            "name": "قارئ", "email": f"reader{number}@example.org", "body": f"تعليق رقم {number} أثناء الاختبار",
            "consent": "on", "token": form["token"], "website": "", "parent": "", "csrfmiddlewaretoken": form["csrf"],
        })  # fmt: skip
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={form['cookie']}"}
        return self.request("POST", f"/comments/post/{self.content['id']}/", body=body, headers=headers)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def site(cluster):
    work = Path(tempfile.mkdtemp(prefix="newsroom-freeze-site-"))
    try:
        with redis_server(work) as redis_url:
            site = Site(cluster, redis_url, work)
            try:
                yield site
            finally:
                cluster.thaw()
                site.stop()
                # Shown by pytest when the test fails.
                print("gunicorn's log:", (work / "gunicorn.log").read_text(errors="replace")[-5000:], sep="\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def cached_burst(site, paths, count=20):
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda index: site.request("GET", paths[index % len(paths)]), range(count)))


def freeze_timeline(site):
    """Freeze the cluster under the served site, then thaw it; return what happened when (seconds from the freeze,
    or from the thaw for the recovery) and the replies, for the test to judge."""
    cached = ["/", site.content["article"]]
    reply = site.request("GET", f"/comments/token/?article={site.content['id']}")
    cookie = next(value for value in reply.headers.get_all("Set-Cookie") if value.startswith("csrftoken="))
    form = {**json.loads(reply.text), "cookie": cookie.split(";")[0].split("=", 1)[1]}
    for path in cached * 2:  # drawn, then served from the cache
        site.request("GET", path)
    time.sleep(max(0.0, 3.2 - (time.monotonic() - reply.done_at)))  # the comment form's «too fast» check
    timeline, replies = {}, {}

    site.cluster.freeze()
    frozen_at = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        for name, slow in (
            ("uncached page", lambda: site.request("GET", site.content["section"])),
            ("comment POST", lambda: site.post_comment(form, 1)),
        ):
            pending = pool.submit(slow)
            time.sleep(0.3)  # under way in one worker while the cached pages are asked for
            burst = cached_burst(site, cached)
            replies[f"cached pages during the {name}"] = burst
            timeline[f"20 cached pages answered, during the {name}"] = round(
                max(r.done_at for r in burst) - frozen_at, 2
            )
            timeline[f"  the slowest of them took (s), during the {name}"] = round(max(r.seconds for r in burst), 2)
            replies[name] = pending.result()
            timeline[f"{name}: {replies[name].status}"] = round(replies[name].done_at - frozen_at, 2)
    replies["healthz"] = site.request("GET", "/healthz")
    timeline[f"/healthz: {replies['healthz'].status}"] = round(replies["healthz"].done_at - frozen_at, 2)
    replies["uncached page again"] = site.request("GET", site.content["section"])
    timeline[f"uncached page again: {replies['uncached page again'].status}"] = round(
        replies["uncached page again"].done_at - frozen_at, 2
    )
    replies["cached pages at the end"] = cached_burst(site, cached)

    site.cluster.thaw()
    thawed_at = time.monotonic()
    timeline["thawed"] = round(thawed_at - frozen_at, 2)
    for name, attempt, good in (
        ("uncached page 200", lambda: site.request("GET", site.content["section"]), 200),
        ("comment POST accepted (302)", lambda: site.post_comment(form, 2), 302),
    ):
        while (reply := attempt()).status != good and time.monotonic() - thawed_at < 30:
            time.sleep(0.2)
        replies[name] = reply
        timeline[f"after the thaw: {name}"] = round(reply.done_at - thawed_at, 2)
    # Every worker back: /healthz reads the database on each call, so a run of successes has passed through all.
    run = 0
    while run < 12 and time.monotonic() - thawed_at < 30:
        run = run + 1 if site.request("GET", "/healthz").status == 200 else 0
        time.sleep(0.05)
    timeline["after the thaw: 12 healthz in a row ok"] = round(time.monotonic() - thawed_at, 2)
    return timeline, replies


def test_a_frozen_database_leaves_cached_pages_up_and_the_rest_a_quick_503(site):
    """With the database frozen: cached pages answer 200 within a second (also while a worker waits on the
    database), an uncached page and a comment POST get the Arabic 503 with Retry-After within 5 s, /healthz says
    error; once the database answers again, everything recovers by itself within seconds."""
    timeline, replies = freeze_timeline(site)
    print("\nTimeline of a database freeze (seconds from the freeze; recovery from the thaw):")
    for event, seconds in timeline.items():
        print(f"  {seconds:7.2f}  {event}")

    for name in (
        "cached pages during the uncached page",
        "cached pages during the comment POST",
        "cached pages at the end",
    ):
        assert [reply.status for reply in replies[name]] == [200] * 20, name
        assert all(reply.headers["X-Page-Cache"] == "hit" for reply in replies[name]), name
        assert max(reply.seconds for reply in replies[name]) < 1.0, name
    for name in ("uncached page", "comment POST", "uncached page again"):
        reply = replies[name]
        assert reply.status == 503 and DOWN_TEXT in reply.text, name
        assert reply.headers["Retry-After"] == "30", name
        assert reply.seconds < 5.0, name
    assert replies["healthz"].status == 503 and json.loads(replies["healthz"].text)["status"] == "error"
    assert replies["healthz"].seconds < 5.0
    assert replies["uncached page 200"].status == 200 and "تجميد قاعدة البيانات" in replies["uncached page 200"].text
    assert replies["comment POST accepted (302)"].status == 302
    for event in ("after the thaw: uncached page 200", "after the thaw: comment POST accepted (302)",
                  "after the thaw: 12 healthz in a row ok"):  # fmt: skip
        assert timeline[event] < PAUSE + CONNECT_TIMEOUT + 2, event
