"""
Live coverage under a crowd (`make bench-live`): thousands of readers keep a live page open while the desk posts.

1. Seeds a small newsroom (bench/newsroom_data.py: --articles, 1,000 by default) in a scratch database (PostgreSQL
   when DATABASE_URL names a server, a temporary SQLite file otherwise) and makes the newest article a live page of
   twenty entries; the desk's interval is --interval seconds (10).
2. Serves it with gunicorn (--workers sync workers) and a Redis of its own.
3. --readers (2,000) simulated readers' pages poll the page's one poll address as live.js does: each starts at a
   random moment of the first interval, asks every interval with ±10 % jitter, with the ETag of the answer it has
   (a browser's `cache: "no-cache"`), and learns the interval from every answer. Meanwhile the desk posts an entry
   every --post seconds (15) through the services, for --readers-seconds (60).
4. Counts the answers served from the page cache (X-Page-Cache: hit) or as 304, the SQL queries a cached poll costs
   (in process, Django's test client), and for each entry the delay from its commit to each reader's first answer
   that holds it: the promise is at most the interval plus a couple of seconds.
5. The outside reference, same run: the cached poll answer against a bare Django view of the same size
   (bench/bare/), wrk taking turns --rounds times (3, of --duration seconds: 10).

Prints a table and writes bench/results/live-<database>-<readers>.json.
Run: .venv/bin/python bench/live.py   (DATABASE_URL=postgres://… for PostgreSQL)
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from served import Gunicorn, add_load_arguments, bare_environment, database_url, server_environment, wrk  # noqa: E402


class Poller:
    """One reader's open live page: the entries it holds, the ETag of its last answer, when it first saw each."""

    def __init__(self, host, port, path):
        self.host, self.port, self.path = host, port, path
        self.etag = None
        self.interval = None
        self.seen = {}  # entry id -> when this reader's page first held it
        self.outcomes = {}

    async def ask(self):
        reader, writer = await asyncio.open_connection(self.host, self.port)
        # HTTP/1.0: one answer per connection, never chunked, as plain as a client gets.
        headers = f"GET {self.path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
        if self.etag:
            headers += f"If-None-Match: {self.etag}\r\n"
        writer.write((headers + "\r\n").encode())
        await writer.drain()
        raw = await reader.read()
        writer.close()
        now = time.time()
        head, _separator, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        fields = {name.lower(): value.strip() for name, _colon, value in (line.partition(":") for line in lines[1:])}
        outcome = "304" if status == 304 else f"{status} {fields.get('x-page-cache', '?')}"
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.interval = int(fields.get("x-poll-interval", self.interval or 0))
        if status == 200:
            self.etag = fields.get("etag")
            for entry in json.loads(body)["entries"]:
                self.seen.setdefault(entry["id"], now)

    async def run(self, interval, until):
        await asyncio.sleep(random.uniform(0, interval))  # noqa: S311 - a benchmark's spread, not a secret
        while time.time() < until:
            try:
                await self.ask()
            except OSError:
                self.outcomes["connection error"] = self.outcomes.get("connection error", 0) + 1
            wait = (self.interval or interval) * random.uniform(0.9, 1.1)  # noqa: S311
            if not self.interval:
                return
            await asyncio.sleep(wait)


class Desk(threading.Thread):
    """The desk posting an entry every `every` seconds, recording when each one committed."""

    def __init__(self, page, editor, every, until):
        super().__init__(daemon=True)
        self.page, self.editor, self.every, self.until = page, editor, every, until
        self.posted = {}

    def run(self):
        from django.db import connection

        from live.services.entries import entry_post

        number = 0
        while time.time() + self.every < self.until - 5:
            time.sleep(self.every)
            number += 1
            entry = entry_post(article=self.page, by=self.editor, text=f"تحديث الاختبار رقم {number} من الميدان.")
            self.posted[entry.pk] = time.time()
        connection.close()


async def crowd(pollers, interval, until):
    await asyncio.gather(*(poller.run(interval, until) for poller in pollers))


def poll_costs(path):
    """SQL queries of a poll drawn afresh, and of one answered from the page cache (Django's test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.pagecache import pages_purge_all

    pages_purge_all()
    client = Client()
    costs = {}
    for name in ("drawn", "cached"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        costs[name] = {
            "queries": len(queries),
            "x_page_cache": response["X-Page-Cache"],
            "bytes": len(response.content),
        }
    return costs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000)
    parser.add_argument("--readers", type=int, default=2_000)
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--post", type=float, default=15)
    add_load_arguments(parser, "seconds of each wrk run of the reference")
    parser.add_argument("--readers-seconds", type=int, default=60, help="how long the readers keep the page open")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-live installs it when run as root)")
    from tests.redis_server import redis_server

    folder = Path(tempfile.mkdtemp(prefix="newsroom-live-"))
    try:
        with redis_server(folder) as redis_url:
            run(args, folder, redis_url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args, folder, redis_url):
    import served

    url, vendor = database_url(args)
    served.REDIS_URL = redis_url
    static_root, media_root = folder / "static", folder / "media"
    environment = server_environment(url, static_root, media_root, 0, True)
    environment["REDIS_URL"] = redis_url
    os.environ.update({name: environment[name] for name in (
        "DJANGO_ENV_FILE", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_HTTPS", "DATABASE_URL",
        "REDIS_URL", "DJANGO_STATIC_ROOT", "DJANGO_MEDIA_ROOT", "DJANGO_PRIVATE_MEDIA_ROOT", "DJANGO_SETTINGS_MODULE",
        "DJANGO_LOG_LEVEL")})  # fmt: skip
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.urls import reverse
    from newsroom_data import seed

    from live.services.coverage import coverage_start, live_settings_change
    from live.services.entries import entry_post

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    benchmarked, seconds = seed(articles=args.articles, progress=False)
    editor = get_user_model().objects.create_user("bench-live-editor", "live@example.org", None, is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"))
    live_settings_change(poll_seconds=args.interval, review_entries=False, by=editor)
    page = coverage_start(article=benchmarked[0], by=editor)
    for number in range(20):
        entry_post(article=page, by=editor, text=f"تحديث رقم {number}: المياه ما زالت ترتفع عند الجسر القديم.")
    path = reverse("live:poll", args=[page.pk])
    costs = poll_costs(path)
    print(f"Seeded {args.articles:,} articles in {seconds:.1f} s ({vendor}); poll answer "
          f"{costs['cached']['bytes']:,} bytes; {args.readers:,} readers polling every {args.interval} s for "
          f"{args.readers_seconds} s, an entry posted every {args.post:g} s; gunicorn with {args.workers} sync "
          "workers", flush=True)  # fmt: skip

    server = Gunicorn(environment, args.workers)
    bare = Gunicorn(bare_environment(costs["cached"]["bytes"]), args.workers, app="bench.bare.wsgi", ready="/")
    try:
        until = time.time() + args.readers_seconds
        pollers = [Poller("127.0.0.1", server.port, path) for _ in range(args.readers)]
        desk = Desk(page, editor, args.post, until)
        desk.start()
        started = time.time()
        asyncio.run(crowd(pollers, args.interval, until))
        elapsed = time.time() - started
        desk.join()
        reference = compare(args, f"{server.base}{path}", f"{bare.base}/")
    finally:
        server.stop()
        bare.stop()

    outcomes = {}
    for poller in pollers:
        for name, count in poller.outcomes.items():
            outcomes[name] = outcomes.get(name, 0) + count
    answers = sum(outcomes.values())
    from_cache = outcomes.get("304", 0) + outcomes.get("200 hit", 0)
    delays = sorted(
        poller.seen[pk] - posted for pk, posted in desk.posted.items() for poller in pollers if pk in poller.seen
    )
    missed = sum(1 for pk in desk.posted for poller in pollers if pk not in poller.seen)
    report = {
        "database": vendor, "articles": args.articles, "readers": args.readers, "interval_seconds": args.interval,
        "post_every_seconds": args.post, "readers_seconds": args.readers_seconds, "workers": args.workers,
        "poll_bytes": costs["cached"]["bytes"], "queries": {name: cost["queries"] for name, cost in costs.items()},
        "answers": answers, "answers_per_second": round(answers / elapsed), "outcomes": outcomes,
        "from_cache_or_304": round(from_cache / answers, 4) if answers else None,
        "entries_posted": len(desk.posted), "deliveries": len(delays), "not_delivered": missed,
        "delivery_seconds": {
            "p50": round(statistics.median(delays), 2),
            "p99": round(delays[int(len(delays) * 0.99) - 1], 2),
            "max": round(delays[-1], 2),
        } if delays else None,
        "reference": reference,
    }  # fmt: skip
    print(json.dumps(report, indent=2, ensure_ascii=False))
    destination = ROOT / "bench" / "results" / f"live-{vendor}-{args.readers}.json"
    destination.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {destination}")


def compare(args, poll_url, bare_url):
    """The cached poll answer against the bare Django view, wrk taking turns; each keeps its median run."""
    runs = {"poll answer (cached)": [], "bare Django view": []}
    for _round in range(args.rounds):
        runs["poll answer (cached)"].append(wrk(poll_url, args))
        runs["bare Django view"].append(wrk(bare_url, args))
    medians = {
        name: sorted(figures, key=lambda figure: figure["requests_per_second"])[len(figures) // 2]
        for name, figures in runs.items()
    }
    medians["poll_over_bare"] = round(
        medians["poll answer (cached)"]["requests_per_second"] / medians["bare Django view"]["requests_per_second"], 2
    )
    return medians


if __name__ == "__main__":
    main()
