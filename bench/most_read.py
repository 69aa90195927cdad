"""
Most read (`make bench-most-read`): what counting reads costs a cached article page, against a bare Django view.

1. Seeds a small newsroom (bench/newsroom_data.py: --articles, 1,000 by default) in a scratch database (a temporary
   SQLite file, or PostgreSQL when DATABASE_URL names a server) with a week of reads, so that the article page shows
   the «الأكثر قراءة» box.
2. Serves it with two gunicorns side by side, the same --workers sync workers each and one Redis of the script's own
   as the shared cache: one counting reads as production does (NEWSROOM_COUNT_READS on, flushed every
   NEWSROOM_READS_FLUSH_SECONDS, 10), one not (off); and the outside reference, the bare Django view
   (bench/bare/: Django's default startproject settings and middleware) returning a page of the same size.
3. wrk (--threads, --connections, --duration) loads the cached article page, every request with a browser's
   User-Agent: counting off; counting on, one User-Agent (a reader's browser sends the same one every time);
   counting on with a new User-Agent on every request, each one then classified by the crawler list (the worst
   case: a client that changes its User-Agent on purpose); and the bare view. The four take turns --rounds times
   (3), each keeping its median run: single runs this cheap move by ±10 % with the machine's other work.
4. Stops the servers (each worker flushes what it holds as it exits) and compares the reads stored with the 200s wrk
   counted against the counting server. In process, before serving: a cached hit through newsroom/wsgi.py as
   gunicorn calls it, counting on and off taking turns (the best of 7 runs of 3,000 each), and the counting step
   alone, for a known User-Agent and for a new one.

Prints a table and writes bench/results/most-read-<database>.json.
Run: make bench-most-read   (or .venv/bin/python bench/most_read.py; DATABASE_URL=postgres://… for PostgreSQL)
"""

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from served import (  # noqa: E402
    Gunicorn,
    add_load_arguments,
    bare_environment,
    database_url,
    lua_script,
    server_environment,
    wrk_figures,
    wrk_run,
)

BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
    "Safari/537.36"
)
SCENARIOS = {
    "off": "cached article, counting off",
    "on": "cached article, counting on",
    "on_new_agents": "counting on, a new User-Agent each request",
    "bare_django": "bare Django view (outside reference)",
}


def scripts(directory):
    """wrk's Lua: the browser's User-Agent on every request; or a new one on every request (numbered per thread)."""
    one = lua_script(directory, "browser", f'wrk.headers["User-Agent"] = "{BROWSER}"\n')
    new = lua_script(directory, "new-agents", """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
request = function()
  counter = counter + 1
  wrk.headers["User-Agent"] = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0."
    .. tid .. "." .. counter .. " Mobile Safari/537.36"
  return wrk.format()
end
""")  # fmt: skip
    return one, new


def requests_made(output):
    return int(re.search(r"(\d+) requests in", output).group(1))


def seed_reads(article, others):
    """A week of reads of the newest articles, so the box shows both lists."""
    from django.utils import timezone

    from articles.models import ArticleReads

    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    rows = [
        ArticleReads(article=shown, hour=hour - timedelta(hours=offset * 5 + place), reads=(place + 1) * 7)
        for place, shown in enumerate([article, *others])
        for offset in range(30)
    ]
    ArticleReads.objects.bulk_create(rows)


def counting_step():
    """The counting step of a cached answer alone (core/reads.py: is it a reader, then the count), in µs per call:
    for the User-Agent a browser repeats, and for one never seen (classified by the crawler list)."""
    from core import reads

    known = {"HTTP_USER_AGENT": BROWSER}
    reads.reader_request(known)  # the list compiled, this agent classified
    figures = {}
    rounds = []
    for _round in range(5):
        started = time.perf_counter()
        for _ in range(20_000):
            if reads.reader_request(known):
                reads.read_counted("article", 1)
        rounds.append((time.perf_counter() - started) / 20_000 * 1e6)
    figures["known_agent_us"] = round(min(rounds), 2)
    fresh = [{"HTTP_USER_AGENT": f"{BROWSER} bench/{number}"} for number in range(2_000)]
    started = time.perf_counter()
    for meta in fresh:
        if reads.reader_request(meta):
            reads.read_counted("article", 1)
    figures["new_agent_us"] = round((time.perf_counter() - started) / len(fresh) * 1e6, 1)
    reads.reads_forget()
    return figures


def in_process(path, rounds=7, hits=3000):
    """A cached hit through the WSGI application gunicorn runs, called as bench/profile_cached_hit.py calls it, in
    µs per request, counting on and off taking turns: the best run of each (the machine's other work only adds
    time)."""
    from django.conf import settings
    from profile_cached_hit import environ

    from newsroom.wsgi import application

    def call():
        request = environ(path)
        request["HTTP_USER_AGENT"] = BROWSER
        return b"".join(application(request, lambda status, headers, exc_info=None: None))

    for _ in range(300):
        call()
    runs = {True: [], False: []}
    for _round in range(rounds):
        for on in (False, True):
            settings.NEWSROOM_COUNT_READS = on
            started = time.perf_counter()
            for _ in range(hits):
                call()
            runs[on].append(round((time.perf_counter() - started) / hits * 1e6, 1))
    settings.NEWSROOM_COUNT_READS = True
    return {"off_us": min(runs[False]), "on_us": min(runs[True]), "runs_off_us": runs[False], "runs_on_us": runs[True]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000)
    add_load_arguments(parser, "seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-most-read installs it when run as root)")
    from tests.redis_server import redis_server

    folder = Path(tempfile.mkdtemp(prefix="newsroom-most-read-"))
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
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db.models import Sum
    from newsroom_data import seed

    from articles.models import Article, ArticleReads

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    benchmarked, seconds = seed(articles=args.articles, progress=False)
    article = benchmarked[0]
    others = list(Article.objects.published().exclude(pk=article.pk).order_by("-published_at")[:6])
    seed_reads(article, others)
    cache.clear()
    # This process counts only to measure: no thread of its own writes its counts into the newsroom.
    settings.NEWSROOM_READS_FLUSH_SECONDS = 0
    path = article.get_absolute_url()
    hit = in_process(path)
    step = counting_step()
    cache.clear()
    before = ArticleReads.objects.filter(article=article).aggregate(total=Sum("reads"))["total"] or 0

    servers = {
        "on": Gunicorn({**environment, "NEWSROOM_COUNT_READS": "1"}, args.workers),
        "off": Gunicorn({**environment, "NEWSROOM_COUNT_READS": "0"}, args.workers),
    }
    with urllib.request.urlopen(servers["on"].base + path) as response:  # noqa: S310 - loopback only
        page = response.read()
    if "most-read" not in page.decode():
        raise SystemExit("the article page shows no «الأكثر قراءة» box")
    servers["bare_django"] = Gunicorn(bare_environment(len(page)), args.workers, app="bench.bare.wsgi", ready="/")
    one_agent, new_agents = scripts(folder)
    plan = {
        "off": (servers["off"].base + path, one_agent),
        "on": (servers["on"].base + path, one_agent),
        "on_new_agents": (servers["on"].base + path, new_agents),
        "bare_django": (servers["bare_django"].base + "/", one_agent),
    }
    print(f"Seeded {args.articles:,} articles in {seconds:.1f} s ({vendor}); the article page: {len(page):,} bytes; "
          f"gunicorn with {args.workers} sync workers each; wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s, {args.rounds} rounds taking turns", flush=True)  # fmt: skip
    runs = {name: [] for name in plan}
    counted_requests = 0
    try:
        for _round in range(args.rounds):
            for name, (address, script) in plan.items():
                urllib.request.urlopen(address).read()  # noqa: S310 - loopback; the page stored (not counted: urllib)
                output = wrk_run(address, args, script)
                figures = {**wrk_figures(output), "requests": requests_made(output)}
                runs[name].append(figures)
                if name.startswith("on"):
                    counted_requests += figures["requests"] - figures["non_2xx_3xx"]
                print(f"  {SCENARIOS[name]:<45} {figures['requests_per_second']:>7} req/s  "
                      f"p50 {figures['p50_ms']} ms  p99 {figures['p99_ms']} ms", flush=True)  # fmt: skip
    finally:
        for server in servers.values():
            server.stop()
    stored = (ArticleReads.objects.filter(article=article).aggregate(total=Sum("reads"))["total"] or 0) - before

    results = {}
    for name, measured in runs.items():
        ordered = sorted(measured, key=lambda run: run["requests_per_second"])
        results[name] = {**ordered[len(ordered) // 2], "rounds": [run["requests_per_second"] for run in measured]}
    bare = results["bare_django"]["requests_per_second"]
    ratios = {
        "off_over_bare_django": round(results["off"]["requests_per_second"] / bare, 3),
        "on_over_bare_django": round(results["on"]["requests_per_second"] / bare, 3),
        "on_new_agents_over_bare_django": round(results["on_new_agents"]["requests_per_second"] / bare, 3),
        "on_over_off": round(results["on"]["requests_per_second"] / results["off"]["requests_per_second"], 3),
    }
    print(f"\n{'scenario':<45} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}   rounds")
    for name, label in SCENARIOS.items():
        row = results[name]
        print(f"{label:<45} {row['requests_per_second']:>8} {row['p50_ms']:>8} {row['p99_ms']:>8}   {row['rounds']}")
    print(f"\ncounting on / off = {ratios['on_over_off']}; on / bare Django view = {ratios['on_over_bare_django']}; "
          f"off / bare = {ratios['off_over_bare_django']}; new User-Agents / bare = "
          f"{ratios['on_new_agents_over_bare_django']}")  # fmt: skip
    print(f"reads stored {stored:,} of {counted_requests:,} answers from the counting server (wrk does not count "
          "the answers in flight when it stops)")  # fmt: skip
    print(f"in process: a cached hit {hit['off_us']} µs counting off, {hit['on_us']} µs on; the counting step alone "
          f"{step['known_agent_us']} µs (a known User-Agent), {step['new_agent_us']} µs (a new one)")  # fmt: skip
    report = {
        "benchmark": "most-read", "database": vendor, "articles": args.articles, "page_bytes": len(page),
        "gunicorn_workers": args.workers, "wrk": {"threads": args.threads, "connections": args.connections,
                                                  "duration_s": args.duration, "rounds": args.rounds},
        "cpus": os.cpu_count(), "python": sys.version.split()[0], "django": django.get_version(),
        "scenarios": {name: {"label": SCENARIOS[name], **results[name]} for name in SCENARIOS}, "ratios": ratios,
        "answers_counted_by_the_server": counted_requests, "reads_stored": stored,
        "cached_hit_in_process": hit, "counting_step_in_process": step,
        "counting_step_method": "a known agent: the best of 5 rounds of 20,000 calls; new agents: 2,000 calls",
    }  # fmt: skip
    destination = ROOT / "bench" / "results" / f"most-read-{vendor}.json"
    destination.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {destination.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
