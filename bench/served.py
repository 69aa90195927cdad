"""
The served benchmark (`make bench`): a realistic newsroom behind gunicorn on 127.0.0.1, loaded by wrk.

1. Makes a scratch database (`newsroom_bench`) on the PostgreSQL server DATABASE_URL names, or a temporary SQLite
   file when DATABASE_URL is unset or SQLite; migrates it and fills it (bench/newsroom_data.py: 10,000 articles by
   default, --articles 100000 for the large run) with a progress bar.
2. In process, with Django's test client: SQL queries and bytes of each page, and the median render time of the
   article page with the page cache off.
3. Starts gunicorn (--workers sync workers, 2 by default; Redis as the shared cache, on a database of its own that
   is emptied first) and drives each scenario with wrk (--connections, --duration), the same server setup for all:
   the cached article page, home, our own ceiling (/bench/ceiling: a constant response of the article page's size
   behind our middleware) and the outside reference, a bare Django view: bench/bare/, a separate minimal project
   with Django's default startproject settings and middleware returning a constant page of the same size, served by
   a second gunicorn alongside (same workers, 127.0.0.1); all four take turns --rounds times (3; each keeps its
   median run). Then, with the page cache off (NEWSROOM_PAGE_CACHE=0, gunicorn restarted), the article page, home,
   search (a different query on each request) and a comment POST.
4. Prints a table (req/s, p50, p99, SQL queries per request, bytes), the headline ratio cached article / bare
   Django view, then cached/our ceiling and uncached/bare Django, and writes it all to
   bench/results/http-<vendor>-<articles>.json.

Run: make bench   (ARTICLES=100000 for the large run; DATABASE_URL=postgres://… for PostgreSQL).
It starts a Redis of its own on a free loopback port (BENCH_REDIS_URL names another, which it then empties).
"""

import argparse
import atexit
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = "newsroom_bench"
# A Redis of the benchmark's own (started below, on a free loopback port), which it empties between phases; or one
# named by BENCH_REDIS_URL, which it then empties too.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "")
SEARCHES = ["الميادين", "دير الزور", "المزارعون", "أسعار المازوت", "المستشفى الوطني", "مدرسة", "الجسر المعلّق",
            "الكهرباء", "الطحين", "النازحين", "البوكمال", "الحصاد"]  # fmt: skip


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(args):
    server = os.environ.get("DATABASE_URL", "")
    if server.startswith("postgres"):
        import psycopg

        if args.reuse:
            return server.rsplit("/", 1)[0] + f"/{SCRATCH}", "postgresql"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
            admin.execute(f"CREATE DATABASE {SCRATCH} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
            # As docs/production.md advises for SSD storage: index lookups cost little more than a table scan.
            admin.execute(f"ALTER DATABASE {SCRATCH} SET random_page_cost = 1.1")
        return server.rsplit("/", 1)[0] + f"/{SCRATCH}", "postgresql"
    return f"sqlite:///{tempfile.mkdtemp(prefix='newsroom-bench-')}/bench.sqlite3", "sqlite"


def server_environment(url, static_root, media_root, ceiling_bytes, page_cache):
    return {
        **os.environ,
        "DJANGO_ENV_FILE": "",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_HTTPS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(media_root / "private"),
        "NEWSROOM_PAGE_CACHE": "1" if page_cache else "0",
        "NEWSROOM_BENCH_CEILING_BYTES": str(ceiling_bytes),
        "NEWSROOM_COMMENT_RATE_PER_ADDRESS": "1000000000",
        "NEWSROOM_COMMENT_RATE_PER_EMAIL": "1000000000",
        "NEWSROOM_COMMENT_NOTIFY_MODERATORS": "0",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }


def bare_environment(page_bytes):
    """The bare Django project's environment (bench/bare/): none of the newsroom's settings, a page of this size."""
    return {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "NEWSROOM_"))},
        "DJANGO_SETTINGS_MODULE": "bench.bare.settings",
        "BENCH_BARE_SECRET_KEY": secrets.token_urlsafe(50),
        "BENCH_BARE_BYTES": str(page_bytes),
    }


class Gunicorn:
    def __init__(self, environment, workers, app="newsroom.wsgi", ready="/healthz"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), app, "--chdir", str(ROOT), "--workers", str(workers),
                   "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment)  # noqa: S603 - our own command line
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{self.base}{ready}", timeout=1):  # noqa: S310 - loopback only
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def add_load_arguments(parser, duration_help):
    """The load's own options, the same for every served benchmark: wrk's threads, connections and run time, and
    gunicorn's workers."""
    parser.add_argument("--duration", type=int, default=10, help=duration_help)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)


def wrk_run(url, args, script=None, duration=None):
    """wrk's report of a run against `url` (with a Lua `script`; for `duration` seconds, else --duration)."""
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration or args.duration}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise SystemExit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wrk_figures(output):
    """Requests per second, p50 and p99 in ms, and errors, from wrk's report."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(percent):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": round(rate),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "non_2xx_3xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def wrk(url, args, script=None):
    return wrk_figures(wrk_run(url, args, script))


def lua_script(directory, name, body):
    path = Path(directory) / f"{name}.lua"
    path.write_text(body)
    return path


def measure_in_process(article, url_of):
    """SQL queries and bytes per request, with Django's test client; the median render of the uncached article."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from comments.forms import form_token

    client = Client()
    figures = {}
    for name, path in url_of.items():
        settings.NEWSROOM_PAGE_CACHE = not name.endswith("uncached")
        client.get(path)  # warm: policy version and generation in the cache; a stored page for the cached cases
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        figures[name] = {"sql_queries": len(queries), "bytes": len(response.content), "status": response.status_code}
    settings.NEWSROOM_PAGE_CACHE = False
    renders = []
    for _ in range(200):
        started = time.perf_counter()
        client.get(url_of["article_uncached"])
        renders.append(time.perf_counter() - started)
    figures["article_uncached"]["render_median_ms"] = round(statistics.median(renders) * 1000, 2)

    # The search query itself (first page and the count for the pager), each of SEARCHES five times.
    from articles.models import Article

    timings = []
    for query in SEARCHES * 5:
        started = time.perf_counter()
        found = Article.objects.published().translated("ar").search(query)
        list(found[:20])
        found.count()
        timings.append(time.perf_counter() - started)
    timings.sort()
    figures["search_uncached"]["query_p50_ms"] = round(statistics.median(timings) * 1000, 2)
    figures["search_uncached"]["query_p95_ms"] = round(timings[int(len(timings) * 0.95) - 1] * 1000, 2)

    import time_machine
    from django.utils import timezone

    poster = Client(enforce_csrf_checks=False)
    with time_machine.travel(timezone.now() - timedelta(minutes=1)):
        token = form_token(article.pk)  # a page opened a minute ago
    with CaptureQueriesContext(connection) as queries:
        response = poster.post(
            f"/comments/post/{article.pk}/",
            {"name": "قارئ", "email": f"reader-{secrets.token_hex(4)}@example.org", "body": "تعليق للقياس",
             "consent": "on", "token": token,
             "website": "", "parent": ""},
        )  # fmt: skip
    if response.status_code != 302:
        raise SystemExit(f"the comment POST measured in process answered {response.status_code}")
    figures["comment_post"] = {"sql_queries": len(queries), "bytes": len(response.content), "status": 302}
    figures["ceiling"] = {"sql_queries": 0, "bytes": figures["article"]["bytes"], "status": 200}
    figures["bare_django"] = {"sql_queries": 0, "bytes": figures["article"]["bytes"], "status": 200}
    return figures


LABELS = {"ceiling": "ceiling (our middleware)", "bare_django": "bare Django view"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    add_load_arguments(parser, "seconds of load per scenario")
    parser.add_argument(
        "--rounds", type=int, default=3, help="turns of the cached pages, our ceiling and the bare Django view"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: serve the newsroom the last run seeded, without seeding again"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it when run as root)")

    url, vendor = database_url(args)
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    global REDIS_URL
    if not REDIS_URL:
        from tests.redis_server import redis_server

        servers = contextlib.ExitStack()
        atexit.register(servers.close)
        REDIS_URL = servers.enter_context(redis_server(work))
    static_root, media_root = work / "static", work / "media"
    environment = server_environment(url, static_root, media_root, 0, True)
    os.environ.update({name: environment[name] for name in (
        "DJANGO_ENV_FILE", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_HTTPS", "DATABASE_URL",
        "REDIS_URL", "DJANGO_STATIC_ROOT", "DJANGO_MEDIA_ROOT", "DJANGO_PRIVATE_MEDIA_ROOT", "DJANGO_SETTINGS_MODULE",
        "DJANGO_LOG_LEVEL")})  # fmt: skip
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from bench.newsroom_data import seed

    cache.clear()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    if args.reuse:
        from django.db import connection

        from articles.models import Article
        from comments.models import Comment

        article, seconds = Article.objects.published().order_by("-published_at").first(), None
        args.articles = Article.objects.count()
        # The newsroom as seeded: without the pending comments earlier runs' comment POSTs left on the benchmarked
        # article, and with fresh statistics.
        Comment.objects.filter(article=article, status=Comment.Status.PENDING).delete()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        benchmarked, seconds = seed(articles=args.articles)
        print(f"Seeded in {seconds:.1f} s", flush=True)
        article = benchmarked[0]
    print(f"Database: {vendor}; {args.articles:,} articles; gunicorn with {args.workers} sync workers; "
          f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s", flush=True)  # fmt: skip
    paths = {
        "article": article.get_absolute_url(),
        "home": "/",
        "article_uncached": article.get_absolute_url(),
        "home_uncached": "/",
        "search_uncached": "/search/?q=" + urllib.parse.quote(SEARCHES[0]),
    }
    figures = measure_in_process(article, paths)
    cache.clear()

    scripts = tempfile.mkdtemp(prefix="newsroom-wrk-")
    searches = ", ".join(f'"/search/?q={urllib.parse.quote(query)}"' for query in SEARCHES)
    search_script = lua_script(scripts, "search", f"""
local queries = {{{searches}}}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", queries[(counter % #queries) + 1] .. "&n=" .. counter)
end
""")  # fmt: skip

    results = {}
    page_bytes = figures["article"]["bytes"]
    cached_server = Gunicorn(server_environment(url, static_root, media_root, page_bytes, True), args.workers)
    servers = [cached_server]
    try:
        # The outside reference: a separate bare Django project (bench/bare/), its own gunicorn alongside, the same
        # workers on another loopback port, idle while the others are loaded.
        bare_server = Gunicorn(bare_environment(page_bytes), args.workers, app="bench.bare.wsgi", ready="/")
        servers.append(bare_server)
        with urllib.request.urlopen(bare_server.base + "/") as response:  # noqa: S310 - loopback only
            if len(response.read()) != page_bytes:
                raise SystemExit("the bare Django view did not answer a page of the article page's size")
        # The cached pages, our ceiling and the bare Django view cost about the same, so the machine's own drift
        # (wrk, both workers, PostgreSQL and Redis share two cores) would decide their ratio: they take turns,
        # --rounds times, and each keeps its median run.
        cached = (
            ("article", cached_server.base + paths["article"]),
            ("home", cached_server.base + "/"),
            ("ceiling", cached_server.base + "/bench/ceiling"),
            ("bare_django", bare_server.base + "/"),
        )
        runs = {name: [] for name, _url in cached}
        for _round in range(args.rounds):
            for name, address in cached:
                urllib.request.urlopen(address).read()  # noqa: S310 - loopback; fill the cache
                runs[name].append(wrk(address, args))
        for name, measured in runs.items():
            rates = sorted(run["requests_per_second"] for run in measured)
            results[name] = {**sorted(measured, key=lambda run: run["requests_per_second"])[len(measured) // 2],
                             "rounds": rates}  # fmt: skip
            print(f"  {LABELS.get(name, name):<26} {results[name]['requests_per_second']:>7} req/s "
                  f"(rounds: {rates})", flush=True)  # fmt: skip
    finally:
        for server in servers:
            server.stop()

    uncached_server = Gunicorn(server_environment(url, static_root, media_root, 0, False), args.workers)
    try:
        for name, path in (("article_uncached", paths["article"]), ("home_uncached", "/")):
            results[name] = wrk(uncached_server.base + path, args)
            print(f"  {name:<26} {results[name]['requests_per_second']:>7} req/s", flush=True)
        results["search_uncached"] = wrk(uncached_server.base + "/", args, search_script)
        print(f"  {'search_uncached':<26} {results['search_uncached']['requests_per_second']:>7} req/s", flush=True)

        # A comment POST as a browser sends it: CSRF cookie and token, a signed timestamp older than 3 s, and a new
        # text and address each time (identical comments are refused as duplicates).
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        tokens = json.loads(opener.open(f"{uncached_server.base}/comments/token/?article={article.pk}").read())
        time.sleep(3.5)
        body = urllib.parse.urlencode({"name": "قارئ", "consent": "on", "token": tokens["token"], "website": "",
                                       "parent": "", "csrfmiddlewaretoken": tokens["csrf"]})  # fmt: skip
        run = secrets.token_hex(3)
        post_script = lua_script(scripts, "post", f"""
-- Each wrk thread has its own Lua state: number the threads so that no two requests carry the same text.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken={tokens['csrf']}"
request = function()
  counter = counter + 1
  local id = "{run}-" .. tid .. "-" .. counter
  local text = "%D8%AA%D8%B9%D9%84%D9%8A%D9%82+" .. id
  return wrk.format(nil, nil, nil, "{body}&email=r" .. id .. "%40example.org&body=" .. text)
end
""")  # fmt: skip
        results["comment_post"] = wrk(f"{uncached_server.base}/comments/post/{article.pk}/", args, post_script)
        print(f"  {'comment_post':<26} {results['comment_post']['requests_per_second']:>7} req/s", flush=True)
    finally:
        uncached_server.stop()

    ceiling = results["ceiling"]["requests_per_second"]
    bare = results["bare_django"]["requests_per_second"]
    table = []
    print(f"\n{'scenario':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'SQL':>5} {'bytes':>8} {'errors':>7}")
    for name in ("article", "home", "bare_django", "ceiling", "article_uncached", "home_uncached", "search_uncached",
                 "comment_post"):  # fmt: skip
        row = {"scenario": name, "label": LABELS.get(name, name), **results[name], **figures.get(name, {})}
        table.append(row)
        print(f"{row['label']:<26} {row['requests_per_second']:>8} {row['p50_ms']:>8} {row['p99_ms']:>8} "
              f"{row.get('sql_queries', ''):>5} {row.get('bytes', ''):>8} {row['non_2xx_3xx']:>7}")  # fmt: skip
    # The headline: the cached article against the outside reference, a bare Django view with Django's default
    # middleware; against our own ceiling (our middleware, no work) second.
    ratios = {
        "cached_over_bare_django": round(results["article"]["requests_per_second"] / bare, 3),
        "cached_over_ceiling": round(results["article"]["requests_per_second"] / ceiling, 3),
        "uncached_over_bare_django": round(results["article_uncached"]["requests_per_second"] / bare, 3),
        "uncached_over_ceiling": round(results["article_uncached"]["requests_per_second"] / ceiling, 3),
    }
    render = figures["article_uncached"]["render_median_ms"]
    print(f"\ncached article / bare Django view = {ratios['cached_over_bare_django']} (the headline); "
          f"cached article / ceiling (our middleware) = {ratios['cached_over_ceiling']}; "
          f"uncached article / bare Django view = {ratios['uncached_over_bare_django']}; "
          f"uncached article render, in process: {render} ms median; search query p50/p95: "
          f"{figures['search_uncached']['query_p50_ms']}/{figures['search_uncached']['query_p95_ms']} ms")  # fmt: skip
    import django as django_module

    output = ROOT / "bench" / "results" / f"http-{vendor}-{args.articles}.json"
    output.write_text(json.dumps({
        "benchmark": "http", "database": vendor, "articles": args.articles, "seed_seconds": round(seconds, 1) if seconds
        else "reused",
        "gunicorn_workers": args.workers, "wrk": {"threads": args.threads, "connections": args.connections,
                                                  "duration_s": args.duration, "cached_rounds": args.rounds},
        "cpus": os.cpu_count(), "python": sys.version.split()[0], "django": django_module.get_version(),
        "table": table, "headline_ratio": "cached_over_bare_django", "ratios": ratios,
        "article_uncached_render_median_ms": figures["article_uncached"]["render_median_ms"],
        "search_query_ms": {"p50": figures["search_uncached"]["query_p50_ms"],
                            "p95": figures["search_uncached"]["query_p95_ms"]},
    }, ensure_ascii=False, indent=2) + "\n")  # fmt: skip
    print(f"Written to {output.relative_to(ROOT)}")
    if vendor == "postgresql":
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
