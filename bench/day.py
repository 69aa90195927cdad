"""
A newsroom's day, compressed (`make bench-day`): readers pick pages by a Zipf law while the newsroom works, once with
targeted purges (each change purges the tags of what it touched) and once with the rule before issue 15 (every
change purges every page: NEWSROOM_PAGE_CACHE_PURGE_EVERYTHING, kept as a switch for this comparison).

1. Seeds a newsroom (bench/newsroom_data.py: 10,000 articles by default) in a scratch database: PostgreSQL when
   DATABASE_URL names a server, a temporary SQLite file otherwise.
2. Serves it with gunicorn (2 sync workers) and a Redis of its own, and loads it with wrk (2 threads, 16
   connections): each request picks a page by a Zipf law (s = 1) over the home page, the sections, the most used
   tags and every article, newest first; the requests answered from the page cache are counted from X-Page-Cache.
3. Meanwhile the newsroom works through the services, as the desk does: a comment approved every --approve seconds
   (10), an article edited every --edit seconds (30: a new headline for one of the hottest articles), one
   published every --publish seconds (60). After each change, the changed page is asked for at once, as a reader
   would, five times: an answer that does not show the change is a stale page served.
4. Then the cached article behind Varnish (the VCL of docs/production.md, in front of the same gunicorn) against
   nginx serving the same page as a static file, taking turns.

Prints a table and writes bench/results/day-<database>-<articles>.json.
Run: .venv/bin/python bench/day.py   (--phase 120 seconds per mode; DATABASE_URL=postgres://… for PostgreSQL)
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from served import (  # noqa: E402
    Gunicorn,
    add_load_arguments,
    database_url,
    free_port,
    server_environment,
    wrk,
    wrk_figures,
    wrk_run,
)

# The reader's picks: wrk's Lua, with the pages and their Zipf weights written in.
READERS_LUA = """
local paths = {%(paths)s}
local cumulative, total = {}, 0
for rank = 1, #paths do
  total = total + 1 / rank
  cumulative[rank] = total
end
hit, miss, bypass, other = 0, 0, 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  math.randomseed(os.time() * 100 + id)
end

function request()
  local pick, low, high = math.random() * total, 1, #paths
  while low < high do
    local middle = math.floor((low + high) / 2)
    if cumulative[middle] < pick then low = middle + 1 else high = middle end
  end
  return wrk.format("GET", paths[low])
end

-- wrk copies numbers between its threads' Lua states, not tables: one global per outcome.
function response(status, headers, body)
  local outcome = headers["X-Page-Cache"]
  if outcome == "hit" then hit = hit + 1
  elseif outcome == "miss" then miss = miss + 1
  elseif outcome == "bypass" then bypass = bypass + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local all = {hit = 0, miss = 0, bypass = 0, other = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(all) do all[name] = all[name] + thread:get(name) end
  end
  io.write(string.format("OUTCOMES hit=%%d miss=%%d bypass=%%d other=%%d\\n", all.hit, all.miss, all.bypass, all.other))
end
"""


def reader_pages():
    """Every page a reader may pick, most read first: home, sections, the most used tags, articles newest first."""
    from django.db.models import Count
    from django.utils.encoding import iri_to_uri

    from articles.models import Article, Section, Tag

    pages = ["/", "/en/"]
    pages += [section.get_absolute_url() for section in Section.objects.order_by("pk")]
    tags = Tag.objects.annotate(uses=Count("tagged_articles")).order_by("-uses")[:200]
    pages += [tag.get_absolute_url() for tag in tags]
    articles = Article.objects.published().order_by("-published_at")
    pages += [article.get_absolute_url() for article in articles]
    return [iri_to_uri(page) for page in pages]


class Newsroom(threading.Thread):
    """The desk at work while readers read: approvals, edits and publications through the services, each followed
    by a reader's look at the changed page."""

    def __init__(self, base, args, hot):
        super().__init__(daemon=True)
        self.base, self.args, self.hot = base, args, hot
        self.stop = threading.Event()
        self.changes = {"approve": 0, "edit": 0, "publish": 0}
        self.checks, self.stale, self.seen_after = 0, 0, []
        self.errors = []
        self.rng = random.Random(15)  # noqa: S311 - which article to change, not a secret

    def run(self):
        from django.db import connection

        started = time.monotonic()
        due = {"approve": self.args.approve, "edit": self.args.edit, "publish": self.args.publish}
        try:
            while not self.stop.wait(0.2):
                elapsed = time.monotonic() - started
                for kind, every in due.items():
                    if elapsed >= every * (self.changes[kind] + 1):
                        getattr(self, kind)()
                        self.changes[kind] += 1
        except Exception as error:  # noqa: BLE001 - reported with the results, the benchmark goes on
            self.errors.append(repr(error))
        finally:
            connection.close()

    def _article(self):
        from articles.models import Article

        return Article.objects.get(pk=self.hot[min(int(self.rng.paretovariate(1.0)) - 1, len(self.hot) - 1)])

    def approve(self):
        from comments.models import Comment
        from comments.services import comments as comment_services

        article = self._article()
        text = f"تعليق قارئ رقم {self.rng.randrange(10**9)} على الخبر"
        comment = comment_services.comment_submit(article=article, name="قارئ", email="reader@example.org", body=text)
        comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=self.editor)
        self.look(article.get_absolute_url(), text)

    def edit(self):
        from articles.services.articles import article_save

        article = self._article()
        article.headline_ar = f"{article.headline_ar.split(' — ')[0]} — تحديث {self.rng.randrange(10**6)}"
        article_save(article=article, by=self.editor, loaded_version=article.version)
        self.look(article.get_absolute_url(), article.headline_ar)

    def publish(self):
        from articles.models import Article, Section
        from articles.services.articles import article_publish, article_save
        from articles.services.bylines import byline_default

        headline = f"خبر عاجل من الميادين رقم {self.rng.randrange(10**6)}"
        draft = Article(headline_ar=headline, standfirst_ar="موجز الخبر.", body_ar="<p>نص الخبر العاجل.</p>",
                        section=Section.objects.order_by("pk").first())  # fmt: skip
        article_save(article=draft, by=self.editor)
        byline_default(article=draft, by=self.editor)  # publishing needs a byline: the editor's own
        article_publish(article=draft, by=self.editor)
        self.look("/", headline)

    def look(self, path, expected):
        from django.utils.encoding import iri_to_uri

        for _ in range(5):
            self.checks += 1
            with urllib.request.urlopen(self.base + iri_to_uri(path), timeout=10) as answer:  # noqa: S310 - loopback
                if expected not in answer.read().decode():
                    self.stale += 1

    @property
    def editor(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username="bench-day-editor")


def phase(name, args, environment, pages, hot, lua_directory):
    """One mode of the day: gunicorn with `environment`, readers for --phase seconds while the desk works."""
    from django.test import override_settings

    everything = environment.get("NEWSROOM_PAGE_CACHE_PURGE_EVERYTHING") == "1"
    server = Gunicorn(environment, args.workers)
    try:
        script = lua_directory / "readers.lua"
        script.write_text(READERS_LUA % {"paths": ",".join(json.dumps(page) for page in pages)})
        # A warm-up: the pages readers pick most are drawn once before the measured part.
        wrk_run(server.base, args, script, duration=args.warmup)
        with override_settings(NEWSROOM_PAGE_CACHE_PURGE_EVERYTHING=everything):
            desk = Newsroom(server.base, args, hot)
            desk.start()
            try:
                output = wrk_run(server.base, args, script, duration=args.phase)
            finally:
                desk.stop.set()
                desk.join(timeout=60)
        measured = {**wrk_figures(output), "outcomes": outcomes(output)}
    finally:
        server.stop()
    answered = sum(measured["outcomes"].values())
    result = {
        **measured,
        "hit_ratio": round(measured["outcomes"]["hit"] / answered, 4) if answered else 0,
        "changes": desk.changes,
        "stale_checks": desk.checks,
        "stale_pages_served": desk.stale,
        "desk_errors": desk.errors,
    }
    print(f"  {name:<32} {result['requests_per_second']:>6} req/s  hit ratio {result['hit_ratio']:.1%}  "
          f"p50 {result['p50_ms']} ms  p99 {result['p99_ms']} ms  changes {desk.changes}  "
          f"stale {desk.stale}/{desk.checks}", flush=True)  # fmt: skip
    return result


def outcomes(output):
    """How many answers came from the page cache, were drawn, or bypassed it (the readers' script counts them)."""
    import re

    return {name: int(value) for name, value in re.findall(r"(\w+)=(\d+)", re.search(r"OUTCOMES (.*)", output)[1])}


@contextlib.contextmanager
def varnish_in_front(upstream):
    from tests.test_varnish_recipe import Varnish

    front = Varnish(upstream)
    try:
        yield f"http://127.0.0.1:{front.port}"
    finally:
        front.stop()


@contextlib.contextmanager
def nginx_static(page, folder):
    """Debian's nginx serving `page` as a static file (the outside reference for a cache in front)."""
    root = folder / "static-page"
    root.mkdir()
    (root / "index.html").write_bytes(page)
    port = free_port()
    config = folder / "nginx.conf"
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    config.write_text(f"""
daemon off;
worker_processes 1;
pid "{folder / "nginx.pid"}";
error_log "{folder / "nginx-error.log"}" warn;
{user}
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path "{folder / "client_body"}";
    proxy_temp_path "{folder / "proxy"}";
    fastcgi_temp_path "{folder / "fastcgi"}";
    uwsgi_temp_path "{folder / "uwsgi"}";
    scgi_temp_path "{folder / "scgi"}";
    server {{
        listen 127.0.0.1:{port};
        root "{root}";
        default_type "text/html; charset=utf-8";
        location / {{ try_files /index.html =404; }}
    }}
}}
""")
    folder.chmod(0o755)
    root.chmod(0o755)
    executable = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [executable, "-c", str(config), "-p", f"{folder}/"]
    process = subprocess.Popen(command, start_new_session=True)  # noqa: S603 - our own command line
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def front_comparison(args, environment, article_path, folder):
    """The cached article through Varnish against nginx serving the same bytes as a static file, taking turns."""
    from django.utils.encoding import iri_to_uri

    server = Gunicorn(environment, args.workers)
    rounds = {"varnish": [], "nginx_static": []}
    try:
        with varnish_in_front(server.port) as varnish:
            address = varnish + iri_to_uri(article_path)
            with urllib.request.urlopen(address) as answer:  # noqa: S310 - loopback; the first reader fills it
                page = answer.read()
            with nginx_static(page, folder) as nginx:
                for _ in range(args.rounds):
                    rounds["varnish"].append(wrk(address, args))
                    rounds["nginx_static"].append(wrk(nginx + "/", args))
    finally:
        server.stop()
    result = {}
    for name, runs in rounds.items():
        runs.sort(key=lambda run: run["requests_per_second"])
        result[name] = {**runs[len(runs) // 2], "rounds": [run["requests_per_second"] for run in runs]}
    result["bytes"] = len(page)
    result["varnish_over_nginx_static"] = round(
        result["varnish"]["requests_per_second"] / result["nginx_static"]["requests_per_second"], 3
    )
    print(f"  cached article behind Varnish  {result['varnish']['requests_per_second']:>6} req/s "
          f"(rounds {result['varnish']['rounds']})\n"
          f"  nginx, the same page as a file {result['nginx_static']['requests_per_second']:>6} req/s "
          f"(rounds {result['nginx_static']['rounds']})\n"
          f"  Varnish / nginx static = {result['varnish_over_nginx_static']}", flush=True)  # fmt: skip
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--phase", type=int, default=120, help="seconds of readers per mode")
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument("--approve", type=float, default=10)
    parser.add_argument("--edit", type=float, default=30)
    parser.add_argument("--publish", type=float, default=60)
    add_load_arguments(parser, "seconds per run of the Varnish/nginx comparison")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-day installs it when run as root)")

    from tests.redis_server import redis_server

    folder = Path(tempfile.mkdtemp(prefix="newsroom-day-"))
    try:
        with redis_server(folder) as redis_url:
            run(args, folder, redis_url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args, folder, redis_url):
    import served

    url, vendor = database_url(args)
    served.REDIS_URL = redis_url
    os.environ.update({"DATABASE_URL": url, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "newsroom.settings",
                       "DJANGO_ENV_FILE": "", "DJANGO_SECRET_KEY": "bench-day-" + "x" * 40, "DJANGO_DEBUG": "0",
                       "DJANGO_HTTPS": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"})  # fmt: skip
    static_root, media_root = folder / "static", folder / "media"
    os.environ.update({"DJANGO_STATIC_ROOT": str(static_root), "DJANGO_MEDIA_ROOT": str(media_root),
                       "DJANGO_PRIVATE_MEDIA_ROOT": str(media_root / "private")})  # fmt: skip
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from newsroom_data import seed

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    started = time.perf_counter()
    benchmarked, _seconds = seed(articles=args.articles)
    print(f"Seeded {args.articles:,} articles in {time.perf_counter() - started:.1f} s ({vendor})", flush=True)
    editor = get_user_model().objects.create_user("bench-day-editor", "day@example.org", None, is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"), Group.objects.get(name="moderator"))
    from articles.models import Author

    Author.objects.create(name_ar="محرر الاختبار", user=editor)
    pages = reader_pages()
    from articles.models import Article

    hot = list(Article.objects.published().order_by("-published_at").values_list("pk", flat=True)[:20])
    environment = server_environment(url, static_root, media_root, 0, True)
    environment["REDIS_URL"] = redis_url

    print(f"Readers: wrk -t{args.threads} -c{args.connections}, Zipf over {len(pages):,} pages, {args.phase} s per "
          f"mode after {args.warmup} s of warm-up; a comment approved every {args.approve:g} s, an edit every "
          f"{args.edit:g} s, a publication every {args.publish:g} s", flush=True)  # fmt: skip
    results = {
        "targeted purges (tags)": phase("targeted purges (tags)", args, environment, pages, hot, folder),
        "every change purges every page": phase(
            "every change purges every page", args, {**environment, "NEWSROOM_PAGE_CACHE_PURGE_EVERYTHING": "1"},
            pages, hot, folder,
        ),
    }  # fmt: skip
    front = front_comparison(args, environment, benchmarked[0].get_absolute_url(), folder)
    report = {
        "database": vendor, "articles": args.articles, "pages": len(pages), "workers": args.workers,
        "phase_seconds": args.phase, "warmup_seconds": args.warmup,
        "intervals_seconds": {"approve": args.approve, "edit": args.edit, "publish": args.publish},
        "modes": results, "cache_in_front": front,
        "tags_over_everything_requests": round(
            results["targeted purges (tags)"]["requests_per_second"]
            / results["every change purges every page"]["requests_per_second"], 3,
        ),
    }  # fmt: skip
    destination = ROOT / "bench" / "results" / f"day-{vendor}-{args.articles}.json"
    destination.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"targeted / every page, req/s = {report['tags_over_everything_requests']}\nWritten to {destination}")


if __name__ == "__main__":
    main()
