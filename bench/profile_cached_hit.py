"""
Where a cached page's time goes, in process: the WSGI application gunicorn runs (newsroom/wsgi.py) is called as
gunicorn calls it, for one article page already cached, with the cache in a Redis of the script's own; and, in a
process of its own, the outside reference: the bare Django project's view (bench/bare/) returning a page of the same
size through Django's default middleware. Prints each one's time per request (the best of --rounds runs of --hits
calls), then, under cProfile, the functions a cached answer spends its time in. The figures in bench/README.md
("Where a cached hit's time goes") come from this script; the served figures, with HTTP and gunicorn, from
`make bench`.

Run: .venv/bin/python bench/profile_cached_hit.py --hits 3000
"""

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote_to_bytes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def environ(path):
    """What gunicorn hands the application for `GET path` from wrk (PEP 3333: the path's bytes as characters)."""
    return {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": "", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8000",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip


def caller(application, path):
    def start_response(status, headers, exc_info=None):
        start_response.status = status

    def call():
        result = application(environ(path), start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        return start_response.status, body

    return call


def timed(call, hits, rounds):
    """Microseconds per call: the best of `rounds` runs (the machine's other work only ever adds time)."""
    runs = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(hits):
            call()
        runs.append((time.perf_counter() - started) / hits * 1e6)
    return min(runs), runs


def bare(hits, rounds, page_bytes):
    """In this process (started by main() with the bare project's settings): the bare Django view's time."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.BENCH_BARE_BYTES = page_bytes
    call = caller(get_wsgi_application(), "/")
    for _ in range(200):
        call()
    best, runs = timed(call, hits, rounds)
    print(f"{best:.1f} {' '.join(f'{run:.1f}' for run in runs)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hits", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--lines", type=int, default=30)
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)  # the reference's own process
    args = parser.parse_args()
    if args.bare:
        return bare(args.hits, args.rounds, args.bare)

    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    from tests.factories import make_article
    from tests.redis_server import redis_server

    call_command("migrate", verbosity=0)
    paragraph = "<p>تعود قوارب الصيد إلى الفرات بعد أشهر من الانقطاع، ويعدّ الصيادون شباكهم على الضفة الشرقية.</p>"
    url = make_article(headline_ar="قوارب الصيد تعود إلى الفرات", body_ar=paragraph * 120).get_absolute_url()
    with tempfile.TemporaryDirectory() as directory, redis_server(Path(directory)) as redis_url:
        backend = {"BACKEND": "core.cache.SharedCache", "LOCATION": redis_url, "KEY_PREFIX": "profile"}
        with override_settings(CACHES={"default": backend}, ALLOWED_HOSTS=["127.0.0.1"]):
            from newsroom.wsgi import application

            call = caller(application, url)
            for _ in range(200):
                status, body = call()
            if status != "200 OK":
                raise SystemExit(f"the article page answered {status}")
            ours, our_runs = timed(call, args.hits, args.rounds)
            reference = subprocess.run(  # noqa: S603 - this script, run again
                [sys.executable, __file__, f"--hits={args.hits}", f"--rounds={args.rounds}", f"--bare={len(body)}"],
                capture_output=True, text=True, check=True, cwd=ROOT,
            ).stdout.split()  # fmt: skip
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.hits):
                call()
            profiler.disable()
    print(f"page: {len(body):,} bytes; {args.hits} calls, best of {args.rounds} runs")
    print(f"cached article page, through newsroom/wsgi.py: {ours:.1f} µs per request (runs: {our_runs})")
    print(f"bare Django view, default middleware:          {float(reference[0]):.1f} µs per request")
    print(f"bare / cached = {float(reference[0]) / ours:.2f}")
    stats = pstats.Stats(profiler)
    print(f"\nUnder cProfile, {args.hits} cached hits; times are totals over all of them")
    stats.sort_stats("cumulative").print_stats(args.lines)
    stats.sort_stats("tottime").print_stats(args.lines)


if __name__ == "__main__":
    main()
